import type { CaseBase, CaseView, StepDeadline } from '../case/types';
import type { Limit, PolicyVersion } from '../policies/types';
import type { SubjectKind } from '../registry/types';

/**
 * The commitment procedure (信用承诺): one workflow per signed commitment. Pure types shared by
 * the workflow, its activities and the API.
 */

/**
 * 容缺受理 (deferred materials: accepted with items missing, each promised by a deadline),
 * 告知承诺 (the subject declares it meets the conditions; the department verifies afterwards),
 * 主动/自律承诺 (voluntary, published, valid for a period), 信用修复承诺 (signed with a credit
 * repair application, tracked like a voluntary one from the repair's approval: a breach revokes
 * the repair).
 */
export const COMMITMENT_KINDS = ['deferred-materials', 'notice-commitment', 'voluntary', 'repair'] as const;
export type CommitmentKind = (typeof COMMITMENT_KINDS)[number];
/** Kinds a caseworker signs directly; a 信用修复承诺 is started by its repair case. */
export const STAFF_SIGNED_KINDS = ['deferred-materials', 'notice-commitment', 'voluntary'] as const;
/** Kinds tracked by their validity period (no items, no verification). */
export const VALIDITY_KINDS: readonly CommitmentKind[] = ['voluntary', 'repair'];

export const COMMITMENT_KIND_NAMES_ZH: Record<CommitmentKind, string> = {
  'deferred-materials': '容缺受理承诺',
  'notice-commitment': '告知承诺',
  voluntary: '主动型（自律）信用承诺',
  repair: '信用修复承诺',
};

/** Kinds that are a fast track (便利措施): a subject in breach loses them for a period. */
export const FAST_TRACK_KINDS: readonly CommitmentKind[] = ['deferred-materials', 'notice-commitment'];

export const COMMITMENT_STATUSES = [
  'checking', // 信用核查中 (逢办必查 at intake)
  'refused', // 不予适用 (barred, blacklisted, or without the record the policy requires)
  'in-force', // 履约中
  'kept', // 已履约
  'breached', // 已违约
  'withdrawn', // 已撤回 (the application was withdrawn before a deadline passed)
] as const;
export type CommitmentStatus = (typeof COMMITMENT_STATUSES)[number];

export const COMMITMENT_STATUS_NAMES_ZH: Record<CommitmentStatus, string> = {
  checking: '信用核查中',
  refused: '不予适用',
  'in-force': '履约中',
  kept: '已履约',
  breached: '已违约',
  withdrawn: '已撤回',
};

export const COMMITMENT_ENDED: readonly CommitmentStatus[] = ['refused', 'kept', 'breached', 'withdrawn'];

export type CommitmentEventKind =
  | 'signed'
  | 'credit-checked'
  | 'refused'
  | 'item-supplied'
  | 'item-extended'
  | 'verified'
  | 'breach-reported'
  | 'breach-dismissed'
  | 'breach-confirmed'
  | 'kept'
  | 'breached'
  | 'withdrawn'
  | 'record-registered'
  | 'measure-applied'
  | 'reminder'
  | 'overdue'
  | 'escalated'
  | 'deadlines-recomputed'
  | 'effect-failed';

/** The subject that signs (信用主体), as registered in the registry. */
export interface CommitmentSubject {
  code: string;
  name: string;
  kind: SubjectKind;
}

/** Who signed for the subject (法定代表人 or an authorised agent) and how to reach them. */
export interface CommitmentSigner {
  name: string;
  /** e.g. 法定代表人, 委托代理人, 本人. */
  capacity: string;
  /** Phone, e-mail or address: reminders go there. */
  contact: string;
}

export interface Attachment {
  /** Reference to a stored document (file service id, archive number). */
  ref: string;
  name: string;
}

/** One promised item of a 容缺受理 commitment (a missing material). */
export interface PromisedItem {
  /** 1, 2, 3 … within the commitment. */
  no: number;
  name: string;
  /** Counted from signing: working days, calendar days or months. */
  limit: Limit;
  /** Working days granted by extensions (延期, with a reason). */
  extendedBy: number;
  suppliedAt?: string;
  suppliedBy?: string;
  attachment?: Attachment;
  /** Supplied after the due time but before the second level: on file as late, not a breach. */
  late?: boolean;
  /** Not supplied when the item reached the second escalation level: the commitment is breached. */
  missedAt?: string;
  /** The item's deadline on file (while it runs, and as it ended). */
  deadline?: StepDeadline<string>;
}

