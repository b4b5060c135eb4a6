import { z } from 'zod';
import { compareLimits } from './resolve';
import { CHANNELS, NATIONAL_TIERS, SUSPENSION_MODES, type PolicyDocument, type PolicyVersion } from './types';

/**
 * Validation of policy data submitted by an admin (and of the presets): field-level issues with a
 * stable code and a message in Chinese. Uses zod, so it is not exported from the package index:
 * workflow code receives validated policies and never needs this file.
 */
export type PolicyIssueCode =
  | 'REQUIRED'
  | 'INVALID_TYPE'
  | 'INVALID_OPTION'
  | 'UNKNOWN_FIELD'
  | 'NOT_INTEGER'
  | 'TOO_SMALL'
  | 'TOO_LARGE'
  | 'EMPTY'
  | 'TOO_LONG'
  | 'DUPLICATE'
  | 'INVALID_DATE'
  | 'INVALID_ID'
  | 'MIN_EXCEEDS_MAX'
  | 'STEPS_EXCEED_TOTAL'
  | 'UNKNOWN_TIER'
  | 'END_BEFORE_START';

export interface PolicyIssue {
  /** Path in the submitted data, e.g. `objection.verify.value`. */
  field: string;
  code: PolicyIssueCode;
  message: string;
}

export type PolicyValidation<T> = { ok: true; value: T } | { ok: false; issues: PolicyIssue[] };

const UNIT_NAMES = {
  'working-days': '工作日',
  'calendar-days': '自然日',
  months: '个月',
  years: '年',
} as const;
/** Largest value per unit: about ten years. */
const UNIT_MAX = { 'working-days': 2500, 'calendar-days': 3660, months: 120, years: 10 } as const;

const custom = (ctx: z.RefinementCtx, path: (string | number)[], code: PolicyIssueCode, message: string) =>
  ctx.addIssue({ code: z.ZodIssueCode.custom, path, message, params: { code } });

const limit = (minValue: number) =>
  z
    .object({
      value: z.number().int().min(minValue),
      unit: z.enum(['working-days', 'calendar-days', 'months', 'years']),
    })
    .strict()
    .superRefine((l, ctx) => {
      if (l.value > UNIT_MAX[l.unit]) {
        custom(ctx, ['value'], 'TOO_LARGE', `不能超过 ${UNIT_MAX[l.unit]} ${UNIT_NAMES[l.unit]}`);
      }
    });
/** A period that may be zero (e.g. 轻微: not published). */
const period = limit(0);
/** A time limit for a step: at least one unit. */
const stepLimit = limit(1);

const tierPeriods = z
  .object({ minPublicity: period, maxPublicity: period, repairable: z.boolean() })
  .strict()
  .superRefine((t, ctx) => {
    const order = compareLimits(t.minPublicity, t.maxPublicity);
    if (order !== undefined && order > 0)
      custom(ctx, ['minPublicity'], 'MIN_EXCEEDS_MAX', '最短公示期不能长于最长公示期');
  });

const unique = <T>(items: T[], ctx: z.RefinementCtx, what: string) => {
  items.forEach((item, i) => {
    if (items.findIndex((other) => JSON.stringify(other) === JSON.stringify(item)) !== i) {
      custom(ctx, [i], 'DUPLICATE', `${what}重复`);
    }
  });
};

const objection = z
  .object({
    forward: stepLimit.optional(),
    verify: stepLimit,
    notify: stepLimit.optional(),
    total: stepLimit.optional(),
    markDisputed: stepLimit.optional(),
    suspension: z.enum(SUSPENSION_MODES as [string, ...string[]]),
    materialsLapse: stepLimit,
    channels: z
      .array(z.enum(CHANNELS as [string, ...string[]]))
      .min(1)
      .superRefine((c, ctx) => unique(c, ctx, '受理渠道')),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (!o.total) return;
    const steps = [o.forward, o.verify, o.notify].filter((s): s is NonNullable<typeof s> => !!s);
    if (steps.some((s) => s.unit !== o.total!.unit)) return;
    const sum = steps.reduce((n, s) => n + s.value, 0);
    if (sum > o.total.value) {
      custom(
        ctx,
        ['total'],
        'STEPS_EXCEED_TOTAL',
        `各环节期限之和（${sum} ${UNIT_NAMES[o.total.unit]}）超过了全程期限（${o.total.value} ${UNIT_NAMES[o.total.unit]}）`,
      );
    }
  });

