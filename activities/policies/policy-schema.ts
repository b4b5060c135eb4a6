import { z } from 'zod';
import type { PolicyDocument } from '../../workflows/policies';

const limit = z.object(
  {
    value: z
      .number({ invalid_type_error: '必须是数字' })
      .int('必须是整数')
      .min(0, '不能为负数')
      .max(3650, '过大'),
    unit: z.enum(['working-days', 'calendar-days', 'months', 'years'], {
      errorMap: () => ({ message: '单位必须是 working-days、calendar-days、months 或 years' }),
    }),
  },
  { required_error: '必须填写', invalid_type_error: '必须是 { value, unit } 形式' },
);

const tier = z.enum(['轻微', '一般', '严重', '特定严重'], {
  errorMap: () => ({ message: '必须是 轻微、一般、严重 或 特定严重' }),
});

const tierPeriods = z
  .object({ minPublicity: limit, maxPublicity: limit, repairable: z.boolean({ required_error: '必须填写' }) })
  .refine(
    (t) => t.minPublicity.unit !== t.maxPublicity.unit || t.minPublicity.value <= t.maxPublicity.value,
    {
      message: '最短公示期不能长于最长公示期',
      path: ['minPublicity'],
    },
  );

export const policyDocumentSchema = z.object({
  name: z.string({ required_error: '必须填写' }).trim().min(1, '不能为空').max(100, '太长'),
  objection: z.object({
    forward: limit.optional(),
    verify: limit,
    notify: limit.optional(),
    total: limit.optional(),
    markDisputed: limit.optional(),
    suspension: z.enum(['none', 'flag', 'hide', 'suspend-measures'], {
      errorMap: () => ({ message: '必须是 none、flag、hide 或 suspend-measures' }),
    }),
    materialsLapse: limit,
    channels: z
      .array(
        z.enum(['window', 'phone', 'email', 'website', 'app', 'wechat'], {
          errorMap: () => ({ message: '不是支持的受理渠道' }),
        }),
      )
      .min(1, '至少需要一个受理渠道'),
  }),
  escalation: z.object({ remindBefore: limit, secondLevelAfter: limit }),
  tierMapping: z.record(z.string().min(1), tier),
  tiers: z.record(tier, tierPeriods),
  personalNegativeRetention: limit,
  commitmentReminders: z.array(limit),
  sources: z.array(z.string().min(1)).min(1, '请注明依据'),
});

export interface FieldIssue {
  field: string;
  message: string;
}

/** Validates a policy document; returns it typed, or field-level messages in Chinese. */
export function validatePolicyDocument(
  input: unknown,
): { ok: true; value: PolicyDocument } | { ok: false; issues: FieldIssue[] } {
  const result = policyDocumentSchema.safeParse(input);
  if (result.success) return { ok: true, value: result.data as PolicyDocument };
  return {
    ok: false,
    issues: result.error.issues.map((i) => ({ field: i.path.join('.') || '(document)', message: i.message })),
  };
}
