import type { CalendarData } from '../../workflows/calendar';
import type {
  QuarterlyReportFigures,
  ReportEscalations,
  ReportOverdueCase,
} from '../../workflows/supervision/report-figures';
import {
  closedByDepartment,
  countsByProcedureDepartmentStatus,
  ESCALATION_NAMES,
  workingDaysOver,
  type FigureRow,
} from './supervision-figures';

/** What the quarterly figures read of a `case_index` row. */
export interface ReportRow extends FigureRow {
  caseId: string;
  caseNo: string;
  officeDepartment: string;
  currentStepName: string | null;
  currentStepDepartment: string | null;
}

export interface ReportContext {
  jurisdiction: string;
  jurisdictionName: string;
  quarter: string;
  periodFrom: string;
  countedUntil: string;
  final: boolean;
  deadline: string;
  procedureNames: Record<string, string>;
}

const ms = (d: Date | null) => (d ? d.getTime() : null);

/**
 * The quarter's figures over the jurisdiction's index rows (the board's figures, counted over the
 * report's period): a case belongs to the quarter when it was received by `countedUntil` and not
 * closed by `periodFrom`; "closed" counts closings in the period (after `periodFrom`, up to
 * `countedUntil`); overdue are the cases still open at `countedUntil` whose limit passed by then.
 */
export function quarterlyFigures(
  rows: ReportRow[],
  calendar: CalendarData,
  ctx: ReportContext,
): QuarterlyReportFigures {
  const from = Date.parse(ctx.periodFrom);
  const until = Date.parse(ctx.countedUntil);
  const name = (procedure: string) => ctx.procedureNames[procedure] ?? procedure;
  const ofQuarter = rows.filter(
    (r) => r.receivedAt.getTime() <= until && (r.closedAt === null || r.closedAt.getTime() > from),
  );
  const closed = ofQuarter.filter((r) => r.closedAt !== null && r.closedAt.getTime() <= until);
  // As the quarter's end saw it: a case closed after `countedUntil` was still open then.
  const openAtEnd = ofQuarter
    .filter((r) => r.closedAt === null || r.closedAt.getTime() > until)
    .map((r) => ({ ...r, closedAt: null }));

  const overdue: ReportOverdueCase[] = [];
  for (const row of openAtEnd) {
    const passed = [ms(row.stepDueAt), ms(row.caseDueAt)].filter((d): d is number => d !== null && d < until);
    if (!row.overdue || passed.length === 0) continue;
    overdue.push({
      procedure: row.procedure,
      procedureName: name(row.procedure),
      caseId: row.caseId,
      caseNo: row.caseNo,
      department: row.currentStepDepartment ?? row.officeDepartment,
      stepName: row.currentStepName,
      dueAt: new Date(Math.min(...passed)).toISOString(),
      workingDaysOver: workingDaysOver(row, ctx.countedUntil, calendar) ?? 0,
      escalationLevel: row.escalationLevel,
    });
  }
  overdue.sort((a, b) => b.workingDaysOver - a.workingDaysOver || a.caseNo.localeCompare(b.caseNo));

  return {
    jurisdiction: ctx.jurisdiction,
    jurisdictionName: ctx.jurisdictionName,
    quarter: ctx.quarter,
    periodFrom: ctx.periodFrom,
    countedUntil: ctx.countedUntil,
    final: ctx.final,
    deadline: ctx.deadline,
    totals: {
      cases: ofQuarter.length,
      received: ofQuarter.filter((r) => r.receivedAt.getTime() > from).length,
      closed: closed.length,
      openAtEnd: openAtEnd.length,
      overdue: overdue.length,
    },
    counts: countsByProcedureDepartmentStatus(ofQuarter).map((c) => ({
      ...c,
      procedureName: name(c.procedure),
    })),
    departments: closedByDepartment(closed, calendar),
    overdue,
    escalations: escalationsOf(ofQuarter, name),
  };
}

function escalationsOf(rows: ReportRow[], name: (procedure: string) => string): ReportEscalations {
  const per = new Map<string, number>();
  for (const row of rows) {
    if (row.escalationLevel !== 1 && row.escalationLevel !== 2) continue;
    const key = JSON.stringify([row.procedure, row.escalationLevel]);
    per.set(key, (per.get(key) ?? 0) + 1);
  }
  const byProcedure = [...per.entries()]
    .map(([key, count]) => {
      const [procedure, level] = JSON.parse(key) as [string, 1 | 2];
      return { procedure, procedureName: name(procedure), level, name: ESCALATION_NAMES[level], count };
    })
    .sort((a, b) => a.procedure.localeCompare(b.procedure) || a.level - b.level);
  const levels = ([1, 2] as const).map((level) => ({
    level,
    name: ESCALATION_NAMES[level],
    count: byProcedure.filter((p) => p.level === level).reduce((n, p) => n + p.count, 0),
  }));
  return { total: levels.reduce((n, l) => n + l.count, 0), levels, byProcedure };
}
