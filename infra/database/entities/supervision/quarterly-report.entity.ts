import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { QuarterlyReportFigures } from '../../../../workflows/supervision/report-figures';

/**
 * One quarterly supervision report (督查季度报告, 新郑 八(三)) per jurisdiction and quarter: the
 * figures as JSON and the XLSX as sent to the supervisors, stored durably so past reports can be
 * downloaded. `(jurisdiction, quarter)` is unique (the migration's), which keeps production
 * idempotent under retries. A report produced on request before the quarter's cut-off is
 * provisional (`final` false) and is replaced once by the scheduled production at the cut-off.
 */
@Entity({ name: 'quarterly_report' })
export class QuarterlyReport {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  jurisdiction!: string;

  /** `2026Q4`. */
  @Column({ type: 'text' })
  quarter!: string;

  /** The figures count what happened after this instant (the previous quarter's cut-off)… */
  @Column({ name: 'period_from', type: 'timestamptz' })
  periodFrom!: Date;

  /** …up to this one: the quarter's cut-off, or the instant of an early production. */
  @Column({ name: 'counted_until', type: 'timestamptz' })
  countedUntil!: Date;

  /** Counted up to the quarter's cut-off (not an early, provisional production). */
  @Column({ type: 'boolean' })
  final!: boolean;

  @Column({ type: 'jsonb' })
  figures!: QuarterlyReportFigures;

  /** Not loaded unless asked for (`addSelect('r.xlsx')`): lists and figures do without it. */
  @Column({ type: 'bytea', select: false })
  xlsx!: Buffer;

  /** `schedule` (the quarterlyReports workflow) or the `sub` of the supervisor who asked. */
  @Column({ name: 'produced_by', type: 'text' })
  producedBy!: string;

  @Column({ name: 'produced_at', type: 'timestamptz' })
  producedAt!: Date;
}
