/**
 * Jurisdiction policies as effective-dated data (domain: "Rules that differ between sources").
 * Pure types: workflows receive the policy version in force when their case started.
 */
export type TimeUnit = 'working-days' | 'calendar-days' | 'months' | 'years';

export interface Limit {
  value: number;
  unit: TimeUnit;
}

/**
 * How joint punishment is treated while an objection is being verified, weakest to strongest:
 * none (recording, publicity and measures continue), flag (the record is marked disputed),
 * hide (marked and withdrawn from publicity), suspend-measures (marked, and measures are not
 * applied until the result).
 */
export type SuspensionMode = 'none' | 'flag' | 'hide' | 'suspend-measures';
export const SUSPENSION_MODES: readonly SuspensionMode[] = ['none', 'flag', 'hide', 'suspend-measures'];

/** National severity tiers (NDRC Order 36 / 国办发〔2025〕22号), and the legacy ones (527号). */
export type NationalTier = '轻微' | '一般' | '严重' | '特定严重';
export const NATIONAL_TIERS: readonly NationalTier[] = ['轻微', '一般', '严重', '特定严重'];

export type Channel = 'window' | 'phone' | 'email' | 'website' | 'app' | 'wechat';
export const CHANNELS: readonly Channel[] = ['window', 'phone', 'email', 'website', 'app', 'wechat'];

export interface ObjectionPolicy {
  /** Office forwards the case to the information provider. */
  forward?: Limit;
  /** Provider verifies and replies in writing, counted from its receipt. */
  verify: Limit;
  /** Office notifies the applicant in writing after the provider's result. */
  notify?: Limit;
  /** The whole case, counted from receipt (when the source sets one). */
  total?: Limit;
  /** Mark the record disputed (上海). */
  markDisputed?: Limit;
  suspension: SuspensionMode;
  /** How long the applicant has to supply missing materials (补正) before the case lapses. */
  materialsLapse: Limit;
  channels: Channel[];
}

/**
 * Escalation of every step with a time limit: a reminder to the assignee `remindBefore` the due
 * time; level 1 at the due time (supervisor, the case shows as overdue); level 2
 * `secondLevelAfter` the due time (credit office / higher level).
 */
export interface EscalationPolicy {
  remindBefore: Limit;
  secondLevelAfter: Limit;
}

export interface TierPeriods {
  /** Shortest publicity before repair may be applied for. */
  minPublicity: Limit;
  /** Publicity ends automatically at the latest after this. */
  maxPublicity: Limit;
  repairable: boolean;
}

/** Publication of licensing and penalty decisions (行政许可、行政处罚信息公示). */
export interface PublicityPolicy {
  /** Publish within this long after the decision. */
  publishWithin?: Limit;
  /** Whether the publicity period runs from the decision or from the publication (rule 5). */
  periodStartsFrom: 'decision' | 'publication';
}

/**
 * 信用承诺: the rules of the commitment procedure (seeds 000 三(二)(三), 001 三(六), 003 四(一)(三),
 * 004 一(一)). Optional in a document: a version without it uses the national defaults.
 */
export interface CommitmentPolicy {
  /** 告知承诺: the department verifies the declaration within this (事后核查). */
  verifyWithin: Limit;
  /** The department confirms or dismisses a reported breach within this. */
  breachReview: Limit;
  /** Validity of a voluntary commitment when none is given at signing. */
  voluntaryValidity: Limit;
  /** A subject in breach loses 容缺受理 and 告知承诺 for this long, or until the breach record is repaired. */
  fastTrackBar: Limit;
  /** 新郑 green channel: this many years without bad records (0: not required). */
  cleanRecordYears: number;
  /** Breach records are published (公示) for this long; absent: recorded, not published. */
  breachPublicity?: Limit;
  /** Kinds published in the 信用承诺专栏 unless the caseworker decides otherwise. */
  publishedKinds: ('deferred-materials' | 'notice-commitment' | 'voluntary' | 'repair')[];
  /** Measures of the published measures list applied on a breach (codes; never an unpublished one). */
  breachMeasures: string[];
  /** Version of each kind's template (模板) in force: workflows/commitment/templates.ts. */
  templateVersions: Partial<
    Record<'deferred-materials' | 'notice-commitment' | 'voluntary' | 'repair', number>
  >;
}

