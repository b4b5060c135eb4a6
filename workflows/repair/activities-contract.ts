import type { CompletedRectification } from '../rectification/activities-contract';
import type { RepairBar } from './eligibility';
import type { RepairRecord } from './types';

/** What the repair needs to know at intake: the record as it stands now, and bars of the subject. */
export interface RepairFactsInput {
  recordId: string;
  subjectCode: string;
  /** The case asking (its own revocation does not bar it). */
  caseId: string;
}

export interface RepairFacts {
  record: RepairRecord;
  /** Revoked repairs of the subject whose bar may still run. */
  bars: RepairBar[];
  /** 完成信用整改: rectifications of the record verified as done (absent in older histories). */
  rectifications?: CompletedRectification[];
}

/** A measure lifted by the repair, and the department executing it (told of the lift). */
export interface LiftedMeasure {
  id: string;
  measureName: string;
  executingDepartment: string;
}

/**
 * Side effects of the repair procedure beyond the registry's (implemented in activities/repair);
 * idempotent under retry.
 */
export interface RepairActivities {
  repairFacts(input: RepairFactsInput): Promise<RepairFacts>;
  /** The measures (applied ids) with their names and executing departments. */
  describeAppliedMeasures(input: { appliedMeasureIds: string[] }): Promise<LiftedMeasure[]>;
}
