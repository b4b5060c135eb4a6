import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { QUARTER_PATTERN } from '../../../workflows/supervision/quarters';
import { text } from '../common/field-schemas';

/** A quarter, `2026Q4`, from 2000 to 2098 (the board's calendar range). */
const quarter = () =>
  z
    .string()
    .regex(QUARTER_PATTERN, { message: '季度应写作“年份Q季度”，例如 2026Q4' })
    .refine((q) => q >= '2000Q1' && q <= '2098Q4', {
      message: '季度应在 2000Q1 至 2098Q4 之间',
      params: { code: 'quarter_out_of_range' },
    })
    .describe('Year and quarter, e.g. 2026Q4');

/** Produce (or answer the stored) report of a jurisdiction and quarter now. */
export const produceReportSchema = z
  .object({
    /** A jurisdiction code of the directory; a supervisor may name only its own. */
    jurisdiction: text(32).describe('Jurisdiction code of the directory, e.g. xinzheng-mz'),
    quarter: quarter(),
  })
  .strict();
export type ProduceReport = z.infer<typeof produceReportSchema>;
export class ProduceReportDto extends createZodDto(produceReportSchema) {}

export const reportListQuerySchema = z
  .object({
    /** Narrows an admin's list (a supervisor's is its own jurisdiction's anyway). */
    jurisdiction: text(32).optional(),
    quarter: quarter().optional(),
  })
  .strict();
export type ReportListQuery = z.infer<typeof reportListQuerySchema>;
export class ReportListQueryDto extends createZodDto(reportListQuerySchema) {}
