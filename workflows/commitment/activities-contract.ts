import type { RecordKind, RecordStatus } from '../registry/types';

/** 逢办必查 at the intake of a commitment: what the registry knows about the subject. */
export interface EligibilityFactsInput {
  /** `commitment:<caseId>`: the credit check is stored with the case file. */
  caseRef: string;
  subjectCode: string;
  matter: string;
  department: string;
  actor: string;
  /** Negative records decided on or after this day (YYYY-MM-DD) are returned (green channel). */
  badRecordsSince: string;
}

/** A negative record of the subject (行政处罚, 失信名单认定, 承诺违约, 约谈记录). */
export interface NegativeRecordFact {
  recordId: string;
  kind: RecordKind;
  status: RecordStatus;
  documentNo: string;
  title: string;
  decisionDate: string;
}

export interface EligibilityFacts {
  /** The stored credit check (credit_check row), read back with the case. */
  creditCheckId: string;
  checkedAt: string;
  /** The subject as registered. */
  subject: { code: string; name: string };
  /** Current blacklist entries (黑名单), by domain and list name. */
  blacklists: { domain: string; listName: string; department: string }[];
  /** Commitment-breach records that are still in force (not repaired, revoked, corrected away or deleted). */
  breaches: NegativeRecordFact[];
  /** Negative records decided on or after `badRecordsSince` that still stand (not revoked or deleted). */
  badRecords: NegativeRecordFact[];
}

/** A credit record a commitment enters into the registry: its breach (违约) or its keeping (履约). */
export interface CommitmentRecordInput {
  /** `commitment:<caseId>`. */
  caseRef: string;
  kind: Extract<RecordKind, 'commitment-breach' | 'commitment-kept'>;
  subjectCode: string;
  department: string;
  /** Deterministic per case and kind (`<caseNo>-违约`): a retried activity finds the first record. */
  documentNo: string;
  /** YYYY-MM-DD (Beijing). */
  decisionDate: string;
  title: string;
  content: string;
  /** Published (公示) from this day, until `publicityMaxEnd`; absent: not published. */
  publicityStart?: string;
  publicityMaxEnd?: string;
  actor: string;
}

export interface CommitmentMeasuresInput {
  caseRef: string;
  subjectCode: string;
  measureCodes: string[];
  matter: string;
  executingDepartment: string;
  actor: string;
}

export interface CommitmentMeasuresResult {
  /** Applied measures (ids), also those a retried attempt had applied. */
  appliedMeasureIds: string[];
  /** Measures the registry refused (unpublished, not applicable): on file, never applied. */
  refused: { measureCode: string; code: string; message: string }[];
}

/**
 * Side effects of the commitment procedure (implemented in activities/commitment); every one is
 * idempotent under retries: a retried attempt after a committed one returns the same result.
 */
export interface CommitmentActivities {
  /** Runs and stores the credit check of the intake and returns the facts eligibility needs. */
  commitmentEligibilityFacts(input: EligibilityFactsInput): Promise<EligibilityFacts>;
  /**
   * Registers the record (the same document number again returns the first record) and, when it
   * is created, pushes it to the shared platform through the outbox in the same transaction.
   */
  registerCommitmentRecord(input: CommitmentRecordInput): Promise<{ recordId: string; created: boolean }>;
  /** Applies measures of the published list to the subject; refusals are returned, not thrown. */
  applyCommitmentMeasures(input: CommitmentMeasuresInput): Promise<CommitmentMeasuresResult>;
}
