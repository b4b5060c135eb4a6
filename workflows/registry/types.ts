/**
 * The credit registry (信用主体、信用记录、名单、措施): kinds and statuses shared by the
 * activities, the API and (later) the procedures' workflows. Pure types and constants only.
 */

export const SUBJECT_KINDS = ['legal-person', 'other-organisation', 'natural-person'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export const SUBJECT_KIND_NAMES_ZH: Record<SubjectKind, string> = {
  'legal-person': '法人',
  'other-organisation': '非法人组织',
  'natural-person': '自然人',
};

/** How a natural person is tied to an organisation, so measures reach them (落实到人). */
export const PERSON_ROLES = ['legal-representative', 'principal', 'directly-responsible'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

export const PERSON_ROLE_NAMES_ZH: Record<PersonRole, string> = {
  'legal-representative': '法定代表人',
  principal: '主要负责人',
  'directly-responsible': '直接责任人员',
};

export const RECORD_KINDS = [
  'administrative-licence',
  'administrative-penalty',
  'dishonesty-list-entry',
  'commitment-breach',
  'commitment-kept',
  'interview-record',
  'reward',
  'other',
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export const RECORD_KIND_NAMES_ZH: Record<RecordKind, string> = {
  'administrative-licence': '行政许可',
  'administrative-penalty': '行政处罚',
  'dishonesty-list-entry': '失信名单认定',
  'commitment-breach': '信用承诺违约',
  'commitment-kept': '信用承诺履约',
  'interview-record': '约谈记录',
  reward: '表彰奖励',
  other: '其他信用信息',
};

export const RECORD_STATUSES = [
  'active', // 正常
  'disputed', // 异议处理中（已标注）
  'hidden', // 暂停公示（屏蔽）
  'corrected', // 已更正
  'revoked', // 已撤销
  'repaired', // 已信用修复
  'expired', // 公示期满
  'deleted', // 已删除（保存期满）
] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

export const RECORD_STATUS_NAMES_ZH: Record<RecordStatus, string> = {
  active: '正常',
  disputed: '异议处理中',
  hidden: '暂停公示',
  corrected: '已更正',
  revoked: '已撤销',
  repaired: '已修复',
  expired: '公示期满',
  deleted: '已删除',
};

export const LIST_TYPES = ['red', 'black', 'watch'] as const;
export type ListType = (typeof LIST_TYPES)[number];

export const LIST_TYPE_NAMES_ZH: Record<ListType, string> = {
  red: '红名单',
  black: '黑名单',
  watch: '重点关注名单',
};

export const MEASURE_KINDS = ['reward', 'punishment'] as const;
export type MeasureKind = (typeof MEASURE_KINDS)[number];

export const MEASURE_KIND_NAMES_ZH: Record<MeasureKind, string> = {
  reward: '激励措施',
  punishment: '惩戒措施',
};

export const APPLIED_MEASURE_STATUSES = ['active', 'suspended', 'lifted'] as const;
export type AppliedMeasureStatus = (typeof APPLIED_MEASURE_STATUSES)[number];

export const APPLIED_MEASURE_STATUS_NAMES_ZH: Record<AppliedMeasureStatus, string> = {
  active: '执行中',
  suspended: '已中止',
  lifted: '已解除',
};

/**
 * Why a list entry ended (名单退出). Every exit records one; system causes are applied once
 * (a second exit of an ended entry changes nothing), a manual exit of an ended entry is refused.
 * - expired: its validity period (expires_on) ended — the daily sweep;
 * - repaired: the record it rests on was repaired (信用修复);
 * - record-revoked: the record it rests on was revoked (e.g. an objection found it wrong);
 * - record-deleted: the record it rests on was deleted at the end of its retention period;
 * - red-list-dishonesty: a 红名单 holder got a dishonesty record;
 * - manual: the identifying department (or the credit office) took the subject off the list.
 */
export const LIST_EXIT_CAUSES = [
  'expired',
  'repaired',
  'record-revoked',
  'record-deleted',
  'red-list-dishonesty',
  'manual',
] as const;
export type ListExitCause = (typeof LIST_EXIT_CAUSES)[number];

export const LIST_EXIT_CAUSE_NAMES_ZH: Record<ListExitCause, string> = {
  expired: '有效期届满',
  repaired: '信用修复',
  'record-revoked': '所依据的信用记录被撤销',
  'record-deleted': '所依据的信用记录超过保存期限被删除',
  'red-list-dishonesty': '产生失信记录',
  manual: '认定部门或信用主管部门办理退出',
};

/**
 * Records whose registration takes the subject off every red list it is on (守信激励对象 that
 * become dishonest lose the reward): penalties, dishonesty listings, commitment breaches.
 */
export const DISHONESTY_RECORD_KINDS: readonly RecordKind[] = [
  'administrative-penalty',
  'dishonesty-list-entry',
  'commitment-breach',
];

/**
 * Subjects on blacklists of this many different domains (领域) or more get heavier punishment
 * (新郑: 同时被纳入两个及以上领域黑名单的 … 加大联合惩戒力度).
 */
export const HEAVIER_PUNISHMENT_BLACKLIST_DOMAINS = 2;

/** Kinds of change the shared credit platform must learn about (platform_outbox.event_type). */
export const PLATFORM_EVENT_TYPES = [
  'record.registered',
  'record.corrected',
  'record.revoked',
  'record.repaired',
  'record.expired',
  'record.deleted',
  'record.repair-revoked',
  'list.exited',
  'list.restored',
] as const;
export type PlatformEventType = (typeof PLATFORM_EVENT_TYPES)[number];

/** Fields a correction (更正) may change. Dates are YYYY-MM-DD; null clears an optional one. */
export const CORRECTABLE_FIELDS = [
  'title',
  'content',
  'severityTier',
  'decisionDate',
  'conductEndedOn',
  'publicityStart',
  'publicityMinEnd',
  'publicityMaxEnd',
  'retentionEnd',
] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];
export type RecordCorrection = Partial<Record<CorrectableField, string | null>>;
/** The correctable fields that hold a calendar date (YYYY-MM-DD). */
export const CORRECTABLE_DATE_FIELDS: readonly CorrectableField[] = [
  'decisionDate',
  'conductEndedOn',
  'publicityStart',
  'publicityMinEnd',
  'publicityMaxEnd',
  'retentionEnd',
];

export const CORRECTABLE_FIELD_NAMES_ZH: Record<CorrectableField, string> = {
  title: '标题',
  content: '内容',
  severityTier: '失信程度',
  decisionDate: '决定日期',
  conductEndedOn: '失信行为终止日期',
  publicityStart: '公示起始日期',
  publicityMinEnd: '最短公示期届满日期',
  publicityMaxEnd: '最长公示期届满日期',
  retentionEnd: '保存期届满日期',
};
