import type { ObjectionSnapshot } from './state';

/** A 恢复信誉 task: a punishment was applied wrongly and the department must restore the subject's standing. */
export interface RestorationTaskInput {
  /** One task per case: a retried activity finds the task it created. */
  caseId: string;
  caseNo: string;
  recordId: string;
  subjectCode: string;
  subjectName: string;
  /** The department that applied the punishment (the record's provider). */
  department: string;
  /** The measures lifted because of the result (ids). */
  liftedMeasureIds: string[];
  reason: string;
  actor: string;
}

/**
 * Side effects of the objection procedure beyond the shared ones (registry, notifications,
 * deadlines). Implemented in activities/objection; every one is idempotent under retries.
 */
export interface ObjectionActivities {
  /**
   * Brings the read model in step with the workflow: upserts `objection_case` from the snapshot
   * when `revision` is newer than the stored one, and appends timeline entries not stored yet
   * (by `seq`). Never fails because of a stale snapshot: an older revision is ignored.
   */
  syncObjectionCase(snapshot: ObjectionSnapshot): Promise<void>;
  /** Opens (or finds) the 恢复信誉 task of the case and tells the department. */
  openRestorationTask(input: RestorationTaskInput): Promise<{ taskId: string; created: boolean }>;
}
