import type { ClockStop } from '../calendar/types';
import type { Limit, SuspensionMode } from '../policies/types';
import type { RecordCorrection } from '../registry/types';
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

/** Escalation levels of an overdue step: 0 none, 1 supervisor (督办), 2 the next level (信用办). */
export type EscalationLevel = 0 | 1 | 2;

/** The deadline of the step in progress, as the case file and the supervisor see it. */
export interface StepDeadline {
  step: ObjectionStepName;
  /** Who must act: a user (sub), `caseworker@<department>`, `provider@<department>` or `applicant`. */
  assignee: string;
  /** Department responsible for the step (the office, or the provider for `verify`). */
  department: string;
  startedAt: string;
  /** The policy's limit for the step (working days unless the policy says otherwise). */
  limit: Limit;
  /** Working days added by extensions (延期). */
  extendedBy: number;
  due: string;
  provisional: boolean;
  /** When the assignee is (or was) reminded; absent when the limit is too short for a reminder. */
  remindAt?: string;
  /** When an overdue step goes to the second level. */
  secondLevelAt?: string;
  remindedAt?: string;
  overdueAt?: string;
  escalationLevel: EscalationLevel;
}

/** Timeline kinds, stable for filters and tests. */
export type TimelineKind =
  | 'received' // 受理
  | 'record-disputed' // 标注异议 / 暂停公示 / 暂停惩戒
  | 'materials-requested' // 补正告知（计时中止）
  | 'materials-received' // 补正材料收到（恢复计时）
  | 'forwarded' // 转信息提供单位
  | 'extended' // 延期
  | 'reminder' // 到期提醒
  | 'overdue' // 逾期，督办（一级）
  | 'escalated' // 逾期升级（二级）
  | 'provider-replied' // 核查答复
  | 'outcome-applied' // 更正 / 撤销 / 维持，恢复或解除惩戒
  | 'restoration-opened' // 恢复信誉任务
  | 'reply-issued' // 书面告知
  | 'withdrawn' // 撤回
  | 'lapsed' // 逾期未补正终止
  | 'deadlines-recomputed'; // 节假日安排变化，期限重算

export interface TimelineEntry {
  /** 1, 2, 3 … within the case: makes read-model writes idempotent. */
  seq: number;
  at: string;
  kind: TimelineKind;
  actor: string;
  summary: string;
  detail?: Record<string, unknown>;
}

/** The provider's accepted reply (核查意见). */
export interface ProviderReply {
  actor: string;
  department: string;
  outcome: VerificationOutcome;
  opinion: string;
  correctedValues?: RecordCorrection;
  wrongfulPunishment: boolean;
  repliedAt: string;
  /** The verify step was overdue when the reply came. */
  late: boolean;
}

/** What the objectionState query returns, and what the read model mirrors. */
export interface ObjectionSnapshot {
  caseId: string;
  caseNo: string;
  /** Grows with every change: the read model keeps only the newest. */
  revision: number;
  status: ObjectionStatus;
  jurisdiction: string;
  policyVersion: number;
  officeDepartment: string;
  officeName: string;
  providerDepartment: string;
  applicant: Applicant;
  channel: ObjectionChannel;
  recordId: string;
  recordDescription: string;
  grounds: ObjectionGround[];
  groundsText: string;
  attachments: Attachment[];
  receivedBy: string;
  receivedAt: string;
  /** The step in progress (absent once the case has ended). */
  step?: StepDeadline;
  /** The whole case's limit, when the policy sets one (叶县 5 WD, 新郑 12 WD). */
  caseDue?: string;
  caseDueProvisional: boolean;
  /** The current step, or the whole case, is past its time limit. */
  overdue: boolean;
  /** Highest escalation the case has reached. */
  escalationLevel: EscalationLevel;
  /** 补正 intervals during which time limits do not run. */
  clockStops: ClockStop[];
  /** Open 补正 request. */
  pendingMaterials?: { items: string[]; note?: string; requestedAt: string; lapsesAt: string };
  /** How the record is treated while the objection runs (policy of the case). */
  suspension: SuspensionMode;
  /** Applied measures suspended while verifying (ids), reinstated or lifted at the result. */
  suspendedMeasureIds: string[];
  reply?: ProviderReply;
  restorationTaskId?: string;
  outcome?: VerificationOutcome;
  /** 异议处理结果告知书 (plain text), once issued. */
  replyLetter?: string;
  /** Why the case ended without a result (withdrawal reason, lapse). */
  endReason?: string;
  closedAt?: string;
  timeline: TimelineEntry[];
}
