import { Injectable } from '@nestjs/common';
import { DataSource, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { CASE_PROCEDURES } from '../../../activities';
import { CalendarStore } from '../../../activities/calendar/calendar-store';
import { CaseIndexRow } from '../../../infra/database/entities/case/case-index.entity';
import type { CalendarData } from '../../../workflows/calendar';
import type { Principal } from '../auth/roles';
import { pageOf } from '../cases/case-listing';
import { scopeCondition, scopeOf } from '../cases/case-scope';
import {
  AGEING_BUCKETS,
  bucketOf,
  byDepartmentName,
  closedByDepartment,
  dueAfter,
  ESCALATION_NAMES,
  type StatusCount,
  yearsOf,
} from '../../../activities/supervision/supervision-figures';
import type {
  BoardQuery,
  CaseExportQuery,
  CaseListQuery,
  DueSoonQuery,
  PeriodQuery,
} from './supervision.schemas';
import { caseWorkingDays, spanOf, WorkingDayCounter } from './working-day-counter';

/** The index's departments matched against the caller's scope (see case-scope.ts). */
const SCOPE_COLUMNS = {
  officeDepartment: 'c.office_department',
  providerDepartment: 'c.provider_department',
};

const PROCEDURE_NAMES: Record<string, string> = Object.fromEntries(
  CASE_PROCEDURES.map((p) => [p.procedure, p.name]),
);

/** Most rows an export holds (a list beyond that is narrowed by its filters). */
export const EXPORT_MAX_ROWS = 20_000;

/** One case of a board list. */
export interface BoardCase {
  procedure: string;
  procedureName: string;
  caseId: string;
  caseNo: string;
  jurisdiction: string;
  officeDepartment: string;
  providerDepartment: string | null;
  departments: string[];
  status: string;
  statusName: string;
  currentStep: string | null;
  currentStepName: string | null;
  currentStepDepartment: string | null;
  stepDueAt: string | null;
  caseDueAt: string | null;
  overdue: boolean;
  workingDaysOver: number | null;
  workingDaysLeft: number | null;
  escalationLevel: number;
  receivedAt: string;
  closedAt: string | null;
  /** Working days from receipt to closing, or to now while open. */
  ageWorkingDays: number;
  metLimit: boolean | null;
  closedSteps: CaseIndexRow['closedSteps'];
  revision: number;
}

/**
 * The supervision board (督查) over every procedure's cases, from `case_index`. Every figure is
 * counted within the caller's scope (scopeOf/scopeCondition, as for the procedures' listings): a
 * supervisor its jurisdiction (an admin supervisor without one every jurisdiction), a
 * caseworker the cases its department runs, a provider those on its department's records.
 * Working days are counted on the calendar in force (CalendarStore), in Asia/Shanghai.
 */
@Injectable()
export class SupervisionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly calendars: CalendarStore,
  ) {}

  private filtered(
    principal: Principal,
    query: Pick<BoardQuery, 'procedure' | 'status' | 'department' | 'jurisdiction'>,
  ): SelectQueryBuilder<CaseIndexRow> {
    return this.narrowed(
      this.dataSource.getRepository(CaseIndexRow).createQueryBuilder('c'),
      principal,
      query,
    );
  }

  /**
   * The principal's scope and the board's filters on `c`: a query of `case_index` or of
   * `case_count` (migration 1763857800000), which has the columns they test.
   */
  private narrowed<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    principal: Principal,
    query: Pick<BoardQuery, 'procedure' | 'status' | 'department' | 'jurisdiction'>,
  ): SelectQueryBuilder<T> {
    const scope = scopeCondition(scopeOf(principal), SCOPE_COLUMNS);
    qb.where(scope.sql, scope.params);
    if (query.procedure) qb.andWhere('c.procedure IN (:...procedure)', { procedure: query.procedure });
    if (query.status) qb.andWhere('c.status IN (:...status)', { status: query.status });
    if (query.department) qb.andWhere(':department = ANY(c.departments)', { department: query.department });
    if (query.jurisdiction)
      qb.andWhere('c.jurisdiction = :jurisdiction', { jurisdiction: query.jurisdiction });
    return qb;
  }

  private open(qb: SelectQueryBuilder<CaseIndexRow>) {
    return qb.andWhere('c.closed_at IS NULL');
  }

  /**
   * The calendar in force over the instants (the years from the earliest to the year after the
   * last), and a counter of working days among them.
   */
  private async calendarOver(
    instants: (Date | string | null)[],
  ): Promise<{ calendar: CalendarData; days: WorkingDayCounter }> {
    const span = spanOf(instants);
    const calendar = await this.calendars.calendarFor(yearsOf(span));
    return { calendar, days: WorkingDayCounter.on(calendar, span) };
  }

  /** The calendar and working days of the rows' instants and `at` (what item() counts). */
  private listCalendar(rows: CaseIndexRow[], at: string) {
    return this.calendarOver([
      at,
      ...rows.flatMap((r) => [r.receivedAt, r.closedAt, r.stepDueAt, r.caseDueAt]),
    ]);
  }

  /** The case list's filters beyond the board's: overdue, due within N working days of `at`. */
  private async listed(principal: Principal, query: Omit<CaseListQuery, 'page' | 'pageSize'>, at: string) {
    const qb = this.filtered(principal, query);
    if (query.overdue === true) this.open(qb).andWhere('c.overdue');
    if (query.overdue === false) qb.andWhere('NOT (c.closed_at IS NULL AND c.overdue)');
    let calendar: CalendarData | undefined;
    if (query.dueWithin !== undefined) {
      calendar = await this.calendars.calendarFor(yearsOf([at, dueAfterBound(at, query.dueWithin)]));
      this.open(qb).andWhere('c.step_due_at >= :at AND c.step_due_at <= :until', {
        at,
        until: dueAfter(at, query.dueWithin, calendar),
      });
    }
    return qb
      .orderBy('c.overdue', 'DESC')
      .addOrderBy('c.step_due_at', 'ASC', 'NULLS LAST')
      .addOrderBy('c.received_at', 'ASC')
      .addOrderBy('c.case_id', 'ASC');
  }

  private item(row: CaseIndexRow, at: string, days: WorkingDayCounter): BoardCase {
    const figures = caseWorkingDays(row, at, days);
    return {
      procedure: row.procedure,
      procedureName: PROCEDURE_NAMES[row.procedure] ?? row.procedure,
      caseId: row.caseId,
      caseNo: row.caseNo,
      jurisdiction: row.jurisdiction,
      officeDepartment: row.officeDepartment,
      providerDepartment: row.providerDepartment,
      departments: row.departments,
      status: row.status,
      statusName: row.statusName,
      currentStep: row.currentStep,
      currentStepName: row.currentStepName,
      currentStepDepartment: row.currentStepDepartment,
      stepDueAt: row.stepDueAt?.toISOString() ?? null,
      caseDueAt: row.caseDueAt?.toISOString() ?? null,
      overdue: row.overdue && !row.closedAt,
      workingDaysOver: figures.workingDaysOver,
      workingDaysLeft: figures.workingDaysLeft,
      escalationLevel: row.escalationLevel,
      receivedAt: row.receivedAt.toISOString(),
      closedAt: row.closedAt?.toISOString() ?? null,
      ageWorkingDays: figures.ageWorkingDays,
      metLimit: row.metLimit,
      closedSteps: row.closedSteps,
      revision: row.revision,
    };
  }

  // ------------------------------------------------------------------ figures

  /**
   * Counts by procedure × department × status: a case counts once for each department it
   * involves (only for `department` when the count is narrowed to one). Counted in SQL, in the
   * order of countsByProcedureDepartmentStatus (activities/supervision/supervision-figures).
   */
  async counts(principal: Principal, query: BoardQuery) {
    // The cases grouped by what the counts need of them, read from case_count (how many cases
    // share each key, kept by triggers on case_index: a few hundred rows, not every case of the
    // scope), each group then counted for every department it involves.
    const groups = await this.narrowed(
      this.dataSource.createQueryBuilder().from('case_count', 'c'),
      principal,
      query,
    )
      .select('c.procedure', 'procedure')
      .addSelect('c.status', 'status')
      .addSelect('MIN(c.status_name)', 'statusName')
      .addSelect('c.departments', 'departments')
      .addSelect('c.open', 'open')
      .addSelect('SUM(c.cases)::int', 'count')
      .groupBy('c.procedure')
      .addGroupBy('c.status')
      .addGroupBy('c.departments')
      .addGroupBy('c.open')
      .having('SUM(c.cases) > 0')
      .getRawMany<{
        procedure: string;
        status: string;
        statusName: string;
        departments: string[];
        open: boolean;
        count: number;
      }>();
    let total = 0;
    let open = 0;
    const cells = new Map<string, StatusCount>();
    for (const g of groups) {
      total += g.count;
      if (g.open) open += g.count;
      for (const department of query.department ? [query.department] : g.departments) {
        const key = JSON.stringify([g.procedure, department, g.status]);
        const cell = cells.get(key) ?? { ...g, department, count: 0 };
        cell.count += g.count;
        cells.set(key, cell);
      }
    }
    const sorted = [...cells.values()].sort(
      (a, b) =>
        a.procedure.localeCompare(b.procedure) ||
        byDepartmentName(a.department, b.department) ||
        a.status.localeCompare(b.status),
    );
    return {
      total,
      open,
      counts: sorted.map((c) => ({
        procedure: c.procedure,
        department: c.department,
        status: c.status,
        statusName: c.statusName,
        count: c.count,
        procedureName: PROCEDURE_NAMES[c.procedure] ?? c.procedure,
      })),
    };
  }

  /** Open overdue cases with the working days they are over, most over first. */
  async overdue(principal: Principal, query: BoardQuery) {
    const at = query.at ?? new Date().toISOString();
    const rows = await this.open(this.filtered(principal, query)).andWhere('c.overdue').getMany();
    const { days } = await this.listCalendar(rows, at);
    const items = rows
      .map((r) => this.item(r, at, days))
      .sort(
        (a, b) => (b.workingDaysOver ?? 0) - (a.workingDaysOver ?? 0) || a.caseNo.localeCompare(b.caseNo),
      );
    return { at, total: items.length, items };
  }

  /** Open cases whose current step falls due within N working days of `at` (not yet passed). */
  async dueSoon(principal: Principal, query: DueSoonQuery) {
    const at = query.at ?? new Date().toISOString();
    const qb = await this.listed(principal, { ...query, dueWithin: query.dueWithin }, at);
    const rows = await qb.getMany();
    const { calendar, days } = await this.listCalendar(rows, at);
    return {
      at,
      dueWithin: query.dueWithin,
      until: dueAfter(at, query.dueWithin, calendar),
      total: rows.length,
      items: rows.map((r) => this.item(r, at, days)),
    };
  }

  /** Open cases by working days since receipt, in buckets, overall and per procedure. */
  async ageing(principal: Principal, query: BoardQuery) {
    const at = query.at ?? new Date().toISOString();
    const rows = await this.open(this.filtered(principal, query))
      .select('c.procedure', 'procedure')
      .addSelect('c.received_at', 'receivedAt')
      .getRawMany<{ procedure: string; receivedAt: Date }>();
    const { days } = await this.calendarOver([at, ...rows.map((r) => r.receivedAt)]);
    const empty = () => Object.fromEntries(AGEING_BUCKETS.map((b) => [b.key, 0])) as Record<string, number>;
    const all = empty();
    const perProcedure = new Map<string, Record<string, number>>();
    for (const row of rows) {
      const bucket = bucketOf(days.between(row.receivedAt, at));
      all[bucket]++;
      const p = perProcedure.get(row.procedure) ?? empty();
      p[bucket]++;
      perProcedure.set(row.procedure, p);
    }
    const buckets = (counts: Record<string, number>) =>
      AGEING_BUCKETS.map((b) => ({ bucket: b.key, name: b.name, count: counts[b.key] }));
    return {
      at,
      total: rows.length,
      buckets: buckets(all),
      byProcedure: [...perProcedure.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([procedure, counts]) => ({
          procedure,
          procedureName: PROCEDURE_NAMES[procedure] ?? procedure,
          buckets: buckets(counts),
        })),
    };
  }

  /** Open cases by the escalation they have reached (督办 level 1, 2), overall and per procedure. */
  async escalations(principal: Principal, query: BoardQuery) {
    const rows = await this.open(this.filtered(principal, query))
      .andWhere('c.escalation_level > 0')
      .select('c.procedure', 'procedure')
      .addSelect('c.escalation_level', 'level')
      .addSelect('COUNT(*)::int', 'count')
      .groupBy('c.procedure')
      .addGroupBy('c.escalation_level')
      .orderBy('c.procedure')
      .addOrderBy('c.escalation_level')
      .getRawMany<{ procedure: string; level: 1 | 2; count: number }>();
    const levels = ([1, 2] as const).map((level) => ({
      level,
      name: ESCALATION_NAMES[level],
      count: rows.filter((r) => r.level === level).reduce((n, r) => n + r.count, 0),
    }));
    return {
      total: levels.reduce((n, l) => n + l.count, 0),
      levels,
      byProcedure: rows.map((r) => ({
        procedure: r.procedure,
        procedureName: PROCEDURE_NAMES[r.procedure] ?? r.procedure,
        level: r.level,
        name: ESCALATION_NAMES[r.level],
        count: r.count,
      })),
    };
  }

  /**
   * Per department, the cases closed in the period (Beijing dates `from`–`to`, both included):
   * how many, how many on time (every staff step and the case within its limit), the on-time
   * rate, and the median and 90th percentile (nearest rank) of working days from receipt to closing.
   */
  async departments(principal: Principal, query: PeriodQuery) {
    const rows = await this.filtered(principal, query)
      .andWhere('c.closed_at >= :from AND c.closed_at < :toNext', {
        from: `${query.from}T00:00:00+08:00`,
        toNext: new Date(Date.parse(`${query.to}T00:00:00+08:00`) + 86_400_000).toISOString(),
      })
      .select('c.departments', 'departments')
      .addSelect('c.received_at', 'receivedAt')
      .addSelect('c.closed_at', 'closedAt')
      .addSelect('c.met_limit', 'metLimit')
      .getRawMany<Pick<CaseIndexRow, 'departments' | 'receivedAt' | 'closedAt' | 'metLimit'>>();
    const { calendar } = await this.calendarOver(rows.flatMap((r) => [r.receivedAt, r.closedAt]));
    return {
      from: query.from,
      to: query.to,
      closed: rows.length,
      departments: closedByDepartment(rows, calendar, query.department),
    };
  }

  /** The case list with the board's filters, one page. */
  async cases(principal: Principal, query: CaseListQuery) {
    const at = query.at ?? new Date().toISOString();
    const qb = await this.listed(principal, query, at);
    const page = await pageOf(qb, query, (row) => row);
    const { days } = await this.listCalendar(page.items, at);
    return { ...page, at, items: page.items.map((r) => this.item(r, at, days)) };
  }

  /** Every case of the list (for an export), at most EXPORT_MAX_ROWS. */
  async allCases(principal: Principal, query: Omit<CaseExportQuery, 'format'>) {
    const at = query.at ?? new Date().toISOString();
    const qb = await this.listed(principal, query, at);
    const rows = await qb.take(EXPORT_MAX_ROWS + 1).getMany();
    const { days } = await this.listCalendar(rows, at);
    return {
      at,
      truncated: rows.length > EXPORT_MAX_ROWS,
      items: rows.slice(0, EXPORT_MAX_ROWS).map((r) => this.item(r, at, days)),
    };
  }
}

/** An instant a year after `at`: the calendar the due-within bound may reach. */
function dueAfterBound(at: string, workingDays: number): string {
  return new Date(Date.parse(at) + (workingDays / 200 + 1) * 366 * 86_400_000).toISOString();
}
