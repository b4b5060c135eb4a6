import type {
  Applicant,
  Attachment,
  ObjectionChannel,
  ObjectionGround,
  ObjectionStatus,
  VerificationOutcome,
} from './types';

/** A step of the procedure that has a time limit and an assignee. */
export type ObjectionStepName = 'materials' | 'forward' | 'verify' | 'notify';

export const STEP_NAMES_ZH: Record<ObjectionStepName, string> = {
  materials: '申请人补正材料',
  forward: '转交信息提供单位',
  verify: '信息提供单位核查答复',
  notify: '书面告知申请人',
};

export interface StepDeadline {
  step: ObjectionStepName;
  assignee: string;
  startedAt: string;
  due: string;
  provisional: boolean;
  /** Working days added by extensions (延期). */
  extendedBy: number;
  remindedAt?: string;
  overdueAt?: string;
  escalationLevel: number;
}

export interface TimelineEntry {
  seq: number;
  at: string;
  kind: string;
  actor: string;
  summary: string;
  detail?: Record<string, unknown>;
}

/** What the objectionState query returns, and what the read model mirrors. */
export interface ObjectionSnapshot {
  caseId: string;
  caseNo: string;
  status: ObjectionStatus;
  jurisdiction: string;
  policyVersion: number;
  officeDepartment: string;
  providerDepartment: string;
  applicant: Applicant;
  channel: ObjectionChannel;
  recordId: string;
  grounds: ObjectionGround[];
  attachments: Attachment[];
  receivedAt: string;
  step?: StepDeadline;
  caseDue?: string;
  caseDueProvisional: boolean;
  overdue: boolean;
  escalationLevel: number;
  outcome?: VerificationOutcome;
  providerOpinion?: string;
  replyLetter?: string;
  closedAt?: string;
  timeline: TimelineEntry[];
}
