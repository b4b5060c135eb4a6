import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { isoInstant, optionalText, queryInt } from '../common/field-schemas';

/**
 * Request queries, bodies and parameters of the calendar API, validated at the edge with zod; each
 * query and body has its DTO class for the global pipe and the OpenAPI document. What needs the
 * calendar itself is the calendar's to refuse: days that do not exist or lie outside the year,
 * make-up days that are not weekend days (400 CALENDAR_INVALID, field by field), a year outside
 * the range kept (400 CALENDAR_YEAR_OUT_OF_RANGE).
 */

export const deadlineQuerySchema = z
  .object({
    from: isoInstant().describe('Receipt instant (ISO 8601 with offset), e.g. 2026-09-30T09:00:00+08:00'),
    workingDays: queryInt(0, 1000).describe('Working days of the time limit'),
    jurisdiction: optionalText(100).describe('Jurisdiction id, e.g. xinzheng-mz'),
  })
  .strict();
export type DeadlineQuery = z.infer<typeof deadlineQuerySchema>;
export class DeadlineQueryDto extends createZodDto(deadlineQuerySchema) {}

export const declareYearSchema = z
  .object({
    holidays: z
      .array(z.string())
      .max(200)
      .describe('Days off (YYYY-MM-DD) of the year, weekend days within holidays included'),
    makeupWorkdays: z
      .array(z.string())
      .max(50)
      .describe('Weekend days that are working days (调休上班), YYYY-MM-DD'),
    reason: z.string().trim().min(2).max(500).describe('Basis, e.g. 国办发明电〔2026〕X号'),
  })
  .strict();
export type DeclareYearBody = z.infer<typeof declareYearSchema>;
export class DeclareYearDto extends createZodDto(declareYearSchema) {}

/** The `{year}` of a path: digits only; whether the year is in the range kept is the controller's. */
export const yearParamSchema = z
  .string()
  .regex(/^\d{1,4}$/, '应为年份（整数），如 2026')
  .transform(Number);
