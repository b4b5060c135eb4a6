import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import { Clock, systemClock } from './clock';
import { createRegistry } from './index';
import type { NotifyInput } from '../notifications/notifications';
import type { Skipped } from './list-exits';
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
 * mark disputed, resolve, hide/unhide, correct, revoke, repair and revoke a repair;
 * suspend/reinstate/lift/reapply the measures resting on a record; list exits and their way
 * back; the daily sweeps. Rule violations become non-retryable failures carrying the
 * registry's error code as the failure type.
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
    (action: 'dispute' | 'resolve-dispute' | 'hide' | 'unhide' | 'revoke' | 'repair' | 'revoke-repair') =>
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
    /** Revocation ends the list entries resting on the record too (cause record-revoked). */
    revokeRecord: step('revoke'),
    /** Repair ends the list entries resting on the record too (cause repaired); see exitRecordListEntries. */
    repairRecord: step('repair'),
    /**
     * 撤销信用修复 (the repair rested on false materials): the record returns to the status the
     * repair ended. Entries and measures come back with restoreListEntries / reapplyRecordMeasures.
     */
    unrepairRecord: step('revoke-repair'),
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
    /**
     * The record was repaired: every list entry resting on it still running exits (cause
     * repaired; measures lifted, platform and executing departments told). Answers the entries
     * this case exited, also those repairRecord exited, so a retry answers the same ids.
     * Refused (RECORD_NOT_REPAIRED) unless the record is repaired.
     */
    exitRecordListEntries: (input: RecordStepInput): Promise<{ exitedEntryIds: string[] }> =>
      guarded(async () => ({
        exitedEntryIds: await registry.listExits.exitRepaired(input.recordId, input),
      })),
    /**
     * A revoked repair: the entries given (from exitRecordListEntries) are listed again, each as
     * a new entry from today until its original expiry. Answers the new entries' ids; a retry
     * answers the same. Entries that exited for another cause, or whose validity ended, are in
     * `skipped` with the reason. The record must no longer be repaired (unrepairRecord first).
     */
    restoreListEntries: (
      input: RecordStepInput & { entryIds: string[] },
    ): Promise<{ entryIds: string[]; skipped: Skipped[] }> =>
      guarded(() => registry.listExits.restore(input.recordId, input.entryIds, input)),
    /**
     * A revoked repair: the measures given (lifted by the repair, from liftRecordMeasures) are
     * applied again as new applied measures on the entry in force (restored here if not yet).
     * Answers the new measures' ids; a retry answers the same. The record must no longer be
     * repaired (unrepairRecord first).
     */
    reapplyRecordMeasures: (
      input: RecordStepInput & { appliedMeasureIds: string[] },
    ): Promise<{ appliedMeasureIds: string[]; skipped: Skipped[] }> =>
      guarded(() => registry.listExits.reapply(input.recordId, input.appliedMeasureIds, input)),
    /** Daily sweep: entries past their validity exit (and any still resting on a revoked or repaired record). */
    exitListEntriesDue: (): Promise<{ exited: string[] }> =>
      guarded(async () => ({ exited: await registry.listExits.exitDue() })),
    /** Notifications of list exits written with them, not yet delivered (registryMaintenance hands them to notify). */
    pendingListNotices: (): Promise<NotifyInput[]> => guarded(() => registry.listExits.pendingNotices()),
    /** Daily sweep: stop publicity of records past their maximum publicity period. */
    expireDueRecords: (): Promise<{ expired: string[] }> =>
      guarded(async () => ({ expired: await registry.records.expireDue() })),
    /** Daily purge: delete records whose retention period has ended. */
    deleteRecordsPastRetention: (): Promise<{ deleted: string[] }> =>
      guarded(async () => ({ deleted: await registry.records.deletePastRetention() })),
  };
}
