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
 * deadlines, the case kit's publishCase, whose objection writer is in activities/objection). Implemented in activities/objection; every one is idempotent under retries.
 */
export interface ObjectionActivities {
  /** Opens (or finds) the 恢复信誉 task of the case and tells the department. */
  openRestorationTask(input: RestorationTaskInput): Promise<{ taskId: string; created: boolean }>;
}
