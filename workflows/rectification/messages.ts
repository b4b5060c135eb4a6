import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Attachment, RectificationState, RectificationView, VerificationResult } from './types';
import type { Limit } from '../policies/types';

/**
 * Every message the rectification workflow accepts, defined once: the API imports these. Updates
 * are refused by their validators (nothing enters the history) with an ApplicationFailure whose
 * `type` is one of RECTIFICATION_REFUSALS.
 */
export const RECTIFICATION_REFUSALS = {
  /** The rectification has ended (rectified, sanctioned, closed unrectified, cancelled). */
  RECTIFICATION_ENDED: 409,
  /** The action does not fit the status (a report awaiting verification, no interview due …). */
  RECTIFICATION_WRONG_STATUS: 409,
  /** The interview has not been held yet: it cannot be recorded before its time. */
  RECTIFICATION_INTERVIEW_NOT_HELD: 409,
  /** Well-formed but unacceptable input (an interview in the past, an empty opinion …). */
  RECTIFICATION_INVALID_INPUT: 422,
} as const;
export type RectificationRefusalCode = keyof typeof RECTIFICATION_REFUSALS;

/** The subject reports what it did (整改情况), with attachments by reference. */
export interface ReportRectificationInput {
  actor: string;
  description: string;
  attachments: Attachment[];
}
export const reportRectificationUpdate = defineUpdate<RectificationView, [ReportRectificationInput]>(
  'reportRectification',
);

/** The department verifies the reported rectification: done, not done or partly, with its opinion. */
export interface VerifyRectificationInput {
  actor: string;
  result: VerificationResult;
  opinion: string;
}
export const verifyRectificationUpdate = defineUpdate<RectificationView, [VerifyRectificationInput]>(
  'verifyRectification',
);

/** The department schedules (or reschedules) the interview that is due. */
export interface ScheduleInterviewInput {
  actor: string;
  /** ISO instant with offset, in the future. */
  at: string;
  place: string;
  participants: string[];
  representative: { name: string; capacity: string };
}
export const scheduleInterviewUpdate = defineUpdate<RectificationView, [ScheduleInterviewInput]>(
  'scheduleInterview',
);

/**
 * The department records the interview once its time has come: held (what was said, what the
 * subject undertook) or the subject did not appear; and the new deadline (default: the policy's).
 */
export interface RecordInterviewInput {
  actor: string;
  appeared: boolean;
  summary: string;
  undertakings?: string;
  newDeadline?: Limit;
  /** Required with `newDeadline`. */
  newDeadlineReason?: string;
}
export const recordInterviewUpdate = defineUpdate<RectificationView, [RecordInterviewInput]>(
  'recordInterview',
);

/** The supervisor confirms (→ applied) or rejects the consequence proposed after the 警示约谈. */
export interface DecideConsequenceInput {
  actor: string;
  confirmed: boolean;
  reason: string;
}
export const decideConsequenceUpdate = defineUpdate<RectificationView, [DecideConsequenceInput]>(
  'decideConsequence',
);

/** The department withdraws the order (撤销整改要求), e.g. the record was revoked. */
export interface CancelRectificationInput {
  actor: string;
  reason: string;
}
export const cancelRectificationUpdate = defineUpdate<RectificationView, [CancelRectificationInput]>(
  'cancelRectification',
);

export const rectificationStateQuery = defineQuery<RectificationState>('rectificationState');
