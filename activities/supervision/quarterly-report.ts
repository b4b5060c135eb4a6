import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import { CaseIndexRow } from '../../infra/database/entities/case/case-index.entity';
import { QuarterlyReport } from '../../infra/database/entities/supervision/quarterly-report.entity';
import { DIRECTORY, jurisdictionByCode } from '../../workflows/reference/directory';
import { QUARTER_PATTERN, reportDeadline, reportPeriod } from '../../workflows/supervision/quarters';
import { jurisdictionSupervisorsOf, reportNotice } from '../../workflows/supervision/report-notice';
import { CalendarStore } from '../calendar/calendar-store';
import type { NotifyInput, NotifyResult } from '../notifications/notifications';
import { quarterlyFigures } from './quarterly-report-figures';
import { quarterlyReportXlsx } from './quarterly-report-xlsx';
import { yearsOf } from './supervision-figures';

export interface ProduceQuarterlyReportInput {
  jurisdiction: string;
  /** `2026Q4`. */
  quarter: string;
  /**
   * Count up to this instant; default (and at most) the quarter's cut-off. The workflow passes
   * the cut-off; a supervisor's request for the current quarter counts up to now (provisional).
   */
  countedUntil?: string;
  /** `schedule`, or the `sub` of the supervisor who asked. */
  producedBy: string;
}

export interface ProducedQuarterlyReport {
  id: string;
  jurisdiction: string;
  quarter: string;
  final: boolean;
  /** Whether this call stored it (false: it was on file already, the stored one is answered). */
  created: boolean;
}

