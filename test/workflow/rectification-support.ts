import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { CreditRecord, PlatformOutbox } from '../../infra/database/entities/registry';
import { policyInForceAt } from '../../workflows/policies';
import type { Limit, PolicyVersion } from '../../workflows/policies/types';
import { usccCheckCharacter } from '../../workflows/registry/identifiers';
import { rectificationStateQuery } from '../../workflows/rectification/messages';
import type { rectification } from '../../workflows/rectification/rectification';
import {
  rectificationWorkflowId,
  type RectificationStart,
  type RectificationState,
} from '../../workflows/rectification/types';
import { skipTo, type ObjectionWorld } from './objection-support';

/** The source jurisdiction of the procedure (seed 004 永昌县) and an identifying department there. */
export const YC = { jurisdiction: 'yongchang', department: '永昌县市场监督管理局' };
export const SUBJECT_CONTACT = '13700000000';

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
let subjectSeq = 0;

/** A registered company with one administrative-penalty record of the department (tier 一般). */
export async function dishonestSubject(
  world: ObjectionWorld,
  department = YC.department,
): Promise<{ code: string; name: string; recordId: string; documentNo: string }> {
  const n = ++subjectSeq;
  const code = uscc(
    `91620321MA${String(process.pid % 100).padStart(2, '0')}${String(n + 700).padStart(5, '0')}`,
  );
  const name = `永昌整改测试商贸有限公司${n}号`;
  await world.registry.subjects.register({ kind: 'legal-person', code, name, actor: 't' });
  const documentNo = `永市监罚〔2027〕${n}号`;
  const { record } = await world.registry.records.register({
    subjectCode: code,
    kind: 'administrative-penalty',
    department,
    documentNo,
    decisionDate: '2027-01-15',
    severityTier: '一般',
    title: '未按规定公示年度报告',
    content: '警告，责令改正',
    publicityStart: '2027-01-20',
    publicityMaxEnd: '2028-01-20',
    actor: 'provider.1',
  });
  return { code, name, recordId: record.id, documentNo };
}

let caseSeq = 0;

/** Orders a rectification at `startedAt` (the server clock is moved there first). */
export async function startRectification(
  world: ObjectionWorld,
  input: {
    startedAt: string;
    subject: { code: string; name: string; recordId: string; documentNo: string };
    deadline?: { limit: Limit; reason: string };
    policy?: (p: PolicyVersion) => PolicyVersion;
    department?: string;
  },
): Promise<WorkflowHandle<typeof rectification>> {
  await skipTo(world, input.startedAt);
  const inForce = policyInForceAt(YC.jurisdiction, input.startedAt.slice(0, 10));
  if (!inForce) throw new Error('no policy for yongchang');
  const policy = input.policy ? input.policy(inForce) : inForce;
  const caseId = randomUUID();
  const start: RectificationStart = {
    caseId,
    caseNo: `YONGCHANG-ZG-2027-${String(++caseSeq).padStart(6, '0')}`,
    jurisdiction: YC.jurisdiction,
    policy,
    department: input.department ?? YC.department,
    subject: { code: input.subject.code, name: input.subject.name, kind: 'legal-person' },
    contact: { name: '王五', contact: SUBJECT_CONTACT },
    basis: {
      kind: 'record',
      recordId: input.subject.recordId,
      documentNo: input.subject.documentNo,
      title: '未按规定公示年度报告',
      localTier: '一般',
      tier: '一般',
    },
    obligations: ['补报并公示2026年度报告', '建立年度报告报送责任制度'],
    ...(input.deadline ? { deadline: input.deadline } : {}),
    startedBy: 'provider.1',
    startedAt: input.startedAt,
  };
  return world.env.client.workflow.start<typeof rectification>('rectification', {
    taskQueue: world.taskQueue,
    workflowId: rectificationWorkflowId(caseId),
    args: [start],
  });
}

export const rectificationOf = (handle: WorkflowHandle) => handle.query(rectificationStateQuery);

/** Waits (in real time) until the rectification's state satisfies `ok`. */
export async function untilRectification(
  handle: WorkflowHandle,
  ok: (s: RectificationState) => boolean,
  timeoutMs = 20_000,
): Promise<RectificationState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await rectificationOf(handle);
    if (ok(s)) return s;
    if (Date.now() > deadline)
      throw new Error(`rectification state not reached; last: ${JSON.stringify(s, null, 1)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The interview records a case registered, and the platform rows pushed for them. */
export async function interviewRecordsOf(world: ObjectionWorld, caseNo: string) {
  const records = await world.dataSource
    .getRepository(CreditRecord)
    .createQueryBuilder('r')
    .where('r.document_no LIKE :no', { no: `${caseNo}-%` })
    .andWhere(`r.kind = 'interview-record'`)
    .orderBy('r.created_at', 'ASC')
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

export const kinds = (s: RectificationState) => s.timeline.map((e) => e.kind);

export const DEPARTMENT_ACTOR = 'provider.1';
export const SUBJECT_ACTOR = 'subject';

/** The interview's schedule input: at `at`, in the department's meeting room. */
export const scheduleAt = (at: string) => ({
  actor: DEPARTMENT_ACTOR,
  at,
  place: '永昌县市场监督管理局三楼会议室',
  participants: ['张科长（信用监管股）', '李干事（信用监管股）'],
  representative: { name: '王五', capacity: '法定代表人' },
});
