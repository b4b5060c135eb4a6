import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { PlatformOutbox, CreditRecord } from '../../infra/database/entities/registry';
import type { commitment } from '../../workflows/commitment/commitment';
import { commitmentStateQuery } from '../../workflows/commitment/messages';
import {
  commitmentWorkflowId,
  type CommitmentKind,
  type CommitmentStart,
  type CommitmentState,
} from '../../workflows/commitment/types';
import { policyInForceAt } from '../../workflows/policies';
import type { Limit } from '../../workflows/policies/types';
import { usccCheckCharacter } from '../../workflows/registry/identifiers';
import { skipTo, type ObjectionWorld } from './objection-support';

/** The jurisdictions the commitment scenarios run in (seed 003 新郑, seed 000 叶县). */
export const XZ = { jurisdiction: 'xinzheng-mz', department: '新郑市民政局行政审批科' };
export const YX = { jurisdiction: 'yexian-mz', department: '叶县民政局社会组织管理股' };

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
let subjectSeq = 0;

/** A registered organisation with no records at all (a clean subject). */
export async function cleanSubject(world: ObjectionWorld): Promise<{ code: string; name: string }> {
  const n = ++subjectSeq;
  const code = uscc(
    `52410183MJ${String(process.pid % 100).padStart(2, '0')}${String(n + 500).padStart(5, '0')}`,
  );
  const name = `承诺测试养老服务中心${n}号`;
  await world.registry.subjects.register({ kind: 'other-organisation', code, name, actor: 't' });
  return { code, name };
}

let caseSeq = 0;

/** Signs a commitment at `signedAt` (the server clock is moved there first). */
export async function startCommitment(
  world: ObjectionWorld,
  input: {
    jurisdiction: string;
    department: string;
    kind: CommitmentKind;
    signedAt: string;
    subject: { code: string; name: string };
    items?: { name: string; limit: Limit }[];
    validity?: Limit;
    historyLimit?: number;
    matter?: string;
  },
): Promise<WorkflowHandle<typeof commitment>> {
  await skipTo(world, input.signedAt);
  const policy = policyInForceAt(input.jurisdiction, input.signedAt.slice(0, 10));
  if (!policy) throw new Error(`no policy for ${input.jurisdiction}`);
  const caseId = randomUUID();
  const start: CommitmentStart = {
    caseId,
    caseNo: `${input.jurisdiction.toUpperCase()}-CN-2027-${String(++caseSeq).padStart(6, '0')}`,
    jurisdiction: input.jurisdiction,
    policy,
    kind: input.kind,
    department: input.department,
    subject: { code: input.subject.code, name: input.subject.name, kind: 'other-organisation' },
    signer: { name: '李四', capacity: '法定代表人', contact: '13900000000' },
    matter: input.matter ?? '养老机构备案',
    ...(input.items ? { items: input.items } : {}),
    ...(input.validity ? { validity: input.validity } : {}),
    ...(input.historyLimit ? { historyLimit: input.historyLimit } : {}),
    signedBy: 'caseworker.1',
    signedAt: input.signedAt,
  };
  return world.env.client.workflow.start<typeof commitment>('commitment', {
    taskQueue: world.taskQueue,
    workflowId: commitmentWorkflowId(caseId),
    args: [start],
  });
}

export const commitmentOf = (handle: WorkflowHandle) => handle.query(commitmentStateQuery);

/** Waits (in real time) until the commitment's state satisfies `ok`. */
export async function untilCommitment(
  handle: WorkflowHandle,
  ok: (s: CommitmentState) => boolean,
  timeoutMs = 20_000,
): Promise<CommitmentState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await commitmentOf(handle);
    if (ok(s)) return s;
    if (Date.now() > deadline)
      throw new Error(`commitment state not reached; last: ${JSON.stringify(s, null, 1)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The credit records a commitment case registered, and the platform rows pushed for them. */
export async function recordsOfCase(world: ObjectionWorld, caseNo: string) {
  const records = await world.dataSource
    .getRepository(CreditRecord)
    .createQueryBuilder('r')
    .where('r.document_no LIKE :no', { no: `${caseNo}-%` })
    .getMany();
  const outbox = records.length
    ? await world.dataSource
        .getRepository(PlatformOutbox)
        .createQueryBuilder('o')
        .where('o.aggregate_id IN (:...ids)', { ids: records.map((r) => r.id) })
        .andWhere('o.event_type = :t', { t: 'record.registered' })
        .getMany()
    : [];
  return { records, outbox };
}

export const kinds = (s: CommitmentState) => s.timeline.map((e) => e.kind);