/** Why a report cannot be produced; the API maps these to 4xx. */
export class QuarterlyReportRefused extends Error {
  constructor(
    readonly code: 'SUPERVISION_REPORT_UNKNOWN_JURISDICTION' | 'SUPERVISION_REPORT_QUARTER_NOT_BEGUN',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The quarterly supervision report (新郑 八(三)) of one jurisdiction: its figures from the case
 * index, the XLSX, stored once per jurisdiction and quarter, and the in-app notification to the
 * jurisdiction's supervisors. Idempotent: a retry, or a second request, answers the stored
 * report; the only replacement is of a provisional report (produced before the cut-off) by the
 * final one. The notification's dedupe key is the report and its finality, so it goes out once.
 */
export interface QuarterlyReportDeps {
  dataSource: DataSource;
  /** The case kit's procedures, for their Chinese names. */
  procedures: readonly { procedure: string; name: string }[];
  notify(input: NotifyInput): Promise<NotifyResult>;
  now?: () => number;
}

export function createQuarterlyReports(deps: QuarterlyReportDeps) {
  const now = deps.now ?? (() => Date.now());
  const calendars = new CalendarStore(deps.dataSource);
  const reports = () => deps.dataSource.getRepository(QuarterlyReport);
  const procedureNames = Object.fromEntries(deps.procedures.map((p) => [p.procedure, p.name]));

  /** `at`: the present as the caller's clock tells it (an activity's: the server's, see below). */
  async function produce(
    input: ProduceQuarterlyReportInput,
    at: number = now(),
  ): Promise<ProducedQuarterlyReport> {
    const jurisdiction = jurisdictionByCode(input.jurisdiction);
    if (!jurisdiction) {
      throw new QuarterlyReportRefused(
        'SUPERVISION_REPORT_UNKNOWN_JURISDICTION',
        `辖区 ${input.jurisdiction} 不在部门目录中。`,
      );
    }
    if (!QUARTER_PATTERN.test(input.quarter)) throw new TypeError(`not a quarter: ${input.quarter}`);
    const { from, until: cutoff } = reportPeriod(input.quarter);
    const countedUntil = new Date(
      Math.min(Date.parse(input.countedUntil ?? cutoff), Date.parse(cutoff), at),
    ).toISOString();
    if (Date.parse(countedUntil) <= Date.parse(from)) {
      throw new QuarterlyReportRefused(
        'SUPERVISION_REPORT_QUARTER_NOT_BEGUN',
        `${input.quarter} 季度尚未开始，不能生成报告。`,
      );
    }
    const final = countedUntil === cutoff;
    const key = { jurisdiction: jurisdiction.code, quarter: input.quarter };

    let stored = await reports().findOneBy(key);
    let created = false;
    if (!stored || (!stored.final && final)) {
      const rows = await deps.dataSource
        .getRepository(CaseIndexRow)
        .createQueryBuilder('c')
        .where('c.jurisdiction = :jurisdiction', { jurisdiction: jurisdiction.code })
        .andWhere('c.received_at <= :until', { until: countedUntil })
        .andWhere('(c.closed_at IS NULL OR c.closed_at > :from)', { from })
        .orderBy('c.received_at')
        .addOrderBy('c.case_id')
        .getMany();
      const calendar = await calendars.calendarFor(
        yearsOf([
          from,
          countedUntil,
          ...rows.flatMap((r) => [r.receivedAt, r.closedAt, r.stepDueAt, r.caseDueAt]),
        ]),
      );
      const producedAt = new Date(at).toISOString();
      const figures = quarterlyFigures(rows, calendar, {
        jurisdiction: jurisdiction.code,
        jurisdictionName: jurisdiction.name,
        quarter: input.quarter,
        periodFrom: from,
        countedUntil,
        final,
        deadline: reportDeadline(input.quarter),
        procedureNames,
      });
      const xlsx = await quarterlyReportXlsx(figures, producedAt);
      // One per jurisdiction and quarter: a concurrent or retried production finds the row on
      // file and leaves it; only a provisional one gives way to the final one.
      const written: { id: string }[] = await deps.dataSource.query(
        `INSERT INTO quarterly_report
           (jurisdiction, quarter, period_from, counted_until, final, figures, xlsx, produced_by, produced_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (jurisdiction, quarter) DO UPDATE SET
           counted_until = EXCLUDED.counted_until, final = EXCLUDED.final, figures = EXCLUDED.figures,
           xlsx = EXCLUDED.xlsx, produced_by = EXCLUDED.produced_by, produced_at = EXCLUDED.produced_at
         WHERE NOT quarterly_report.final AND EXCLUDED.final
         RETURNING id`,
        [
          key.jurisdiction,
          key.quarter,
          from,
          countedUntil,
          final,
          JSON.stringify(figures),
          xlsx,
          input.producedBy,
          producedAt,
        ],
      );
      created = written.length === 1;
      stored = await reports().findOneByOrFail(key);
    }
    const notice = reportNotice({
      jurisdictionName: jurisdiction.name,
      quarter: stored.quarter,
      final: stored.final,
      overdue: stored.figures.totals.overdue,
      closed: stored.figures.totals.closed,
    });
    await deps.notify({
      dedupeKey: `supervision.quarterly-report:${stored.id}:${stored.final ? 'final' : 'provisional'}`,
      channel: 'internal',
      recipient: jurisdictionSupervisorsOf(jurisdiction.code),
      kind: notice.kind,
      title: notice.title,
      body: notice.body,
    });
    return {
      id: stored.id,
      jurisdiction: stored.jurisdiction,
      quarter: stored.quarter,
      final: stored.final,
      created,
    };
  }

  return { produce };
}

/**
 * The present as the Temporal server tells it, inside an activity: when this attempt was
 * scheduled (at the cut-off or later). It is the wall clock in production and the skipped clock
 * in time-skipping tests; outside an activity (a direct call), undefined: the caller's clock.
 */
function serverNow(): number | undefined {
  try {
    return Context.current().info.currentAttemptScheduledTimestampMs;
  } catch {
    return undefined;
  }
}

/** The activities of the supervision layer (registered in activities/index.ts). */
export function createSupervisionActivities(deps: QuarterlyReportDeps) {
  const { produce } = createQuarterlyReports(deps);

  /** A refusal is not retried: the same input would be refused again. */
  async function produceQuarterlyReport(
    input: ProduceQuarterlyReportInput,
  ): Promise<ProducedQuarterlyReport> {
    try {
      return await produce(input, serverNow());
    } catch (err) {
      if (err instanceof QuarterlyReportRefused || err instanceof TypeError) {
        throw ApplicationFailure.nonRetryable(
          err.message,
          err instanceof QuarterlyReportRefused ? err.code : 'TypeError',
        );
      }
      throw err;
    }
  }

  /**
   * The jurisdictions that get a report: the directory's. An activity, so that the list a run
   * worked through is in its history and a directory change cannot break the replay.
   */
  async function quarterlyReportJurisdictions(): Promise<string[]> {
    return DIRECTORY.map((j) => j.code);
  }

  return { produceQuarterlyReport, quarterlyReportJurisdictions };
}
