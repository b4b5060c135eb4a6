import type { CaseBase, CaseView, StepDeadline } from '../case/types';
import type { Limit, NationalTier, PolicyVersion, RectificationConsequence } from '../policies/types';
import type { SubjectKind } from '../registry/types';

/**
 * The rectification procedure (限期整改) with its interviews (提示约谈, 警示约谈), seed 004 (十):
 * one workflow per rectification the identifying department orders. Pure types shared by the
 * workflow, its activities and the API.
 */

export const RECTIFICATION_STATUSES = [
  'rectifying', // 整改中 (a deadline runs, no report awaits verification)
  'reported', // 待核实 (the subject reported; the department verifies)
  'interview-pending', // 待安排约谈 (a deadline passed without rectification)
  'interview-scheduled', // 已安排约谈
  'consequence-proposed', // 待确认后续措施 (after the 警示约谈; the supervisor decides)
  'rectified', // 已整改
  'sanctioned', // 已实施后续措施
  'unrectified', // 未整改办结 (no consequence: the policy has none, or the supervisor rejected it)
  'cancelled', // 已撤销 (the department withdrew the order, e.g. the record was revoked)
] as const;
export type RectificationStatus = (typeof RECTIFICATION_STATUSES)[number];

export const RECTIFICATION_STATUS_NAMES_ZH: Record<RectificationStatus, string> = {
  rectifying: '整改中',
  reported: '待核实',
  'interview-pending': '待安排约谈',
  'interview-scheduled': '已安排约谈',
  'consequence-proposed': '待确认后续措施',
  rectified: '已整改',
  sanctioned: '已实施后续措施',
  unrectified: '未整改办结',
  cancelled: '已撤销',
};

export const RECTIFICATION_ENDED: readonly RectificationStatus[] = [
  'rectified',
  'sanctioned',
  'unrectified',
  'cancelled',
];

/** Where the case stands on the ladder: 整改中 → 提示约谈 → 警示约谈 → 后续措施. */
export const RECTIFICATION_STAGES = [
  'rectification',
  'reminder-interview',
  'warning-interview',
  'consequence',
] as const;
export type RectificationStage = (typeof RECTIFICATION_STAGES)[number];

export const RECTIFICATION_STAGE_NAMES_ZH: Record<RectificationStage, string> = {
  rectification: '整改中',
  'reminder-interview': '提示约谈',
  'warning-interview': '警示约谈',
  consequence: '后续措施',
};

/** 提示约谈 (the first interview) and 警示约谈 (the second). */
export const INTERVIEW_KINDS = ['reminder', 'warning'] as const;
export type InterviewKind = (typeof INTERVIEW_KINDS)[number];

export const INTERVIEW_KIND_NAMES_ZH: Record<InterviewKind, string> = {
  reminder: '提示约谈',
  warning: '警示约谈',
};

/** The department's verification of a report: done, not done, partly done. */
export const VERIFICATION_RESULTS = ['done', 'not-done', 'partly'] as const;
export type VerificationResult = (typeof VERIFICATION_RESULTS)[number];

export const VERIFICATION_RESULT_NAMES_ZH: Record<VerificationResult, string> = {
  done: '已完成整改',
  'not-done': '未完成整改',
  partly: '部分完成整改',
};

export type RectificationEventKind =
  | 'started'
  | 'subject-reminded'
  | 'reported'
  | 'verified'
  | 'deadline-passed'
  | 'interview-scheduled'
  | 'interview-rescheduled'
  | 'interview-held'
  | 'interview-absent'
  | 'record-registered'
  | 'consequence-proposed'
  | 'consequence-confirmed'
  | 'consequence-rejected'
  | 'consequence-applied'
  | 'rectified'
  | 'unrectified'
  | 'cancelled'
  | 'reminder'
  | 'overdue'
  | 'escalated'
  | 'deadlines-recomputed'
  | 'effect-failed';

export interface Attachment {
  /** Reference to a stored document (file service id, archive number). */
  ref: string;
  name: string;
}

/** The subject (信用主体) as registered, and who the department deals with. */
export interface RectificationSubject {
  code: string;
  name: string;
  kind: SubjectKind;
}

/** What the rectification rests on: a dishonesty record, or a 重点关注名单 entry (and its record). */
export interface RectificationBasis {
  kind: 'record' | 'list-entry';
  /** The record (the entry's record, when the entry rests on one). */
  recordId?: string;
  listEntryId?: string;
  /** The record's document number, or the entry's. */
  documentNo: string;
  /** The record's title, or the list's name. */
  title: string;
  /** The record's tier as given (一般, 较重 …), and the national tier the policy maps it to. */
  localTier?: string;
  tier?: NationalTier;
}

