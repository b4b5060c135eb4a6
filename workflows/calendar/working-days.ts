import type { CalendarData, ClockStop, DeadlineResult } from './types';

/**
 * Working-day arithmetic for statutory time limits (Asia/Shanghai, which has no daylight saving,
 * so a fixed +08:00 offset is exact). Pure and deterministic: safe in workflow code.
 *
 * Rules (domain: "Working days"):
 * - a working day is a make-up working day, or a weekday that is not a holiday;
 * - counting starts the day after the starting instant (the first day is not counted), also when
 *   the start falls on a day off;
 * - the deadline is the end of the last counted working day;
 * - days from the date a clock stop began through the date it ended (both inclusive) do not
 *   count: time spent waiting for the applicant (补正) is not the office's time.
 */
const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
/** Longest span a count may walk (guards against a calendar with no working days). */
const MAX_SCAN_DAYS = 366 * 20;

export class CalendarError extends Error {
  constructor(
    readonly code: 'INVALID_INSTANT' | 'INVALID_COUNT' | 'CLOCK_STOPPED' | 'NO_WORKING_DAYS',
    message: string,
  ) {
    super(message);
    this.name = 'CalendarError';
  }
}

function parseInstant(instant: string): number {
  const ms = Date.parse(instant);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(instant) || Number.isNaN(ms)) {
    throw new CalendarError(
      'INVALID_INSTANT',
      `不是有效的时间：${instant}（应为 ISO 8601 格式，如 2026-10-09T09:30:00+08:00）`,
    );
  }
  return ms;
}

/** Day number (days since 1970-01-01) of the Beijing calendar date an instant falls on. */
function localDayNumber(ms: number): number {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
}

export function dayNumberToDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function dateToDayNumber(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** The Beijing calendar date (YYYY-MM-DD) of an ISO instant. */
export function shanghaiDate(instant: string): string {
  return dayNumberToDate(localDayNumber(parseInstant(instant)));
}

/** End of a Beijing calendar day as an ISO instant: 23:59:59.999+08:00. */
export function endOfShanghaiDay(date: string): string {
  return new Date((dateToDayNumber(date) + 1) * DAY_MS - SHANGHAI_OFFSET_MS - 1).toISOString();
}

function yearOf(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

export function isWorkingDay(date: string, calendar: CalendarData): boolean {
  const year = calendar[Number(date.slice(0, 4))];
  if (year?.makeupWorkdays.includes(date)) return true;
  if (year?.holidays.includes(date)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

function stoppedDays(stops: ClockStop[]): Array<[number, number]> {
  return stops.map((stop) => {
    if (!stop.to) {
      throw new CalendarError('CLOCK_STOPPED', '计时已中止（等待补正），恢复计时前无法计算期限。');
    }
    const from = localDayNumber(parseInstant(stop.from));
    const to = localDayNumber(parseInstant(stop.to));
    return [Math.min(from, to), Math.max(from, to)];
  });
}

function counts(day: number, calendar: CalendarData, stopped: Array<[number, number]>): boolean {
  if (stopped.some(([from, to]) => day >= from && day <= to)) return false;
  return isWorkingDay(dayNumberToDate(day), calendar);
}

function touchesProvisional(firstDay: number, lastDay: number, calendar: CalendarData): boolean {
  for (let y = yearOf(firstDay); y <= yearOf(lastDay); y++) {
    if (!calendar[y]?.published) return true;
  }
  return false;
}

/** The deadline N working days after `from` (see the rules above). */
export function addWorkingDays(
  from: string,
  workingDays: number,
  calendar: CalendarData,
  options: { clockStops?: ClockStop[] } = {},
): DeadlineResult {
  if (!Number.isInteger(workingDays) || workingDays < 0) {
    throw new CalendarError('INVALID_COUNT', `工作日数必须是不小于 0 的整数，收到：${workingDays}`);
  }
  const startDay = localDayNumber(parseInstant(from));
  const stopped = stoppedDays(options.clockStops ?? []);
  let day = startDay;
  let counted = 0;
  while (counted < workingDays) {
    day++;
    if (day - startDay > MAX_SCAN_DAYS) {
      throw new CalendarError('NO_WORKING_DAYS', '日历中在可计算范围内没有足够的工作日。');
    }
    if (counts(day, calendar, stopped)) counted++;
  }
  const due = dayNumberToDate(day);
  return { due: endOfShanghaiDay(due), provisional: touchesProvisional(startDay, day, calendar) };
}

/**
 * Working days elapsed after `from` up to and including the day of `to` (0 when `to` is on the
 * same day or earlier), excluding stopped days.
 */
export function workingDaysBetween(
  from: string,
  to: string,
  calendar: CalendarData,
  options: { clockStops?: ClockStop[] } = {},
): { workingDays: number; provisional: boolean } {
  const startDay = localDayNumber(parseInstant(from));
  const endDay = localDayNumber(parseInstant(to));
  const stopped = stoppedDays(options.clockStops ?? []);
  let n = 0;
  for (let day = startDay + 1; day <= endDay; day++) if (counts(day, calendar, stopped)) n++;
  return { workingDays: n, provisional: endDay > startDay && touchesProvisional(startDay, endDay, calendar) };
}

/** Calendar years a count from `from` over `workingDays` may touch (to load them beforehand). */
export function yearsSpanned(from: string, workingDays: number): number[] {
  const start = yearOf(localDayNumber(parseInstant(from)));
  // Fewer than ~250 working days in a year: one more year per 200 requested, plus slack.
  const end = start + Math.ceil(workingDays / 200) + 1;
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
}
