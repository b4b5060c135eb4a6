import type { ClockStop } from '../calendar/types';
import type {
  CaseView,
  ClosedStep,
  EscalationLevel,
  StepDeadline as KitStepDeadline,
  TimelineEntry as KitTimelineEntry,
} from '../case/types';
import type { PendingAction } from '../case/case-kit';
import type { SuspensionMode } from '../policies/types';
import type { ObjectionAction } from './transitions';
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

export type { EscalationLevel } from '../case/types';

/** The deadline of a step in progress, as the case file and the supervisor see it. */
export type StepDeadline = KitStepDeadline<ObjectionStepName>;

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
  | 'deadlines-recomputed' // 节假日安排变化，期限重算
  | 'effect-failed' // 登记簿等未能办理，已提请人工处理
  | 'aborted'; // 核查流程异常终止，已恢复原状

export type TimelineEntry = KitTimelineEntry<TimelineKind>;

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
  /** Steps closed so far and whether each met its limit (kept by the case kit). */
  closedSteps?: ClosedStep[];
  /** 补正 intervals during which time limits do not run. */
  clockStops: ClockStop[];
  /** Open 补正 request. */
  pendingMaterials?: { items: string[]; note?: string; requestedAt: string; lapsesAt: string };
  /** How the record is treated while the objection runs (policy of the case). */
  suspension: SuspensionMode;
  /** What the suspension rule did to the record at intake (undone at a withdrawal, lapse or abort). */
  recordMarked: boolean;
  recordHidden: boolean;
  /** Applied measures suspended while verifying (ids), reinstated or lifted at the result. */
  suspendedMeasureIds: string[];
  reply?: ProviderReply;
  restorationTaskId?: string;
  outcome?: VerificationOutcome;
  /** 异议处理结果告知书 (plain text), once issued. */
  replyLetter?: string;
  /** An accepted action the workflow is carrying out (forwarding, withdrawal, the written reply). */
  pending?: PendingAction<ObjectionAction>;
  /** Working days granted by extensions, per step and for the whole case (`case`). */
  extensions: Partial<Record<ObjectionStepName | 'case', number>>;
  /** The provider's result has been applied to the registry (the written reply may be issued). */
  outcomeApplied: boolean;
  /** What the registry actually did with the result (the letter states these, nothing more). */
  effects?: OutcomeEffects;
  /** Why the case ended without a result (withdrawal reason, lapse). */
  endReason?: string;
  closedAt?: string;
  timeline: TimelineEntry[];
}

/** What applying the provider's result did, as the registry reported it. */
export interface OutcomeEffects {
  /** The record was corrected (for `corrected`) or revoked (for `revoked`) as the reply said. */
  recordChanged: boolean;
  /** Publicity resumed / dispute mark removed (for `upheld`). */
  disputeResolved: boolean;
  liftedMeasureIds: string[];
  reinstatedMeasureIds: string[];
  /** Effects the registry refused: handled by hand (the supervisor was told). */
  failed: string[];
}

/** What the objection's updates answer and the read model receives: the case without its timeline. */
export type ObjectionView = CaseView<ObjectionSnapshot>;