const commitmentKind = z.enum(['deferred-materials', 'notice-commitment', 'voluntary', 'repair']);
const commitment = z
  .object({
    verifyWithin: stepLimit,
    breachReview: stepLimit,
    voluntaryValidity: stepLimit,
    fastTrackBar: stepLimit,
    cleanRecordYears: z.number().int().min(0).max(10),
    breachPublicity: stepLimit.optional(),
    publishedKinds: z.array(commitmentKind).max(4),
    breachMeasures: z.array(z.string().trim().min(1).max(50)).max(20),
    templateVersions: z.record(commitmentKind, z.number().int().min(1)),
  })
  .strict();

const repairExtra = z.enum(['training-certificate', 'credit-report', 'public-welfare', 'rectification']);
const repair = z
  .object({
    acceptWithin: stepLimit,
    decideWithin: stepLimit,
    materialsLapse: stepLimit,
    extraMaterials: z.record(z.enum(['轻微', '一般', '严重', '特定严重']), z.array(repairExtra).max(4)),
    reapplyAfterRefusal: stepLimit,
    barAfterRevocation: stepLimit,
    commitmentValidity: stepLimit,
  })
  .strict();

const rectification = z
  .object({
    deadlines: z.record(z.enum(['轻微', '一般', '严重', '特定严重']), stepLimit),
    defaultDeadline: stepLimit,
    remindSubjectBefore: stepLimit,
    verifyReportWithin: stepLimit,
    scheduleWithin: stepLimit,
    recordWithin: stepLimit,
    afterInterview: stepLimit,
    confirmWithin: stepLimit,
    consequence: z.discriminatedUnion('kind', [
      z
        .object({
          kind: z.literal('watch-list'),
          listName: z.string().trim().min(1).max(100),
          validity: stepLimit,
        })
        .strict(),
      z
        .object({
          kind: z.literal('measures'),
          measureCodes: z.array(z.string().trim().min(1).max(50)).min(1).max(20),
        })
        .strict(),
      z.object({ kind: z.literal('none') }).strict(),
    ]),
  })
  .strict();

const nationalTier = z.enum(NATIONAL_TIERS as [string, ...string[]]);

export const policyDocumentSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    objection,
    escalation: z.object({ remindBefore: stepLimit, secondLevelAfter: stepLimit }).strict(),
    tierMapping: z
      .record(z.string().trim().min(1).max(20), nationalTier)
      .refine((m) => Object.keys(m).length > 0, {
        params: { code: 'EMPTY' },
        message: '至少需要一个失信等级',
      }),
    tiers: z.record(nationalTier, tierPeriods).refine((t) => Object.keys(t).length > 0, {
      params: { code: 'EMPTY' },
      message: '至少需要一个失信等级',
    }),
    personalNegativeRetention: stepLimit,
    commitmentReminders: z
      .array(stepLimit)
      .max(10)
      .superRefine((r, ctx) => unique(r, ctx, '提醒时间')),
    commitment: commitment.optional(),
    repair: repair.optional(),
    rectification: rectification.optional(),
    publicity: z
      .object({ publishWithin: stepLimit.optional(), periodStartsFrom: z.enum(['decision', 'publication']) })
      .strict()
      .optional(),
    creditReportValidity: stepLimit.optional(),
    sources: z.array(z.string().trim().min(1).max(500)).min(1),
  })
  .strict()
  .superRefine((d, ctx) => {
    for (const [local, tier] of Object.entries(d.tierMapping)) {
      if (!(tier in d.tiers)) {
        custom(
          ctx,
          ['tierMapping', local],
          'UNKNOWN_TIER',
          `对应的全国等级“${tier}”在本版本的等级期限（tiers）中没有定义`,
        );
      }
    }
  });

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const realDate = z
  .string()
  .refine((d) => ISO_DATE.test(d) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), {
    params: { code: 'INVALID_DATE' },
    message: '不是有效日期（应为 YYYY-MM-DD）',
  });

