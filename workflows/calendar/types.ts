/**
 * The working-day calendar as data (法定节假日 and 调休上班日 per year). Pure types: usable inside
 * Temporal workflow code, which receives the calendar as input and never loads it itself.
 */
export interface CalendarYear {
  year: number;
  /** Days off (YYYY-MM-DD) beyond ordinary weekends, weekend days inside a holiday included. */
  holidays: string[];
  /** Weekend days that are working days (调休上班). */
  makeupWorkdays: string[];
  /**
   * true: the State Council's arrangement for this year (or an admin's declaration of it);
   * false: only the statutory holidays the holiday law fixes, no make-up days (provisional).
   */
  published: boolean;
  /** Where the data comes from, e.g. `chinese-days@1.5.7`, `admin`, `statutory-holidays`. */
  source: string;
  /** Version of this year's data; every change is a new version. */
  version: number;
  /** Optional name of each listed day (e.g. `2026-10-01`: 国庆节), for display only. */
  labels?: Record<string, string>;
}

/**
 * Calendar years by year. A year that is absent is counted with the statutory holidays of the
 * holiday law and no make-up days (see statutory-holidays.ts), and is provisional.
 */
export type CalendarData = Record<number, CalendarYear>;

/** An interval during which a time limit does not run (e.g. waiting for the applicant's 补正). */
export interface ClockStop {
  from: string;
  /** Absent while the clock is still stopped. */
  to?: string;
}

export interface DeadlineResult {
  /** End of the last working day (23:59:59.999 Asia/Shanghai) as an ISO instant. */
  due: string;
  /** A year touched by the count has no published arrangement yet. */
  provisional: boolean;
}

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup-workday';

export interface DayDescription {
  date: string;
  working: boolean;
  kind: DayKind;
  /** The day's year has no published arrangement yet. */
  provisional: boolean;
  label?: string;
}
