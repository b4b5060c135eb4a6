/**
 * Jurisdiction policies as effective-dated data (domain: "Rules that differ between sources").
 * Pure types: workflows receive the policy version in force when their case started.
 */
export type TimeUnit = 'working-days' | 'calendar-days' | 'months' | 'years';

export interface Limit {
  value: number;
  unit: TimeUnit;
}

/** How joint punishment is treated while an objection is being verified. */
export type SuspensionMode = 'none' | 'flag' | 'hide' | 'suspend-measures';

/** National severity tiers (NDRC Order 36 / 国办发〔2025〕22号), and the legacy ones (527号). */
export type NationalTier = '轻微' | '一般' | '严重' | '特定严重';

export type Channel = 'window' | 'phone' | 'email' | 'website' | 'app' | 'wechat';

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

export interface EscalationPolicy {
  /** Remind the assignee this long before a step is due. */
  remindBefore: Limit;
  /** Level 1 at the due time (supervisor); level 2 this long after it (credit office). */
  secondLevelAfter: Limit;
}

export interface TierPeriods {
  /** Shortest publicity before repair may be applied for. */
  minPublicity: Limit;
  /** Publicity ends automatically at the latest after this. */
  maxPublicity: Limit;
  repairable: boolean;
}

export interface PolicyDocument {
  /** Display name, e.g. 新郑市民政局. */
  name: string;
  objection: ObjectionPolicy;
  escalation: EscalationPolicy;
  /** Local severity names → national tier. */
  tierMapping: Record<string, NationalTier>;
  tiers: Partial<Record<NationalTier, TierPeriods>>;
  /** Personal negative records are removed this long after the conduct ended. */
  personalNegativeRetention: Limit;
  /** Remind the subject of a promised item this long before its deadline (several). */
  commitmentReminders: Limit[];
  /** Where each value comes from (seed and section). */
  sources: string[];
}

export interface PolicyVersion {
  jurisdiction: string;
  version: number;
  /** First day (YYYY-MM-DD, Beijing date) the version applies to new cases. */
  effectiveFrom: string;
  document: PolicyDocument;
}
