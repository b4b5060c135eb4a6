import { z } from 'zod';

/**
 * Field schemas shared by the request schemas of every module, so that the same kind of field is
 * checked, documented and worded the same way everywhere (messages: `validation.ts`).
 */

/** Required text: surrounding spaces removed, not empty, at most `max` characters. */
export const text = (max: number) => z.string().trim().min(1).max(max);

/** Optional text of at most `max` characters (may be empty). */
export const optionalText = (max: number) => z.string().trim().max(max).optional();

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const realDate = z.string().date();

/**
 * A calendar date exchanged as YYYY-MM-DD (Beijing date); impossible dates such as 02-30 refused.
 * The pattern (not zod's `date()`) carries the format into the OpenAPI document.
 */
export const isoDate = () =>
  z
    .string()
    .regex(DATE_PATTERN, '日期格式应为 YYYY-MM-DD')
    .refine((s) => !DATE_PATTERN.test(s) || realDate.safeParse(s).success, {
      message: '不是实际存在的日期（格式 YYYY-MM-DD）',
      params: { code: 'invalid_date' },
    });

/** An instant with its offset, e.g. 2026-03-02T09:00:00+08:00. */
export const isoInstant = () => z.string().datetime({ offset: true });

const DATE_OR_INSTANT_MESSAGE = '应为日期 YYYY-MM-DD 或带时区的 ISO 8601 时间，如 2026-03-02T09:00:00+08:00';

/** Either a date (YYYY-MM-DD) or an instant with offset. */
export const dateOrInstant = () =>
  z.string().refine((s) => realDate.safeParse(s).success || isoInstant().safeParse(s).success, {
    message: DATE_OR_INSTANT_MESSAGE,
    params: { code: 'invalid_date_or_instant' },
  });

export const uuid = () => z.string().uuid();

/** A whole number given as a query parameter (query strings are text). */
export const queryInt = (min: number, max?: number) => {
  const int = z.coerce.number().int().min(min);
  return max === undefined ? int : int.max(max);
};

/** A query flag: `true` or `false`. */
export const queryFlag = () => z.enum(['true', 'false']).transform((v) => v === 'true');

/**
 * A query parameter listing values of `values`, comma-separated (`status=received,forwarded`);
 * a value not among them is refused on the parameter itself.
 */
export const commaList = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((s, ctx) => {
      const parts = s.split(',').map((p) => p.trim());
      const unknown = parts.filter((p) => !(values as readonly string[]).includes(p));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `“${unknown.join('、')}”不是允许的取值（可选：${values.join('、')}，多个用逗号分隔）`,
          params: { code: 'invalid_enum_value' },
        });
        return z.NEVER;
      }
      return parts as T[];
    })
    .describe(`Comma list of: ${values.join(', ')}`);

/** `page` (from 1) and `pageSize` (at most 200) of a listing. */
export const paging = {
  page: queryInt(1).default(1),
  pageSize: queryInt(1, 200).default(50),
};
