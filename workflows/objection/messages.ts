import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { RecordCorrection } from '../registry/types';
import type { ObjectionSnapshot, ObjectionView, ProviderReply } from './state';
import type { ObjectionStatus, VerificationOutcome } from './types';

/**
 * Every message the objection workflows accept, defined once: the API imports these, so client
 * and workflow cannot drift. Updates are refused by their validators (nothing enters the
 * history) with an ApplicationFailure whose `type` is one of OBJECTION_REFUSALS.
 */

/** Refusal codes of the updates, and the HTTP status the API answers with. */
export const OBJECTION_REFUSALS = {
  /** The case has ended (closed, withdrawn, lapsed). */
  OBJECTION_ENDED: 409,
  /** The action does not fit the case's current status (e.g. forward while awaiting materials). */
  OBJECTION_WRONG_STATUS: 409,
  /** The provider already replied. */
  VERIFICATION_ALREADY_REPLIED: 409,
  /** The reply comes from another department than the record's provider. */
  VERIFICATION_OTHER_DEPARTMENT: 403,
  /** The input is well-formed JSON but not acceptable (empty reason, unknown field ...). */
  OBJECTION_INVALID_INPUT: 422,
} as const;
export type ObjectionRefusalCode = keyof typeof OBJECTION_REFUSALS;

/** 补正: the caseworker asks the applicant for missing materials; the clock stops. */
export interface RequestMaterialsInput {
  actor: string;
  /** What is missing, one item per entry (shown to the applicant). */
  items: string[];
  note?: string;
}
export const requestMaterialsUpdate = defineUpdate<ObjectionView, [RequestMaterialsInput]>(
  'requestMaterials',
);

/** The requested materials arrived; the clock runs again. */
export interface MaterialsReceivedInput {
  actor: string;
  attachments: { ref: string; name: string }[];
  note?: string;
}
export const materialsReceivedUpdate = defineUpdate<ObjectionView, [MaterialsReceivedInput]>(
  'materialsReceived',
);

/** The office forwards the case to the information provider (转办). */
export interface ForwardInput {
  actor: string;
  note?: string;
}
export const forwardUpdate = defineUpdate<ObjectionView, [ForwardInput]>('forward');

/** Extension of the current step (延期), with a reason; the applicant is told. */
export interface ExtendInput {
  actor: string;
  workingDays: number;
  reason: string;
}
export const extendUpdate = defineUpdate<ObjectionView, [ExtendInput]>('extend');

/** The applicant withdraws the objection (撤回), any time before the result. */
export interface WithdrawInput {
  actor: string;
  reason: string;
}
export const withdrawUpdate = defineUpdate<ObjectionView, [WithdrawInput]>('withdraw');

/** The office issues the written reply (书面告知) after the provider's result. */
export interface IssueReplyInput {
  actor: string;
}
export const issueReplyUpdate = defineUpdate<ObjectionView, [IssueReplyInput]>('issueReply');

export const objectionStateQuery = defineQuery<ObjectionSnapshot>('objectionState');

/** The provider's written verification result (核查意见), sent to the providerVerification child. */
export interface ProviderReplyInput {
  actor: string;
  /** The replying user's department (from the token); must be the record's provider. */
  department: string;
  outcome: VerificationOutcome;
  opinion: string;
  /** For `corrected`: field → new value (null clears an optional field). */
  correctedValues?: RecordCorrection;
  /** The punishment applied on this record was wrong: reputation restoration (恢复信誉) is needed. */
  wrongfulPunishment?: boolean;
}
export interface ProviderReplyResult {
  acceptedAt: string;
  outcome: VerificationOutcome;
  late: boolean;
}
export const providerReplyUpdate = defineUpdate<ProviderReplyResult, [ProviderReplyInput]>('providerReply');

/** What the verification child reports to its parent (case) workflow. */
export interface VerificationState {
  caseId: string;
  status: 'pending' | 'replied' | 'withdrawn';
  reply?: ProviderReply;
}
export const verificationStateQuery = defineQuery<VerificationState>('verificationState');

/** How the verification child ends: with the provider's reply, or without (the applicant withdrew). */
export type VerificationResult = { kind: 'replied'; reply: ProviderReply } | { kind: 'withdrawn' };

/**
 * Parent → child: the applicant withdrew. The child ends without a reply unless it has already
 * accepted one, which it then returns (a reply accepted first is never dropped).
 */
export const verificationWithdrawnSignal = defineSignal('verificationWithdrawn');

/** Statuses in which the case still runs (updates other than queries are accepted). */
export const OPEN_STATUSES: readonly ObjectionStatus[] = [
  'received',
  'awaiting-materials',
  'forwarded',
  'verified',
];

/** Calendar changes reach the objection workflows through the shared deadline signal. */
export { calendarChangedSignal } from '../case/step-clock';
