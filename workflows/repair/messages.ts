import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Attachment, RepairMaterial, RepairState, RepairView } from './types';

/**
 * Every message the repair workflow accepts, defined once: the API imports these. Updates are
 * refused by their validators (nothing enters the history) with an ApplicationFailure whose
 * `type` is one of REPAIR_REFUSALS.
 */
export const REPAIR_REFUSALS = {
  /** The case has ended (closed, refused, lapsed, withdrawn, revoked). */
  REPAIR_ENDED: 409,
  /** The action does not fit the case's status (e.g. decide before acceptance). */
  REPAIR_WRONG_STATUS: 409,
  /** Materials are still missing: the application cannot be accepted yet. */
  REPAIR_MATERIALS_MISSING: 409,
  /** The decision comes from another department than the record's identifying department. */
  REPAIR_OTHER_DEPARTMENT: 403,
  /** Well-formed but unacceptable input. */
  REPAIR_INVALID_INPUT: 422,
} as const;
export type RepairRefusalCode = keyof typeof REPAIR_REFUSALS;

/** 补正: the office asks for missing materials (beyond what the policy requires, or unclear ones). */
export interface RequestRepairMaterialsInput {
  actor: string;
  items: RepairMaterial[];
  note?: string;
}
export const requestRepairMaterialsUpdate = defineUpdate<RepairView, [RequestRepairMaterialsInput]>(
  'requestMaterials',
);

/** Materials arrive (the applicant online, or recorded by the office). */
export interface SupplyRepairMaterialsInput {
  actor: string;
  materials: { kind: RepairMaterial; attachment: Attachment }[];
}
export const supplyRepairMaterialsUpdate = defineUpdate<RepairView, [SupplyRepairMaterialsInput]>(
  'supplyMaterials',
);

/** 受理: the office accepts the complete application; the identifying department's clock starts. */
export interface AcceptRepairInput {
  actor: string;
  note?: string;
}
export const acceptRepairUpdate = defineUpdate<RepairView, [AcceptRepairInput]>('accept');

/** The identifying department's decision (谁认定、谁修复), with its reasons. */
export interface DecideRepairInput {
  actor: string;
  /** The department deciding: must be the record's identifying department. */
  department: string;
  approved: boolean;
  reasons: string;
}
export const decideRepairUpdate = defineUpdate<RepairView, [DecideRepairInput]>('decide');

export interface WithdrawRepairInput {
  actor: string;
  reason: string;
}
export const withdrawRepairUpdate = defineUpdate<RepairView, [WithdrawRepairInput]>('withdraw');

/** The repair is revoked: materials found false (the identifying department). */
export interface RevokeRepairInput {
  actor: string;
  department: string;
  reason: string;
}
export const revokeRepairUpdate = defineUpdate<RepairView, [RevokeRepairInput]>('revoke');

/** The 信用修复承诺 ended: kept (the case closes) or breached (the repair is revoked). */
export interface RepairCommitmentEnded {
  commitmentCaseId: string;
  outcome: 'kept' | 'breached';
  summary: string;
}
export const repairCommitmentEndedSignal = defineSignal<[RepairCommitmentEnded]>('repairCommitmentEnded');

export const repairStateQuery = defineQuery<RepairState>('repairState');
