import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { CASE_PROCEDURES } from '../../../activities';
import { commaList, isoDate, isoInstant, paging, queryFlag, queryInt, text } from '../common/field-schemas';

/**
 * Queries of the supervision board (督查), validated at the edge with zod. Every figure is counted
 * over the caller's scope (see SupervisionService); malformed input is a 400 VALIDATION_FAILED.
 */

/** The procedures on the case kit, as they declared themselves (activities/index.ts). */
export const PROCEDURES = CASE_PROCEDURES.map((p) => p.procedure) as [string, ...string[]];

const STATUS_TOKEN = /^[a-z][a-z-]*$/;

/**
 * Days the board counts working days on: the calendar computes 1901–2100, and a count of up to 250
 * working days from the last day must stay inside it.
 */
const FIRST_DAY = '2000-01-01';
const LAST_DAY = '2098-12-31';
const RANGE_MESSAGE = `应在 ${FIRST_DAY} 至 ${LAST_DAY} 之间`;
const inRange = (date: string) => date >= FIRST_DAY && date <= LAST_DAY;

/** A Beijing date of the board's range. */
const boardDate = () =>
  isoDate().refine(inRange, { message: `日期${RANGE_MESSAGE}`, params: { code: 'date_out_of_range' } });

/** An instant of the board's range. */
const boardInstant = () =>
  // zod runs the refinement also after the format check failed: an unparsable text is that check's.
  isoInstant().refine((s) => Number.isNaN(Date.parse(s)) || inRange(new Date(s).toISOString().slice(0, 10)), {
    message: `时间${RANGE_MESSAGE}`,
    params: { code: 'instant_out_of_range' },
  });

/** Filters every board figure takes. */
const boardFilters = {
  procedure: commaList(PROCEDURES).optional(),
  /** Status keys of the procedures (`forwarded`, `tracking` …), comma-separated. */
  status: z
    .string()
    .transform((s, ctx) => {
      const parts = s.split(',').map((p) => p.trim());
      if (parts.length > 30 || parts.some((p) => !STATUS_TOKEN.test(p))) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: '状态应为程序的状态代码（小写字母和连字符），多个用逗号分隔，最多 30 个',
          params: { code: 'invalid_status' },
        });
        return z.NEVER;
      }
      return parts;
    })
    .describe('Comma list of status keys, e.g. forwarded,tracking')
    .optional(),
  /** A department involved in the case (its office, provider or a step's). */
  department: text(200).optional(),
  /** Narrows an all-jurisdiction scope (admin supervisor) or a supervisor's own. */
  jurisdiction: text(100).optional(),
  /** The instant working days are counted at (default: now). */
  at: boardInstant().optional(),
};

export const boardQuerySchema = z.object(boardFilters).strict();
export type BoardQuery = z.infer<typeof boardQuerySchema>;
export class BoardQueryDto extends createZodDto(boardQuerySchema) {}

/** The case list (and its export): the board's filters, overdue and due within N working days. */
const caseFilters = {
  ...boardFilters,
  overdue: queryFlag().optional(),
  dueWithin: queryInt(0, 250)
    .optional()
    .describe('Open cases whose current step falls due within this many working days'),
};

export const caseListQuerySchema = z.object({ ...caseFilters, ...paging }).strict();
export type CaseListQuery = z.infer<typeof caseListQuerySchema>;
export class CaseListQueryDto extends createZodDto(caseListQuerySchema) {}

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const caseExportQuerySchema = z.object({ ...caseFilters, format: z.enum(EXPORT_FORMATS) }).strict();
export type CaseExportQuery = z.infer<typeof caseExportQuerySchema>;
export class CaseExportQueryDto extends createZodDto(caseExportQuerySchema) {}

export const dueSoonQuerySchema = z
  .object({ ...boardFilters, dueWithin: queryInt(0, 250).default(3) })
  .strict();
export type DueSoonQuery = z.infer<typeof dueSoonQuerySchema>;
export class DueSoonQueryDto extends createZodDto(dueSoonQuerySchema) {}

/** Per department and period: cases closed from `from` to `to` (Beijing dates, both included). */
export const periodQuerySchema = z
  .object({ ...boardFilters, from: boardDate(), to: boardDate() })
  .strict()
  .refine((q) => q.from <= q.to, {
    path: ['to'],
    message: '截止日期不能早于起始日期',
    params: { code: 'period_reversed' },
  });
export type PeriodQuery = z.infer<typeof periodQuerySchema>;
export class PeriodQueryDto extends createZodDto(periodQuerySchema) {}
