import type { RectificationConsequence } from '../policies/types';

/** An interview record (约谈记录) entered into the subject's credit record and pushed to the platform. */
export interface InterviewRecordInput {
  /** `rectification:<caseId>`. */
  caseRef: string;
  subjectCode: string;
  /** The identifying department, which held the interview (谁认定、谁约谈). */
  department: string;
  /** Deterministic per case and interview (`<caseNo>-提示约谈`): a retried activity finds the first record. */
  documentNo: string;
  /** YYYY-MM-DD (Beijing): the day it was recorded. */
  decisionDate: string;
  title: string;
  content: string;
  actor: string;
}

/** The confirmed consequence after a 警示约谈, applied to the subject. */
export interface ConsequenceInput {
  caseRef: string;
  subjectCode: string;
  department: string;
  consequence: RectificationConsequence;
  /** 重点关注名单: the entry's document number (`<caseNo>-重点关注`), its field, basis, record, dates. */
  documentNo: string;
  domain: string;
  basis: string;
  recordId?: string;
  effectiveFrom: string;
  expiresOn?: string;
  /** The matter measures are applied in. */
  matter: string;
  actor: string;
}

export interface ConsequenceResult {
  /** The 重点关注名单 entry (also the one a retried attempt had added). */
  listEntryId?: string;
  /** Applied measures (ids), also those a retried attempt had applied. */
  appliedMeasureIds: string[];
  /** Measures the registry refused (unpublished, not applicable): on file, never applied. */
  refused: { measureCode: string; code: string; message: string }[];
}

/** A rectification verified as done (完成信用整改): evidence the repair procedure accepts. */
export interface CompletedRectification {
  caseId: string;
  caseNo: string;
  department: string;
  subjectCode: string;
  recordId: string | null;
  obligations: string[];
  /** When the department verified it as done, and its opinion. */
  rectifiedAt: string;
  opinion: string | null;
}

/**
 * Side effects of the rectification procedure (implemented in activities/rectification), each
 * idempotent under retries: a retried attempt after a committed one returns the same result.
 */
export interface RectificationActivities {
  /**
   * Registers the interview record (the same document number again returns the first record) and,
   * when it is created, pushes it to the shared platform through the outbox in the same transaction.
   */
  registerInterviewRecord(input: InterviewRecordInput): Promise<{ recordId: string; created: boolean }>;
  /** Applies the consequence; refused measures are returned, not thrown. */
  applyRectificationConsequence(input: ConsequenceInput): Promise<ConsequenceResult>;
  /** The subject's rectifications of the record verified as done (read model). */
  completedRectifications(input: {
    subjectCode: string;
    recordId: string;
  }): Promise<CompletedRectification[]>;
}
