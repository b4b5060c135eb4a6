/**
 * The working-day calendar as data (法定节假日 and 调休上班日 per year). Pure types: usable inside
 * Temporal workflow code, which receives the calendar as input and never loads it itself.
 */
export interface CalendarYear {
  year: number;
  /** Days off (YYYY-MM-DD) beyond ordinary weekends. */
  holidays: string[];
  /** Weekend days that are working days (调休上班). */
  makeupWorkdays: string[];
  /**
   * true: the State Council's arrangement for this year (or an admin's declaration of it);
   * false: only the statutory holidays the holiday law fixes, no make-up days (provisional).
   */
  published: boolean;
  source: string;
  version: number;
}

/** Calendar years by year. A year that is absent counts weekends only and is provisional. */
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
