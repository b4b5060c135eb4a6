import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ObjectionSnapshot } from './state';
import type { VerificationOutcome } from './types';

/**
 * Every message the objection workflows accept, defined once: the API imports these, so client
 * and workflow cannot drift.
 */

/** 补正: the caseworker asks the applicant for missing materials; the clock stops. */
export interface RequestMaterialsInput {
  actor: string;
  items: string[];
  note?: string;
}
export const requestMaterialsUpdate = defineUpdate<ObjectionSnapshot, [RequestMaterialsInput]>(
  'requestMaterials',
);

/** The requested materials arrived; the clock runs again. */
export interface MaterialsReceivedInput {
  actor: string;
  attachments: { ref: string; name: string }[];
  note?: string;
}
export const materialsReceivedUpdate = defineUpdate<ObjectionSnapshot, [MaterialsReceivedInput]>(
  'materialsReceived',
);

/** The office forwards the case to the information provider (转办). */
export interface ForwardInput {
  actor: string;
  note?: string;
}
export const forwardUpdate = defineUpdate<ObjectionSnapshot, [ForwardInput]>('forward');

/** Extension of the current step (延期), with a reason; the applicant is told. */
export interface ExtendInput {
  actor: string;
  workingDays: number;
  reason: string;
}
export const extendUpdate = defineUpdate<ObjectionSnapshot, [ExtendInput]>('extend');

/** The applicant withdraws the objection (撤回), any time before the result. */
export interface WithdrawInput {
  actor: string;
  reason: string;
}
export const withdrawUpdate = defineUpdate<ObjectionSnapshot, [WithdrawInput]>('withdraw');

/** The office issues the written reply (书面告知) after the provider's result. */
export interface IssueReplyInput {
  actor: string;
}
export const issueReplyUpdate = defineUpdate<ObjectionSnapshot, [IssueReplyInput]>('issueReply');

export const objectionStateQuery = defineQuery<ObjectionSnapshot>('objectionState');

/** The provider's written verification result (核查意见), sent to the providerVerification child. */
export interface ProviderReplyInput {
  actor: string;
  department: string;
  outcome: VerificationOutcome;
  opinion: string;
  /** For `corrected`: field → new value. */
  correctedValues?: Record<string, string>;
  /** The punishment applied on this record was wrong (恢复信誉 needed). */
  wrongfulPunishment?: boolean;
}
export const providerReplyUpdate = defineUpdate<ProviderReplyResult, [ProviderReplyInput]>('providerReply');

export interface ProviderReplyResult {
  acceptedAt: string;
  outcome: VerificationOutcome;
}

/** Calendar changes reach the objection workflow through the shared deadline signal. */
export { calendarChangedSignal } from '../deadlines/working-day-deadline';
