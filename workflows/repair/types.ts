import type { CaseBase, CaseView, StepDeadline } from '../case/types';
import type { ClockStop } from '../calendar/types';
import type { NationalTier, PolicyVersion } from '../policies/types';
import type { RecordKind, RecordStatus, SubjectKind } from '../registry/types';

/**
 * The credit repair procedure (信用修复) of one dishonesty record: eligibility by tier, materials,
 * acceptance, the identifying department's decision (谁认定、谁修复), every effect applied, and
 * revocation. Pure types shared by the workflow, its activities and the API.
 */

/** What an application must bring; the policy adds to the first two per tier. */
export const REPAIR_MATERIALS = [
  'correction-proof', // 纠正失信行为的证明（已缴纳罚款、已履行义务）
  'commitment-letter', // 信用修复承诺书
  'training-certificate', // 信用修复培训证明
  'credit-report', // 信用报告
  'public-welfare', // 公益服务证明
  'rectification', // 完成信用整改的证明
] as const;
export type RepairMaterial = (typeof REPAIR_MATERIALS)[number];

export const REPAIR_MATERIAL_NAMES_ZH: Record<RepairMaterial, string> = {
  'correction-proof': '纠正失信行为的证明材料',
  'commitment-letter': '信用修复承诺书',
  'training-certificate': '信用修复培训证明',
  'credit-report': '信用报告',
  'public-welfare': '参加公益服务的证明',
  rectification: '完成信用整改的证明',
};

/** Every application needs these two (NDRC Order 36: 纠正失信行为 + 信用修复承诺). */
export const BASE_REPAIR_MATERIALS: readonly RepairMaterial[] = ['correction-proof', 'commitment-letter'];

export const REPAIR_STATUSES = [
  'received', // 已申请（待受理）
  'awaiting-materials', // 待补正
  'accepted', // 已受理（认定部门决定中）
  'approved', // 已修复（修复承诺履行期内）
  'closed', // 已办结（修复承诺期满）
  'refused', // 不予修复
  'lapsed', // 逾期未补正
  'withdrawn', // 已撤回
  'revoked', // 已撤销修复
] as const;
export type RepairStatus = (typeof REPAIR_STATUSES)[number];

export const REPAIR_STATUS_NAMES_ZH: Record<RepairStatus, string> = {
  received: '待受理',
  'awaiting-materials': '待补正',
  accepted: '已受理',
  approved: '已修复',
  closed: '已办结',
  refused: '不予修复',
  lapsed: '逾期未补正',
  withdrawn: '已撤回',
  revoked: '已撤销修复',
};

export const REPAIR_ENDED: readonly RepairStatus[] = ['closed', 'refused', 'lapsed', 'withdrawn', 'revoked'];

export type RepairEventKind =
  | 'received'
  | 'eligibility-checked'
  | 'refused'
  | 'materials-requested'
  | 'materials-received'
  | 'lapsed'
  | 'accepted'
  | 'decided'
  | 'effect-applied'
  | 'decision-issued'
  | 'commitment-started'
  | 'commitment-ended'
  | 'revoked'
  | 'closed'
  | 'withdrawn'
  | 'reminder'
  | 'overdue'
  | 'escalated'
  | 'deadlines-recomputed'
  | 'effect-failed';

export type RepairChannel = 'window' | 'website' | 'app' | 'mail' | 'department';

export interface Attachment {
  ref: string;
  name: string;
}

export interface SubmittedMaterial {
  kind: RepairMaterial;
  attachment: Attachment;
  at: string;
}

/** The record to be repaired, as the registry had it at application. */
export interface RepairRecord {
  id: string;
  kind: RecordKind;
  status: RecordStatus;
  /** The identifying department (认定部门): it decides (谁认定、谁修复). */
  department: string;
  documentNo: string;
  title: string;
  /** The local severity name (一般失信 …), mapped to a national tier by the policy. */
  severityTier: string | null;
  decisionDate: string;
  publicityStart: string | null;
}

