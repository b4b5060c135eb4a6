/**
 * The figures of a quarterly supervision report (督查季度报告), as stored in
 * `quarterly_report.figures` and answered by `GET /api/supervision/reports/:id`. Types only, so
 * the workflow, the activities, the entity and the API share one shape.
 */

export interface ReportStatusCount {
  procedure: string;
  procedureName: string;
  department: string;
  status: string;
  statusName: string;
  count: number;
}

export interface ReportDepartmentFigures {
  department: string;
  closed: number;
  closedOnTime: number;
  /** Fraction with 4 decimals; null when the department closed nothing. */
  onTimeRate: number | null;
  medianWorkingDays: number | null;
  /** Nearest rank. */
  p90WorkingDays: number | null;
}

/** An overdue case, named. */
export interface ReportOverdueCase {
  procedure: string;
  procedureName: string;
  caseId: string;
  caseNo: string;
  /** The department that must act: the current step's, or the office's when the step names none. */
  department: string;
  stepName: string | null;
  /** The limit passed first (the step's or the whole case's). */
  dueAt: string;
  /** Working days over at the report's `countedUntil`; 0 on the day it fell due. */
  workingDaysOver: number;
  escalationLevel: number;
}

export interface ReportEscalations {
  total: number;
  levels: { level: 1 | 2; name: string; count: number }[];
  byProcedure: { procedure: string; procedureName: string; level: 1 | 2; name: string; count: number }[];
}

export interface QuarterlyReportFigures {
  jurisdiction: string;
  jurisdictionName: string;
  quarter: string;
  /** Counted after this instant (the previous quarter's cut-off)… */
  periodFrom: string;
  /** …up to this one. */
  countedUntil: string;
  /** Whether `countedUntil` is the quarter's cut-off (not an early, provisional production). */
  final: boolean;
  /** The seed's deadline: the 1st of the next quarter's first month, 00:00 Beijing time. */
  deadline: string;
  totals: {
    /** Cases of the quarter: received by `countedUntil` and not closed by `periodFrom`. */
    cases: number;
    received: number;
    closed: number;
    openAtEnd: number;
    overdue: number;
  };
  /** Cases of the quarter by procedure × department × status (status at production). */
  counts: ReportStatusCount[];
  /** Per department, cases closed in the period. */
  departments: ReportDepartmentFigures[];
  /** Open at `countedUntil` and past a limit, most working days over first. */
  overdue: ReportOverdueCase[];
  /** Cases of the quarter by the escalation level reached. */
  escalations: ReportEscalations;
}
