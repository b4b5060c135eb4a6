import { z } from 'zod';
import {
  checkResidentId,
  checkUscc,
  IDENTIFIER_NAMES_ZH,
  IDENTIFIER_PROBLEMS_ZH,
  normalizeIdentifier,
} from '../../../workflows/registry/identifiers';

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

/**
 * What is wrong with a subject's code, in the words a caseworker acts on, or undefined when it is
 * a valid 统一社会信用代码 (GB 32100) or 居民身份证号码 (GB 11643). A code of digits with a real
 * birth date whose check character fails is taken for an identity card number, anything else for
 * a credit code: "统一社会信用代码校验位不正确，请核对是否录入有误".
 */
export function subjectCodeProblem(raw: string): string | undefined {
  const uscc = checkUscc(raw);
  const resident = checkResidentId(raw);
  if (uscc.valid || resident.valid) return undefined;
  const length = normalizeIdentifier(raw).length;
  if (length !== 18) return `应为 18 位的统一社会信用代码或居民身份证号码（现为 ${length} 位）`;
  if (resident.problem === 'checksum')
    return `${IDENTIFIER_NAMES_ZH['resident-id']}${IDENTIFIER_PROBLEMS_ZH.checksum}`;
  if (uscc.problem === 'characters') {
    return '统一社会信用代码应由 18 位数字或大写字母组成（不使用 I、O、S、V、Z），第 3–8 位为行政区划代码';
  }
  return `${IDENTIFIER_NAMES_ZH.uscc}${IDENTIFIER_PROBLEMS_ZH[uscc.problem]}`;
}

/**
 * A subject's code (统一社会信用代码 or 居民身份证号码) with its length, characters and check
 * character verified (workflows/registry/identifiers.ts); normalised (upper case, no separators).
 */
export const subjectCode = () =>
  text(40)
    .superRefine((code, ctx) => {
      const problem = subjectCodeProblem(code);
      if (problem) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: problem,
          params: { code: 'invalid_subject_code' },
        });
      }
    })
    .transform(normalizeIdentifier);

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
