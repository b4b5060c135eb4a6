import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Attachment, CommitmentState, CommitmentView } from './types';

/**
 * Every message the commitment workflow accepts, defined once: the API imports these. Updates are
 * refused by their validators (nothing enters the history) with an ApplicationFailure whose
 * `type` is one of COMMITMENT_REFUSALS.
 */
export const COMMITMENT_REFUSALS = {
  /** The commitment has ended (kept, breached, withdrawn, refused). */
  COMMITMENT_ENDED: 409,
  /** The action does not fit the status or the kind (e.g. supplying an item of a 告知承诺). */
  COMMITMENT_WRONG_STATUS: 409,
  /** The item was already supplied. */
  COMMITMENT_ITEM_SUPPLIED: 409,
  /** A deadline has passed: the application can no longer be withdrawn without breach. */
  COMMITMENT_DEADLINE_PASSED: 409,
  /** The reported breach was already decided. */
  COMMITMENT_REPORT_DECIDED: 409,
  /** Well-formed but unacceptable input (unknown item, empty reason …). */
  COMMITMENT_INVALID_INPUT: 422,
} as const;
export type CommitmentRefusalCode = keyof typeof COMMITMENT_REFUSALS;

/** 容缺受理: the caseworker records a promised material as supplied (by reference). */
export interface SupplyItemInput {
  actor: string;
  itemNo: number;
  attachment: Attachment;
  note?: string;
}
export const supplyItemUpdate = defineUpdate<CommitmentView, [SupplyItemInput]>('supplyItem');

/** 容缺受理: more time for one item (延期), in working days, with a reason; the signer is told. */
export interface ExtendItemInput {
  actor: string;
  itemNo: number;
  workingDays: number;
  reason: string;
}
export const extendItemUpdate = defineUpdate<CommitmentView, [ExtendItemInput]>('extendItem');

/** 告知承诺: the result of 事后核查: the declaration was true, or it was not. */
export interface RecordVerificationInput {
  actor: string;
  truthful: boolean;
  /** What was checked and found (核查情况). */
  finding: string;
}
export const recordVerificationUpdate = defineUpdate<CommitmentView, [RecordVerificationInput]>(
  'recordVerification',
);

/** Anyone on staff records a reported breach (违诺线索); the department decides on it. */
export interface ReportBreachInput {
  actor: string;
  description: string;
  /** Where it came from (投诉举报, 日常检查 …). */
  source?: string;
}
export const reportBreachUpdate = defineUpdate<CommitmentView, [ReportBreachInput]>('reportBreach');

/** The department confirms (→ breach) or dismisses a reported breach, with its reasons. */
export interface DecideBreachInput {
  actor: string;
  reportNo: number;
  confirmed: boolean;
  reason: string;
  /** Measures of the published list to apply with the breach (in addition to the policy's). */
  measureCodes?: string[];
}
export const decideBreachUpdate = defineUpdate<CommitmentView, [DecideBreachInput]>('decideBreach');

/** The application is withdrawn before any deadline has passed: the commitment ends without breach. */
export interface WithdrawInput {
  actor: string;
  reason: string;
}
export const withdrawCommitmentUpdate = defineUpdate<CommitmentView, [WithdrawInput]>('withdraw');

export const commitmentStateQuery = defineQuery<CommitmentState>('commitmentState');
