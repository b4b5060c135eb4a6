import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import { Clock, systemClock } from './clock';
import { createRegistry } from './index';
import type { RecordCorrection } from './records';
import { RegistryError } from './registry-error';

/** Which record, for which case, by whom and why: every procedure step names all four. */
export interface RecordStepInput {
  recordId: string;
  /** The procedure's case (objection, repair …) — makes a retried activity a no-op. */
  caseRef: string;
  actor: string;
  reason: string;
}

export interface RecordStepResult {
  recordId: string;
  status: string;
  version: number;
  /** False when the same step for the same case had already been applied (a retry). */
  changed: boolean;
}

/**
 * The registry as Temporal activities, for the procedures (objection, repair, list exit):
 * mark disputed, resolve, hide/unhide, correct, revoke, repair; suspend/reinstate/lift the
 * measures resting on a record; the daily expiry sweep. Rule violations become non-retryable
 * failures carrying the registry's error code as the failure type.
 */
export function createRegistryActivities(deps: { dataSource: DataSource; clock?: Clock }) {
  const registry = createRegistry(deps.dataSource, deps.clock ?? systemClock);

  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof RegistryError) {
        throw ApplicationFailure.create({
          message: err.message,
          type: err.code,
          nonRetryable: true,
          details: err.details === undefined ? [] : [err.details],
        });
      }
      throw err;
    }
  }

  const step =
    (action: 'dispute' | 'resolve-dispute' | 'hide' | 'unhide' | 'revoke' | 'repair') =>
    (input: RecordStepInput): Promise<RecordStepResult> =>
      guarded(async () => {
        const { record, changed } = await registry.records.transition(input.recordId, action, input);
        return { recordId: record.id, status: record.status, version: record.version, changed };
      });

  const measures =
    (action: 'suspend' | 'reinstate' | 'lift') =>
    (input: RecordStepInput): Promise<{ appliedMeasureIds: string[] }> =>
      guarded(async () => ({
        appliedMeasureIds: await registry.measures.actOnRecord(input.recordId, action, input),
      }));

  return {
    /** 异议受理: mark the record disputed (标注). */
    markRecordDisputed: step('dispute'),
    /** Objection upheld as correct: the mark is removed, the record returns to its prior status. */
    resolveRecordDispute: step('resolve-dispute'),
    /** Policy "hide from publicity while verifying". */
    hideRecord: step('hide'),
    unhideRecord: step('unhide'),
    revokeRecord: step('revoke'),
    repairRecord: step('repair'),
    /** Provider's verification found errors: the given fields are corrected (and pushed to the platform). */
    correctRecord: (input: RecordStepInput & { changes: RecordCorrection }): Promise<RecordStepResult> =>
      guarded(async () => {
        const { record, changed } = await registry.records.transition(input.recordId, 'correct', input);
        return { recordId: record.id, status: record.status, version: record.version, changed };
      }),
    /** Policy "suspend joint punishment while verifying". */
    suspendRecordMeasures: measures('suspend'),
    reinstateRecordMeasures: measures('reinstate'),
    /** The record was revoked or repaired: its punishments end (恢复信誉). */
    liftRecordMeasures: measures('lift'),
    /** Daily sweep: stop publicity of records past their maximum publicity period. */
    expireDueRecords: (): Promise<{ expired: string[] }> =>
      guarded(async () => ({ expired: await registry.records.expireDue() })),
    /** Daily purge: delete records whose retention period has ended. */
    deleteRecordsPastRetention: (): Promise<{ deleted: string[] }> =>
      guarded(async () => ({ deleted: await registry.records.deletePastRetention() })),
  };
}