/** One of the subject's deadlines: the first one, then one given at each interview. */
export interface RectificationTerm {
  /** 1, 2, 3 … within the case. */
  no: number;
  /** `order` (the department's order) or the interview that gave it. */
  from: 'order' | InterviewKind;
  startsAt: string;
  limit: Limit;
  /** Why the department set another limit than the policy's. */
  reason?: string;
  deadline?: StepDeadline<string>;
  /** The deadline passed (the subject had not rectified by then). */
  passedAt?: string;
}

/** What the subject reported it did, and the department's verification of it. */
export interface RectificationReport {
  no: number;
  term: number;
  at: string;
  by: string;
  description: string;
  attachments: Attachment[];
  deadline?: StepDeadline<string>;
  verification?: { result: VerificationResult; opinion: string; by: string; at: string };
}

/** Who sits at an interview. */
export interface InterviewSchedule {
  /** The instant it is held. */
  at: string;
  place: string;
  /** The department's participants (names, with their posts). */
  participants: string[];
  /** The subject's representative (法定代表人, 主要负责人, 委托代理人 …). */
  representative: { name: string; capacity: string };
  by: string;
  scheduledAt: string;
}

/** An interview (提示约谈 or 警示约谈): when it became due, its schedule, what was recorded. */
export interface Interview {
  kind: InterviewKind;
  requiredAt: string;
  /** Every schedule given (a rescheduled interview keeps the earlier ones); the last one holds. */
  schedules: InterviewSchedule[];
  scheduleDeadline?: StepDeadline<string>;
  recordDeadline?: StepDeadline<string>;
  record?: {
    appeared: boolean;
    /** What was said (约谈情况); for a no-show, what happened (e.g. 经电话通知仍未到场). */
    summary: string;
    /** What the subject undertook (整改承诺); empty for a no-show. */
    undertakings: string;
    by: string;
    at: string;
  };
  /** The interview record in the subject's credit record (约谈记录), once registered. */
  recordId?: string;
  /** Registration was tried: `registered` or `failed` (on file; the supervisor handles it). */
  registration?: 'registered' | 'failed';
}

/** The consequence after a 警示约谈, proposed to the supervisor. */
export interface ConsequenceProposal {
  proposedAt: string;
  consequence: RectificationConsequence;
  /** The case file's sentence for it (列入重点关注名单一年 …). */
  summary: string;
  deadline?: StepDeadline<string>;
  decision?: { confirmed: boolean; reason: string; by: string; at: string };
  /** What was applied: the list entry, the measures, the measures the registry refused. */
  applied?: {
    listEntryId?: string;
    appliedMeasureIds: string[];
    refused: { measureCode: string; code: string; message: string }[];
  };
  /** The confirmed consequence was applied (or its failure put on file). */
  settledAt?: string;
}

/** The case state of one rectification (what the rectificationState query returns). */
export interface RectificationState extends CaseBase<RectificationStatus, RectificationEventKind> {
  policyVersion: number;
  /** The identifying department (认定部门): orders, verifies, holds the interviews. */
  department: string;
  /** The office's name on letters (the policy's name). */
  officeName: string;
  subject: RectificationSubject;
  /** Who the department deals with at the subject, and how to reach them. */
  contact: { name: string; contact: string };
  basis: RectificationBasis;
  /** The obligations to rectify (整改事项). */
  obligations: string[];
  /** Field (领域) of a 重点关注名单 entry that may follow. */
  domain: string;
  stage: RectificationStage;
  terms: RectificationTerm[];
  reports: RectificationReport[];
  interviews: Interview[];
  consequence?: ConsequenceProposal;
  /** The provider who ordered it; reminders of the department's steps go to them. */
  startedBy: string;
  startedAt: string;
  rectifiedAt?: string;
  cancellation?: { at: string; by: string; reason: string };
  closedAt?: string;
}

export type RectificationView = CaseView<RectificationState>;

/** What starts a rectification workflow (the API writes the read-model row first). */
export interface RectificationStart {
  caseId: string;
  /** 整改编号, e.g. `YONGCHANG-ZG-2026-000001`. */
  caseNo: string;
  jurisdiction: string;
  /** The policy version in force on the day of the order. */
  policy: PolicyVersion;
  department: string;
  subject: RectificationSubject;
  contact: { name: string; contact: string };
  basis: RectificationBasis;
  obligations: string[];
  /** Another limit than the policy's for the first deadline, with the reason. */
  deadline?: { limit: Limit; reason: string };
  /** Field (领域) of a 重点关注名单 entry that may follow; default: the department. */
  domain?: string;
  startedBy: string;
  startedAt: string;
}

export const rectificationWorkflowId = (caseId: string): string => `rectification-${caseId}`;
