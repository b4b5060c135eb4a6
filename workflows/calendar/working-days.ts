import { CalendarError } from './calendar-error';
import { provisionalCalendarYear } from './statutory-holidays';
import type { CalendarData, CalendarYear, ClockStop, DayDescription, DeadlineResult } from './types';

export { CalendarError } from './calendar-error';

/**
 * Working-day arithmetic for statutory time limits (Asia/Shanghai, which has no daylight saving,
 * so a fixed +08:00 offset is exact). Pure and deterministic: safe in workflow code.
 *
 * Rules (domain: "Working days"):
 * - a working day is a make-up working day (调休上班), or a weekday that is not a holiday;
 * - a year absent from the calendar data, or present with `published: false`, counts the
 *   statutory holidays of the holiday law and no make-up days, and makes the result provisional;
 * - counting starts the day after the starting instant (the first day is not counted), also when
 *   the start falls on a day off;
 * - the deadline is the end of the last counted working day (23:59:59.999 Beijing time);
 * - clock stops (补正: waiting for the applicant): a day during any part of which the clock
 *   stood still is not counted, so the deadline moves out by the working days the clock touched.
 *   The day the request for materials went out and the day they arrived are both excluded: the
 *   applicant's time is not the office's, and counting resumes the day after the materials
 *   arrive, just as it starts the day after receipt.
 */
const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
/** Longest span a count may walk (guards against a calendar with no working days). */
const MAX_SCAN_DAYS = 366 * 20;

/**
 * An instant with an explicit offset. A local time without one would be read in the host's
 * time zone, which differs between machines: refused.
 */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseInstant(instant: string): number {
  const ms = typeof instant === 'string' && ISO_INSTANT.test(instant) ? Date.parse(instant) : NaN;
  if (Number.isNaN(ms)) {
    throw new CalendarError(
      'INVALID_INSTANT',
      `不是有效的时间：${String(instant)}（应为带时区的 ISO 8601 格式，如 2026-10-09T09:30:00+08:00）`,
    );
  }
  return ms;
}