export const JURISDICTION_ID = /^[a-z][a-z0-9-]{1,40}$/;

export const policyVersionSchema = z
  .object({
    jurisdiction: z.string().regex(JURISDICTION_ID),
    version: z.number().int().min(1),
    effectiveFrom: realDate,
    effectiveTo: realDate.optional(),
    document: policyDocumentSchema,
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.effectiveTo && v.effectiveTo < v.effectiveFrom) {
      custom(ctx, ['effectiveTo'], 'END_BEFORE_START', '失效日期不能早于生效日期');
    }
  });

/** Chinese names of the fields, for messages. */
const FIELD_NAMES: Record<string, string> = {
  name: '名称',
  objection: '异议处理',
  forward: '转交信息提供单位期限',
  verify: '核查并书面回复期限',
  notify: '书面告知申请人期限',
  total: '全程办理期限',
  markDisputed: '标注异议期限',
  suspension: '核查期间惩戒措施处理方式',
  materialsLapse: '补正材料期限',
  channels: '受理渠道',
  escalation: '督办',
  remindBefore: '到期前提醒',
  secondLevelAfter: '二级督办时间',
  tierMapping: '失信等级对应关系',
  tiers: '失信等级期限',
  minPublicity: '最短公示期',
  maxPublicity: '最长公示期',
  repairable: '是否可修复',
  personalNegativeRetention: '个人不良记录保存期',
  commitmentReminders: '承诺履约提醒',
  commitment: '信用承诺',
  verifyWithin: '事后核查期限',
  breachReview: '违诺线索核实期限',
  voluntaryValidity: '自律承诺有效期',
  fastTrackBar: '失去容缺受理、告知承诺资格的期限',
  cleanRecordYears: '绿色通道要求的无不良记录年数',
  breachPublicity: '违约信息公示期',
  publishedKinds: '在信用承诺专栏公示的承诺类型',
  breachMeasures: '违约时实施的措施',
  templateVersions: '承诺书模板版本',
  repair: '信用修复',
  acceptWithin: '受理期限',
  decideWithin: '认定部门决定期限',
  extraMaterials: '按等级增加的申请材料',
  reapplyAfterRefusal: '不予修复后再次申请的间隔',
  barAfterRevocation: '撤销修复后不得申请的期限',
  commitmentValidity: '信用修复承诺期限',
  rectification: '限期整改与约谈',
  deadlines: '按等级的整改期限',
  defaultDeadline: '默认整改期限',
  remindSubjectBefore: '整改期限届满前提醒',
  verifyReportWithin: '整改情况核实期限',
  scheduleWithin: '安排约谈期限',
  recordWithin: '约谈记录登记期限',
  afterInterview: '约谈后的整改期限',
  confirmWithin: '后续措施确认期限',
  consequence: '警示约谈后仍未整改的后续措施',
  listName: '名单名称',
  validity: '列入期限',
  measureCodes: '措施编码',
  publicity: '信息公示',
  publishWithin: '公示时限',
  periodStartsFrom: '公示期起算点',
  creditReportValidity: '信用报告有效期',
  sources: '依据',
  value: '数值',
  unit: '单位',
  jurisdiction: '辖区标识',
  version: '版本号',
  effectiveFrom: '生效日期',
  effectiveTo: '失效日期',
  document: '政策内容',
};

