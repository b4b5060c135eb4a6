import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { ListEntry } from '../../infra/database/entities/registry';
import { presetVersions } from '../../workflows/policies/presets';
import { policyInForceAt } from '../../workflows/policies';
import { repairStateQuery } from '../../workflows/repair/messages';
import type { creditRepair } from '../../workflows/repair/repair';
import {
  repairWorkflowId,
  type RepairMaterial,
  type RepairStart,
  type RepairState,
} from '../../workflows/repair/types';
import { skipTo, type ObjectionWorld } from './objection-support';

let caseSeq = 0;

/** Applies for the repair of a record at `receivedAt` (the server clock is moved there first). */
export async function startRepair(
  world: ObjectionWorld,
  input: {
    jurisdiction: string;
    office: string;
    receivedAt: string;
    record: { recordId: string; subjectCode: string; subjectName: string };
    materials?: RepairMaterial[];
    historyLimit?: number;
  },
): Promise<WorkflowHandle<typeof creditRepair>> {
  await skipTo(world, input.receivedAt);
  const policy = policyInForceAt(input.jurisdiction, input.receivedAt.slice(0, 10));
  if (!policy) throw new Error(`no policy for ${input.jurisdiction}`);
  const row = await world.registry.records.get(input.record.recordId);
  const caseId = randomUUID();
  const start: RepairStart = {
    caseId,
    caseNo: `${input.jurisdiction.toUpperCase()}-XF-2027-${String(++caseSeq).padStart(6, '0')}`,
    jurisdiction: input.jurisdiction,
    policy,
    policies: presetVersions(input.jurisdiction),
    office: input.office,
    channel: 'window',
    subject: { code: input.record.subjectCode, name: input.record.subjectName, kind: 'other-organisation' },
    applicant: { name: '王五', contact: '13700000000' },
    record: {
      id: row.record.id,
      kind: row.record.kind,
      status: row.record.status,
      department: row.record.department,
      documentNo: row.record.documentNo,
      title: row.record.title,
      severityTier: row.record.severityTier,
      decisionDate: row.record.decisionDate,
      publicityStart: row.record.publicityStart,
    },
    materials: (input.materials ?? ['correction-proof', 'commitment-letter']).map((kind, n) => ({
      kind,
      attachment: { ref: `XF-${n + 1}`, name: kind },
      at: input.receivedAt,
    })),
    receivedBy: 'caseworker.1',
    receivedAt: input.receivedAt,
    ...(input.historyLimit ? { historyLimit: input.historyLimit } : {}),
  };
  return world.env.client.workflow.start<typeof creditRepair>('creditRepair', {
    taskQueue: world.taskQueue,
    workflowId: repairWorkflowId(caseId),
    args: [start],
  });
}

export const repairOf = (handle: WorkflowHandle) => handle.query(repairStateQuery);

export async function untilRepair(
  handle: WorkflowHandle,
  ok: (s: RepairState) => boolean,
  timeoutMs = 20_000,
): Promise<RepairState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await repairOf(handle);
    if (ok(s)) return s;
    if (Date.now() > deadline)
      throw new Error(`repair state not reached; last: ${JSON.stringify(s, null, 1)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const listEntriesOfRecord = (world: ObjectionWorld, recordId: string) =>
  world.dataSource.getRepository(ListEntry).find({ where: { recordId }, order: { createdAt: 'ASC' } });

/**
 * The repair's final state once its workflow has completed, polled with describe() and a query:
 * the client's `result()` unlocks time skipping while it waits, and the server may then skip
 * ahead to other workflows' timers (a year, for a running 信用修复承诺) before it answers, even
 * when the workflow has already completed.
 */
export async function finished(handle: WorkflowHandle, timeoutMs = 20_000): Promise<RepairState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status } = await handle.describe();
    if (status.name === 'COMPLETED') return repairOf(handle);
    if (status.name !== 'RUNNING') throw new Error(`${handle.workflowId} ended ${status.name}`);
    if (Date.now() > deadline) throw new Error(`${handle.workflowId} still running`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