function parseDate(date: string): number {
  const ms = typeof date === 'string' && ISO_DATE.test(date) ? Date.parse(`${date}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new CalendarError(
      'INVALID_DATE',
      `不是有效的日期：${String(date)}（应为 YYYY-MM-DD，如 2026-10-01）`,
    );
  }
  return ms / DAY_MS;
}

/** Day number (days since 1970-01-01) of the Beijing calendar date an instant falls on. */
function localDayNumber(ms: number): number {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
}

export function dayNumberToDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function dateToDayNumber(date: string): number {
  return parseDate(date);
}

/** The Beijing calendar date (YYYY-MM-DD) of an ISO instant. */
export function shanghaiDate(instant: string): string {
  return dayNumberToDate(localDayNumber(parseInstant(instant)));
}

/** End of a Beijing calendar day as an ISO instant: 23:59:59.999+08:00. */
export function endOfShanghaiDay(date: string): string {
  return new Date((parseDate(date) + 1) * DAY_MS - SHANGHAI_OFFSET_MS - 1).toISOString();
}

function yearOf(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

interface YearIndex {
  holidays: Set<string>;
  makeup: Set<string>;
  published: boolean;
  labels: Record<string, string>;
}

const indexed = new WeakMap<CalendarYear, YearIndex>();
const provisionalYears = new Map<number, CalendarYear>();

function yearData(year: number, calendar: CalendarData): CalendarYear {
  const given = calendar[year];
  if (given) return given;
  let computed = provisionalYears.get(year);
  if (!computed) {
    computed = provisionalCalendarYear(year);
    provisionalYears.set(year, computed);
  }
  return computed;
}

function yearIndex(year: number, calendar: CalendarData): YearIndex {
  const data = yearData(year, calendar);
  let index = indexed.get(data);
  if (!index) {
    index = {
      holidays: new Set(data.holidays),
      makeup: new Set(data.makeupWorkdays),
      published: data.published,
      labels: data.labels ?? {},
    };
    indexed.set(data, index);
  }
  return index;
}

function describe(day: number, calendar: CalendarData): DayDescription {
  const date = dayNumberToDate(day);
  const index = yearIndex(yearOf(day), calendar);
  const label = index.labels[date];
  const base = { date, provisional: !index.published, ...(label ? { label } : {}) };
  if (index.makeup.has(date)) return { ...base, working: true, kind: 'makeup-workday' };
  if (index.holidays.has(date)) return { ...base, working: false, kind: 'holiday' };
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  const weekend = weekday === 0 || weekday === 6;
  return { ...base, working: !weekend, kind: weekend ? 'weekend' : 'workday' };
}

/** What kind of day a Beijing date (YYYY-MM-DD) is, and whether that is provisional. */
export function describeDay(date: string, calendar: CalendarData): DayDescription {
  return describe(parseDate(date), calendar);
}

/** Whether a Beijing date (YYYY-MM-DD) is a working day. */
export function isWorkingDay(date: string, calendar: CalendarData): boolean {
  return describe(parseDate(date), calendar).working;
}

type StoppedDays = Array<[number, number]>;

function stoppedDays(stops: ClockStop[]): StoppedDays {
  return stops.map((stop, i) => {
    if (!stop.to) {
      throw new CalendarError('CLOCK_STOPPED', '计时已中止（等待补正），恢复计时前无法计算期限。');
    }
    const from = parseInstant(stop.from);
    const to = parseInstant(stop.to);
    if (to < from) {
      throw new CalendarError(
        'INVALID_CLOCK_STOP',
        `第 ${i + 1} 段中止计时的恢复时间（${stop.to}）早于中止时间（${stop.from}）。`,
      );
    }
    return [localDayNumber(from), localDayNumber(to)];
  });
}

function clockStopsOf(stops: ClockStop[] | { clockStops?: ClockStop[] } | undefined): ClockStop[] {
  if (!stops) return [];
  return Array.isArray(stops) ? stops : (stops.clockStops ?? []);
}

function counts(day: number, calendar: CalendarData, stopped: StoppedDays): boolean {
  if (stopped.some(([from, to]) => day >= from && day <= to)) return false;
  return describe(day, calendar).working;
}

function touchesProvisional(firstDay: number, lastDay: number, calendar: CalendarData): boolean {
  for (let y = yearOf(firstDay); y <= yearOf(lastDay); y++) {
    if (!yearIndex(y, calendar).published) return true;
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
  const stopped = stoppedDays(clockStopsOf(options));
  let day = startDay;
  let counted = 0;
  while (counted < workingDays) {
    day++;
    if (day - startDay > MAX_SCAN_DAYS) {
      throw new CalendarError('NO_WORKING_DAYS', '日历中在可计算范围内没有足够的工作日。');
    }
    if (counts(day, calendar, stopped)) counted++;
  }
  return {
    due: endOfShanghaiDay(dayNumberToDate(day)),
    provisional: touchesProvisional(startDay, day, calendar),
  };
}

/**
 * Working days elapsed after `from` up to and including the Beijing day of `to`, stopped days
 * excluded: 0 on the same day, and negative when `to` is before `from` (e.g. how many working
 * days a step is overdue when asked as `workingDaysBetween(due, now)` the other way round).
 * For n ≥ 1, `workingDaysBetween(from, addWorkingDays(from, n).due)` is n.
 */
export function workingDaysBetween(
  from: string,
  to: string,
  calendar: CalendarData,
  clockStops?: ClockStop[] | { clockStops?: ClockStop[] },
): { workingDays: number; provisional: boolean } {
  const fromDay = localDayNumber(parseInstant(from));
  const toDay = localDayNumber(parseInstant(to));
  const stopped = stoppedDays(clockStopsOf(clockStops));
  const [first, last, sign] = fromDay <= toDay ? [fromDay, toDay, 1] : [toDay, fromDay, -1];
  let n = 0;
  for (let day = first + 1; day <= last; day++) if (counts(day, calendar, stopped)) n++;
  return {
    workingDays: sign * n,
    provisional: last > first && touchesProvisional(first, last, calendar),
  };
}

/** Calendar years a count from `from` over `workingDays` may touch (to load them beforehand). */
export function yearsSpanned(from: string, workingDays: number): number[] {
  const start = yearOf(localDayNumber(parseInstant(from)));
  // Fewer than ~250 working days in a year: one more year per 200 requested, plus slack.
  const end = start + Math.ceil(workingDays / 200) + 1;
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
}