/** 事后核查 of a 告知承诺. */
export interface Verification {
  limit: Limit;
  deadline?: StepDeadline<string>;
  result?: { truthful: boolean; finding: string; by: string; at: string };
}

/** A reported breach (违诺线索) and the department's decision on it. */
export interface BreachReport {
  no: number;
  reportedBy: string;
  reportedAt: string;
  description: string;
  source?: string;
  status: 'reported' | 'confirmed' | 'dismissed';
  decidedBy?: string;
  decidedAt?: string;
  decision?: string;
  /** Measures to apply with a confirmed breach, beyond the policy's. */
  measureCodes?: string[];
  deadline?: StepDeadline<string>;
}

/** What the credit check at intake found and decided (逢办必查). */
export interface Eligibility {
  creditCheckId: string;
  checkedAt: string;
  eligible: boolean;
  /** Why not, one Chinese sentence each. */
  reasons: string[];
  /** The earliest day (YYYY-MM-DD) a new application could succeed, when one can be given. */
  retryFrom?: string;
}

/** The breach entered into the credit record (违约信息录入公共信用信息系统). */
export interface BreachOutcome {
  at: string;
  /** Why: an item missed, a false declaration, a confirmed report. */
  cause: 'item-missed' | 'verification-false' | 'breach-confirmed';
  summary: string;
  recordId?: string;
  appliedMeasureIds: string[];
  /** The fast track (容缺受理、告知承诺) is barred until this day, or until the record is repaired. */
  barredUntil: string;
}

/** The case state of one commitment (what the commitmentState query returns). */
export interface CommitmentState extends CaseBase<CommitmentStatus, CommitmentEventKind> {
  kind: CommitmentKind;
  policyVersion: number;
  /** The department that accepted the commitment and tracks it. */
  department: string;
  /** The office's name on letters and the 专栏 (the policy's name). */
  officeName: string;
  subject: CommitmentSubject;
  signer: CommitmentSigner;
  /** The administrative matter (办理事项), e.g. 养老机构备案. */
  matter: string;
  /** The signed text, rendered from the kind's template version. */
  text: { templateVersion: number; title: string; body: string };
  /** Shown in the public 信用承诺专栏. */
  published: boolean;
  signedAt: string;
  signedBy: string;
  /** Voluntary commitments: the validity period, and its end (end of that Beijing day). */
  validity?: Limit;
  validUntil?: string;
  /** The validity period ran out (a voluntary commitment without breach is then kept). */
  validityEndedAt?: string;
  eligibility?: Eligibility;
  items: PromisedItem[];
  verification?: Verification;
  reports: BreachReport[];
  breach?: BreachOutcome;
  /** Positive record of a kept commitment (履约记录). */
  keptRecordId?: string;
  withdrawal?: { at: string; by: string; reason: string };
  closedAt?: string;
  /** Workflow runs so far (continue-as-new carries the case into the next). */
  run: number;
  /** A 信用修复承诺: the repair case's workflow, told when the commitment ends. */
  repairWorkflowId?: string;
}

export type CommitmentView = CaseView<CommitmentState>;

/** What starts a commitment workflow (the API writes the read-model row first). */
export interface CommitmentStart {
  caseId: string;
  /** 承诺编号, e.g. `XINZHENG-MZ-CN-2026-000003`. */
  caseNo: string;
  jurisdiction: string;
  /** The policy version in force on the day of signing. */
  policy: PolicyVersion;
  kind: CommitmentKind;
  department: string;
  subject: CommitmentSubject;
  signer: CommitmentSigner;
  matter: string;
  /** 容缺受理: the missing items and their limits. */
  items?: { name: string; limit: Limit }[];
  /** Voluntary: the validity period (default: the policy's). */
  validity?: Limit;
  /** Publish in the 专栏 (default: the policy's rule for the kind). */
  published?: boolean;
  /** The caseworker (sub) who accepted it; reminders of the department's steps go to them. */
  signedBy: string;
  signedAt: string;
  /** Continue-as-new: the state carried from the previous run. */
  resume?: CommitmentState;
  /** Continue as new past this many history events (default 2000; tests use fewer). */
  historyLimit?: number;
  /** A 信用修复承诺: the repair case's workflow, told when the commitment is kept or breached. */
  repairWorkflowId?: string;
}

export const commitmentWorkflowId = (caseId: string): string => `commitment-${caseId}`;