/**
 * 信用修复: handling limits and materials (NDRC Order 36 / 国办发〔2025〕22号 for the national
 * defaults; seeds 002 五(十八), 003 六(七), 004 (十二)). Optional: a version without it uses the
 * national defaults.
 */
export interface RepairPolicy {
  /** The office accepts (受理) or asks for missing materials within this, from the application. */
  acceptWithin: Limit;
  /** The identifying department decides within this, from acceptance. */
  decideWithin: Limit;
  /** The applicant's time to supply missing materials (补正). */
  materialsLapse: Limit;
  /** Materials required beyond proof of correction and the commitment letter, per national tier. */
  extraMaterials: Partial<
    Record<NationalTier, ('training-certificate' | 'credit-report' | 'public-welfare' | 'rectification')[]>
  >;
  /** A refused application may be made again after this. */
  reapplyAfterRefusal: Limit;
  /** A repair revoked (false materials, breached commitment) bars a new application this long. */
  barAfterRevocation: Limit;
  /** The 信用修复承诺 runs this long after the approval. */
  commitmentValidity: Limit;
}

/**
 * What follows a 警示约谈 that did not bring rectification (seed 004 (十)), proposed to the
 * supervisor, who confirms: a 重点关注名单 entry for a period, measures of the published list,
 * or nothing further.
 */
export type RectificationConsequence =
  | { kind: 'watch-list'; listName: string; validity: Limit }
  | { kind: 'measures'; measureCodes: string[] }
  | { kind: 'none' };

/**
 * 限期整改 and 约谈 (seed 004 (十): 谁认定、谁约谈, 提示约谈 or 警示约谈, the interview record in the
 * credit record). Optional: a version without it uses the national (service) defaults.
 */
export interface RectificationPolicy {
  /** The subject's time to rectify, per national tier of the record it rests on. */
  deadlines: Partial<Record<NationalTier, Limit>>;
  /** When the basis has no tier (a record without one, a 重点关注 entry without a record). */
  defaultDeadline: Limit;
  /** Remind the subject this long before each of its deadlines. */
  remindSubjectBefore: Limit;
  /** The identifying department verifies a reported rectification within this. */
  verifyReportWithin: Limit;
  /** The department schedules a due interview within this. */
  scheduleWithin: Limit;
  /** The department records an interview within this, from its date. */
  recordWithin: Limit;
  /** The new deadline given at an interview unless the department sets another. */
  afterInterview: Limit;
  /** The supervisor confirms or rejects a proposed consequence within this. */
  confirmWithin: Limit;
  consequence: RectificationConsequence;
}

export interface PolicyDocument {
  /** Display name, e.g. 新郑市民政局. */
  name: string;
  objection: ObjectionPolicy;
  escalation: EscalationPolicy;
  /** Local severity names → national tier (the tiers of this version). */
  tierMapping: Record<string, NationalTier>;
  tiers: Partial<Record<NationalTier, TierPeriods>>;
  /** Personal negative records are removed this long after the conduct ended. */
  personalNegativeRetention: Limit;
  /** Remind the subject of a promised item this long before its deadline (several). */
  commitmentReminders: Limit[];
  commitment?: CommitmentPolicy;
  repair?: RepairPolicy;
  rectification?: RectificationPolicy;
  publicity?: PublicityPolicy;
  /** How long a credit report is accepted in administrative matters. */
  creditReportValidity?: Limit;
  /** Where each value comes from (seed and section). */
  sources: string[];
}

export interface PolicyVersion {
  jurisdiction: string;
  version: number;
  /** First day (YYYY-MM-DD, Beijing date) the version applies to new cases. */
  effectiveFrom: string;
  /** Last day (inclusive) it applies, when it was replaced or repealed; open-ended when absent. */
  effectiveTo?: string;
  document: PolicyDocument;
}