const OPTION_NAMES: Record<string, string> = {
  unit: 'working-days（工作日）、calendar-days（自然日）、months（月）、years（年）',
  suspension: 'none（不影响）、flag（标注异议）、hide（暂停公示）、suspend-measures（暂停惩戒措施）',
  channels: 'window、phone、email、website、app、wechat',
  periodStartsFrom: 'decision（决定之日）、publication（公示之日）',
};

function describeField(path: (string | number)[]): string {
  const named = path.filter((p): p is string => typeof p === 'string' && FIELD_NAMES[p] !== undefined);
  const last = named[named.length - 1];
  if (last === undefined) return '';
  const parent = named[named.length - 2];
  // "核查并书面回复期限的数值" rather than a bare "数值"
  return (last === 'value' || last === 'unit') && parent
    ? `${FIELD_NAMES[parent]}的${FIELD_NAMES[last]}`
    : FIELD_NAMES[last];
}

function toIssue(issue: z.ZodIssue): PolicyIssue {
  const field = issue.path.join('.') || '(document)';
  const name = describeField(issue.path);
  const prefix = name ? `${name}：` : '';
  const lastNamed = [...issue.path].reverse().find((p) => typeof p === 'string') as string | undefined;
  const make = (code: PolicyIssueCode, message: string): PolicyIssue => ({
    field,
    code,
    message: prefix + message,
  });
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type:
      if (issue.received === 'undefined') return make('REQUIRED', '必须填写');
      if (issue.expected === 'integer') return make('NOT_INTEGER', '必须是整数');
      return make('INVALID_TYPE', `类型不正确（应为${TYPE_NAMES[issue.expected] ?? issue.expected}）`);
    case z.ZodIssueCode.invalid_enum_value:
      return make(
        'INVALID_OPTION',
        `“${String(issue.received)}”不是可选值，可选：${OPTION_NAMES[lastNamed ?? ''] ?? issue.options.join('、')}`,
      );
    case z.ZodIssueCode.unrecognized_keys:
      return make('UNKNOWN_FIELD', `不支持的字段：${issue.keys.join('、')}`);
    case z.ZodIssueCode.too_small:
      if (issue.type === 'array')
        return make('EMPTY', issue.minimum === 1 ? '至少需要填写一项' : `至少需要 ${issue.minimum} 项`);
      if (issue.type === 'string') return make('EMPTY', '不能为空');
      return make('TOO_SMALL', Number(issue.minimum) === 0 ? '不能为负数' : `不能小于 ${issue.minimum}`);
    case z.ZodIssueCode.too_big:
      return make(
        issue.type === 'string' ? 'TOO_LONG' : 'TOO_LARGE',
        `不能超过 ${issue.maximum}${issue.type === 'array' ? ' 项' : ''}`,
      );
    case z.ZodIssueCode.invalid_string:
      return make('INVALID_ID', '只能包含小写字母、数字和连字符，且以字母开头（2–41 个字符）');
    case z.ZodIssueCode.custom:
      return make((issue.params?.code as PolicyIssueCode | undefined) ?? 'INVALID_TYPE', issue.message);
    case z.ZodIssueCode.not_multiple_of:
      return make('NOT_INTEGER', '必须是整数');
    default:
      return make('INVALID_TYPE', '格式不正确');
  }
}

const TYPE_NAMES: Record<string, string> = {
  number: '数字',
  integer: '整数',
  string: '文字',
  boolean: 'true 或 false',
  object: '对象',
  array: '列表',
};

function validate<T>(schema: z.ZodType, input: unknown): PolicyValidation<T> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data as T };
  return { ok: false, issues: result.error.issues.map(toIssue) };
}

/** Validates a policy document; returns it typed, or field-level issues in Chinese. */
export function validatePolicyDocument(input: unknown): PolicyValidation<PolicyDocument> {
  return validate<PolicyDocument>(policyDocumentSchema, input);
}

/** Validates a whole version (jurisdiction id, dates, document). */
export function validatePolicyVersion(input: unknown): PolicyValidation<PolicyVersion> {
  return validate<PolicyVersion>(policyVersionSchema, input);
}
