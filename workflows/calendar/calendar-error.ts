export type CalendarErrorCode =
  | 'INVALID_INSTANT'
  | 'INVALID_DATE'
  | 'INVALID_COUNT'
  | 'INVALID_CLOCK_STOP'
  | 'CLOCK_STOPPED'
  | 'NO_WORKING_DAYS'
  | 'YEAR_OUT_OF_RANGE';

/** A refused calendar computation: a stable code, and a message a caseworker understands. */
export class CalendarError extends Error {
  constructor(
    readonly code: CalendarErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CalendarError';
  }
}