/** Eligibility of the record for repair (pure: workflows/repair/eligibility.ts). */
export interface RepairEligibility {
  eligible: boolean;
  reasons: string[];
  /** The earliest day an application can succeed, when one can be given. */
  retryFrom?: string;
  /** The tier and the rules applied: the version in force at the decision, or a later one more favourable. */
  tier?: NationalTier;
  policyVersion?: number;
  /** The last day of the minimum publicity period. */
  minPublicityEnd?: string;
  /** Materials the tier requires. */
  required: RepairMaterial[];
  /**
   * Evidence the service already holds, so the applicant need not bring it: 完成信用整改, a
   * rectification of this record the identifying department verified as done.
   */
  evidence?: RepairEvidence[];
}

/** A material proven by the service's own records (the case named), not by the applicant. */
export interface RepairEvidence {
  material: RepairMaterial;
  caseNo: string;
  department: string;
  /** When the department verified it. */
  at: string;
  /** What the applicant and the office read on the eligibility check. */
  note: string;
}

export interface RepairDecision {
  approved: boolean;
  reasons: string;
  by: string;
  at: string;
}

/** What an approval did, each effect as the registry reported it (for the decision letter). */
export interface RepairEffects {
  recordRepaired?: boolean;
  liftedMeasureIds: string[];
  /** Executing departments told of lifted measures. */
  toldDepartments: string[];
  exitedListEntryIds: string[];
  /** The record was a commitment breach: the fast track is open again. */
  fastTrackRestored: boolean;
}

export interface RepairState extends CaseBase<RepairStatus, RepairEventKind> {
  policyVersion: number;
  /** The office that registered the application (the identifying department's window, or the credit office). */
  office: string;
  officeName: string;
  channel: RepairChannel;
  subject: { code: string; name: string; kind: SubjectKind };
  applicant: { name: string; contact: string };
  record: RepairRecord;
  eligibility?: RepairEligibility;
  materials: SubmittedMaterial[];
  /** 补正: what is missing, since when; the materials clock stops the acceptance clock. */
  pendingMaterials?: { items: RepairMaterial[]; requestedAt: string; lapsesAt: string };
  clockStops: ClockStop[];
  receivedBy: string;
  receivedAt: string;
  acceptedAt?: string;
  acceptedBy?: string;
  /** The step on show (受理 or 认定部门决定). */
  step?: StepDeadline<'accept' | 'decide' | 'materials'>;
  decision?: RepairDecision;
  /** A refusal: the first day a new application can be made. */
  reapplyFrom?: string;
  effects?: RepairEffects;
  decisionLetter?: string;
  /** The 信用修复承诺 started with the approval (a `commitment` workflow). */
  commitment?: { caseId: string; caseNo: string; workflowId: string; endedAs?: 'kept' | 'breached' };
  revocation?: {
    cause: 'false-materials' | 'commitment-breached';
    reason: string;
    by: string;
    at: string;
    /** No new repair application before this day. */
    barredUntil: string;
  };
  closedAt?: string;
  run: number;
}

export type RepairView = CaseView<RepairState>;

export interface RepairStart {
  caseId: string;
  /** 修复受理编号. */
  caseNo: string;
  jurisdiction: string;
  /** The version in force on the day of application (its limits run the case). */
  policy: PolicyVersion;
  /** Every version of the jurisdiction: the tier rules of the decision's version or a more favourable later one. */
  policies: PolicyVersion[];
  office: string;
  channel: RepairChannel;
  subject: { code: string; name: string; kind: SubjectKind };
  applicant: { name: string; contact: string };
  record: RepairRecord;
  materials: SubmittedMaterial[];
  receivedBy: string;
  receivedAt: string;
  resume?: RepairState;
  historyLimit?: number;
}

export const repairWorkflowId = (caseId: string): string => `repair-${caseId}`;
