import type { PolicyVersion } from '../policies/types';

/**
 * The objection procedure (异议处理): types shared by the workflow, its activities and the API.
 * Pure types and constants only: this file is imported inside Temporal's workflow sandbox.
 */

/** Where the objection came in (受理渠道). */
export const OBJECTION_CHANNELS = ['window', 'phone', 'email', 'website', 'app', 'wechat'] as const;
export type ObjectionChannel = (typeof OBJECTION_CHANNELS)[number];

export const CHANNEL_NAMES_ZH: Record<ObjectionChannel, string> = {
  window: '窗口',
  phone: '电话',
  email: '电子邮箱',
  website: '网站',
  app: '手机APP',
  wechat: '微信公众号',
};

/** Standard grounds (异议理由); free text completes them. */
export const OBJECTION_GROUNDS = [
  'not-me', // 信息主体错误（非本人/本单位）
  'facts-wrong', // 事实认定有误
  'data-wrong', // 信息内容记载错误
  'expired', // 已超过公示期限仍在公示
  'already-repaired', // 已完成信用修复
  'decision-revoked', // 原处罚/认定决定已被撤销或变更
  'other', // 其他
] as const;
export type ObjectionGround = (typeof OBJECTION_GROUNDS)[number];

export const GROUND_NAMES_ZH: Record<ObjectionGround, string> = {
  'not-me': '信息主体错误',
  'facts-wrong': '事实认定有误',
  'data-wrong': '信息记载错误',
  expired: '已超过公示期限',
  'already-repaired': '已完成信用修复',
  'decision-revoked': '原决定已被撤销或变更',
  other: '其他理由',
};

/** The provider's verification result (核查结论). */
export const VERIFICATION_OUTCOMES = ['upheld', 'corrected', 'revoked'] as const;
export type VerificationOutcome = (typeof VERIFICATION_OUTCOMES)[number];

export const OUTCOME_NAMES_ZH: Record<VerificationOutcome, string> = {
  upheld: '经核实信息无误，维持原记录',
  corrected: '经核实信息有误，已予更正',
  revoked: '经核实信息有误，已予撤销',
};

/** Case status, as supervisors filter on it. */
export const OBJECTION_STATUSES = [
  'received', // 已受理
  'awaiting-materials', // 待补正（计时中止）
  'forwarded', // 已转信息提供单位
  'verified', // 已核实，待告知
  'closed', // 已办结（已书面告知）
  'withdrawn', // 申请人撤回
  'lapsed', // 逾期未补正，终止
  'aborted', // 核查流程异常终止（已恢复原状，提请负责人处理）
] as const;
export type ObjectionStatus = (typeof OBJECTION_STATUSES)[number];

export const STATUS_NAMES_ZH: Record<ObjectionStatus, string> = {
  received: '已受理',
  'awaiting-materials': '待补正',
  forwarded: '核查中',
  verified: '已核实待告知',
  closed: '已办结',
  withdrawn: '已撤回',
  lapsed: '逾期未补正已终止',
  aborted: '异常终止',
};

/** Statuses in which the case has ended. */
export const ENDED_STATUSES: readonly ObjectionStatus[] = ['closed', 'withdrawn', 'lapsed', 'aborted'];

export interface Applicant {
  name: string;
  /** Phone, e-mail or address for the written reply. */
  contact: string;
  /** 统一社会信用代码 or 居民身份证号码 of the subject the record is about. */
  subjectCode: string;
  subjectName: string;
}

export interface Attachment {
  /** Reference to a stored document (file service id, archive number). */
  ref: string;
  name: string;
}

/** Temporal ids of a case's workflows: the case id names both. */
export const objectionWorkflowId = (caseId: string): string => `objection-${caseId}`;
export const verificationWorkflowId = (caseId: string): string => `objection-${caseId}-verification`;

/**
 * What the API hands the objection workflow when a caseworker registers a case (受理). The API
 * has checked the record, the channel and the policy; the workflow keeps this as the case's
 * snapshot (the policy version in force at receipt stays the case's rules).
 */
export interface ObjectionStart {
  caseId: string;
  /** 异议受理编号, e.g. `YX-YY-2026-000017`, printed on every letter. */
  caseNo: string;
  jurisdiction: string;
  /** The policy version in force on the day of receipt. */
  policy: PolicyVersion;
  /** The office (department) that received the objection and runs the case. */
  officeDepartment: string;
  /** The office's name as printed on letters (e.g. 叶县民政局). */
  officeName: string;
  /** The department that provided the contested record (信息提供单位, 谁认定谁核查). */
  providerDepartment: string;
  applicant: Applicant;
  channel: ObjectionChannel;
  recordId: string;
  /** The record as the applicant sees it, e.g. `行政处罚：叶民罚〔2025〕3号 未按规定年检`. */
  recordDescription: string;
  grounds: ObjectionGround[];
  groundsText: string;
  attachments: Attachment[];
  /** The caseworker (sub) who registered the case; reminders of office steps go to them. */
  receivedBy: string;
  /** ISO instant of receipt (受理时间); time limits run from here. */
  receivedAt: string;
}
