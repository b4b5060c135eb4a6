import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import {
  COMMITMENT_KIND_NAMES_ZH,
  COMMITMENT_KINDS,
  COMMITMENT_STATUSES,
  STAFF_SIGNED_KINDS,
} from '../../../workflows/commitment/types';
import type { TimeUnit } from '../../../workflows/policies/types';
import {
  commaList,
  dateOrInstant,
  optionalText,
  paging,
  queryFlag,
  queryInt,
  subjectCode,
  text,
} from '../common/field-schemas';

/**
 * Request bodies and queries of the commitments API (信用承诺), validated at the edge with zod.
 * Malformed input — wrong types, unknown fields, a subject code whose check character is wrong,
 * items on a kind that has none — is a 400 VALIDATION_FAILED; what is well formed but not acceptable
 * (a subject not registered, a barred subject, an action the commitment's status does not allow)
 * is the service's or the workflow's to refuse with its own code.
 */

const UNIT_NAMES_ZH: Record<TimeUnit, string> = {
  'working-days': '个工作日',
  'calendar-days': '个自然日',
  months: '个月',
  years: '年',
};
/** About ten years in each unit, as the policies allow. */
const UNIT_MAX: Record<TimeUnit, number> = {
  'working-days': 2500,
  'calendar-days': 3660,
  months: 120,
  years: 10,
};

const limit = (units: [TimeUnit, ...TimeUnit[]]) =>
  z
    .object({ value: z.number().int().min(1), unit: z.enum(units) })
    .strict()
    .superRefine((l, ctx) => {
      if (l.value > UNIT_MAX[l.unit]) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['value'],
          message: `不能超过 ${UNIT_MAX[l.unit]} ${UNIT_NAMES_ZH[l.unit]}`,
          params: { code: 'too_big' },
        });
      }
    });

/** The shared field (apps/api/common/field-schemas.ts), also imported from here by repairs and rectifications. */
export { subjectCode };

const custom = (ctx: z.RefinementCtx, path: (string | number)[], code: string, message: string) =>
  ctx.addIssue({ code: z.ZodIssueCode.custom, path, message, params: { code } });

export const createCommitmentSchema = z
  .object({
    /** A 信用修复承诺 is not signed here: its repair case starts it. */
    kind: z.enum(STAFF_SIGNED_KINDS),
    /** The signing subject: must be registered in the registry (信用主体库). */
    subjectCode: subjectCode(),
    signer: z
      .object({
        name: text(100),
        /** 法定代表人, 委托代理人, 本人 … */
        capacity: text(50),
        /** Phone, e-mail or address: reminders go there. Never shown publicly. */
        contact: text(300),
      })
      .strict(),
    /** The administrative matter (办理事项), e.g. 养老机构备案. */
    matter: text(200),
    /** 容缺受理 only, and required there: the missing materials and their limits from signing. */
    items: z
      .array(
        z.object({ name: text(200), limit: limit(['working-days', 'calendar-days', 'months']) }).strict(),
      )
      .max(30)
      .optional(),
    /** Voluntary commitments only: valid this long (default: the policy's). */
    validity: limit(['calendar-days', 'months', 'years']).optional(),
    /** Shown in the 信用承诺专栏 (default: the policy's rule for the kind). */
    published: z.boolean().optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const kindName = COMMITMENT_KIND_NAMES_ZH[body.kind];
    if (body.kind === 'deferred-materials') {
      if (!body.items?.length) {
        custom(ctx, ['items'], 'items_required', '容缺受理承诺必须列明待补交的材料及各自的补交期限');
      }
      body.items?.forEach((item, i) => {
        if (body.items!.findIndex((other) => other.name === item.name) !== i) {
          custom(ctx, ['items', i, 'name'], 'duplicate', `材料“${item.name}”重复`);
        }
      });
    } else if (body.items !== undefined) {
      custom(ctx, ['items'], 'items_not_allowed', `只有容缺受理承诺列明待补交材料，${kindName}不能填写`);
    }
    if (body.validity !== undefined && body.kind !== 'voluntary') {
      custom(
        ctx,
        ['validity'],
        'validity_not_allowed',
        `只有主动型（自律）信用承诺约定有效期，${kindName}不能填写`,
      );
    }
  });
export type CreateCommitmentBody = z.infer<typeof createCommitmentSchema>;
export class CreateCommitmentDto extends createZodDto(createCommitmentSchema) {}

const attachment = z.object({ ref: text(200), name: text(200) }).strict();
const reason = text(2000);

export const supplyItemSchema = z.object({ attachment, note: optionalText(2000) }).strict();
export const extendItemSchema = z.object({ workingDays: z.number().int().min(1), reason }).strict();
export const verificationSchema = z.object({ truthful: z.boolean(), finding: text(5000) }).strict();
export const reportBreachSchema = z
  .object({
    description: text(5000),
    /** Where it came from: 投诉举报, 日常检查, 部门通报 … */
    source: optionalText(200),
  })
  .strict();
export const decideBreachSchema = z
  .object({
    confirmed: z.boolean(),
    reason,
    /** Measures of the published list to apply with a confirmed breach (beside the policy's). */
    measureCodes: z.array(text(50)).max(20).optional(),
  })
  .strict();
export const withdrawSchema = z.object({ reason }).strict();
export class SupplyItemDto extends createZodDto(supplyItemSchema) {}
export class ExtendItemDto extends createZodDto(extendItemSchema) {}
export class CommitmentVerificationDto extends createZodDto(verificationSchema) {}
export class ReportBreachDto extends createZodDto(reportBreachSchema) {}
export class DecideBreachDto extends createZodDto(decideBreachSchema) {}
export class CommitmentWithdrawDto extends createZodDto(withdrawSchema) {}

/** Position of an item or a reported breach within its commitment (1, 2, 3 …). */
export const positionSchema = queryInt(1, 999);

export const listQuerySchema = z
  .object({
    kind: commaList(COMMITMENT_KINDS).optional(),
    status: commaList(COMMITMENT_STATUSES).optional(),
    /** The department that accepted the commitment. */
    department: text(200).optional(),
    subjectCode: subjectCode().optional(),
    dueBefore: dateOrInstant()
      .optional()
      .describe(
        'An open item, verification or review due before this date (YYYY-MM-DD, start of the Beijing day) ' +
          'or instant (ISO 8601 with offset)',
      ),
    overdue: queryFlag().optional(),
    breached: queryFlag().optional(),
    jurisdiction: text(100).optional(),
    ...paging,
  })
  .strict();
export type ListQuery = z.infer<typeof listQuerySchema>;
export class ListQueryDto extends createZodDto(listQuerySchema) {}

export const COUNT_DIMENSIONS = ['kind', 'status', 'department'] as const;
export const countQuerySchema = listQuerySchema
  .omit({ page: true, pageSize: true })
  .extend({ by: z.enum(COUNT_DIMENSIONS) })
  .strict();
export type CountQuery = z.infer<typeof countQuerySchema>;
export class CountQueryDto extends createZodDto(countQuerySchema) {}

export const lookupQuerySchema = z.object({ queryCode: text(40), subjectCode: text(40) }).strict();
export class LookupQueryDto extends createZodDto(lookupQuerySchema) {}

export const publicListQuerySchema = z
  .object({
    /** The jurisdiction whose 专栏 is shown, e.g. `xinzheng-mz`. */
    jurisdiction: text(100),
    kind: commaList(COMMITMENT_KINDS).optional(),
    ...paging,
  })
  .strict();
export type PublicListQuery = z.infer<typeof publicListQuerySchema>;
export class PublicListQueryDto extends createZodDto(publicListQuerySchema) {}
