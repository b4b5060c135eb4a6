import {
  ageInWorkingDays,
  workingDaysLeft,
  workingDaysOver,
  type DueRow,
} from '../../../activities/supervision/supervision-figures';
import { dayNumberToDate, isWorkingDay, type CalendarData } from '../../../workflows/calendar';

/**
 * Working days between instants, counted as `workingDaysBetween` counts them (after the first
 * Beijing day up to and including the last's, negative the other way round; the board has no
 * clock stops), in constant time per count. `workingDaysBetween` walks every day of the span: a
 * board of thousands of open cases received up to two years ago, three counts a case, took
 * seconds (bench/results/supervision-*.md). Here each day is looked up in the calendar once, and
 * a count is the difference of two running totals. The totals are kept for the calendar they
 * were summed on (its content is the key: a new version of a year is another calendar), so the
 * board's requests share them.
 */
export class WorkingDayCounter {
  /** Calendars most recently counted on, by content, oldest first. */
  private static readonly recent = new Map<string, WorkingDayCounter>();
  private static readonly RECENT_MAX = 8;

  /** Day number (days since 1970-01-01, Beijing dates) of `upTo[0]`. */
  private first = 0;
  /** `upTo[i]`: working days from day `first` through day `first + i`, both included. */
  private upTo = new Int32Array(0);

  private constructor(private readonly calendar: CalendarData) {}

  /**
   * The counter of this calendar; `span` (spanOf): the earliest and latest instants the counts
   * will touch, summed at once.
   */
  static on(calendar: CalendarData, span: Date[] = []): WorkingDayCounter {
    const key = JSON.stringify(calendar);
    const counter = WorkingDayCounter.recent.get(key) ?? new WorkingDayCounter(calendar);
    WorkingDayCounter.recent.delete(key);
    WorkingDayCounter.recent.set(key, counter);
    if (WorkingDayCounter.recent.size > WorkingDayCounter.RECENT_MAX) {
      WorkingDayCounter.recent.delete(WorkingDayCounter.recent.keys().next().value!);
    }
    if (span.length > 0) counter.cover(Math.min(...span.map(dayOf)), Math.max(...span.map(dayOf)));
    return counter;
  }

  /** Working days after `from`'s Beijing day up to `to`'s (0 on the same day). */
  between(from: Date | string, to: Date | string): number {
    const a = dayOf(from);
    const b = dayOf(to);
    const [low, high, sign] = a <= b ? [a, b, 1] : [b, a, -1];
    this.cover(low, high);
    return sign * (this.upTo[high - this.first] - this.upTo[low - this.first]);
  }

  /** Extends the running totals to days `low`–`high`. */
  private cover(low: number, high: number): void {
    const last = this.first + this.upTo.length - 1;
    if (this.upTo.length > 0 && low >= this.first && high <= last) return;
    const first = this.upTo.length > 0 ? Math.min(low, this.first) : low;
    const end = this.upTo.length > 0 ? Math.max(high, last) : high;
    const upTo = new Int32Array(end - first + 1);
    let total = 0;
    for (let day = first; day <= end; day++) {
      if (isWorkingDay(dayNumberToDate(day), this.calendar)) total++;
      upTo[day - first] = total;
    }
    this.first = first;
    this.upTo = upTo;
  }
}

const DAY_MS = 86_400_000;
/** Asia/Shanghai keeps +08:00 all year (no daylight saving), as workflows/calendar counts. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** Day number of the Beijing date an instant falls on (workflows/calendar's day numbers). */
function dayOf(instant: Date | string): number {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${String(instant)}`);
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/**
 * The earliest and the latest of the instants (all `yearsOf` reads of them: the years from the
 * first to the year after the last), so the calendar of thousands of rows is found in one pass.
 */
export function spanOf(instants: Iterable<Date | string | null | undefined>): Date[] {
  let first = Infinity;
  let last = -Infinity;
  for (const i of instants) {
    if (!i) continue;
    const ms = typeof i === 'string' ? Date.parse(i) : i.getTime();
    if (ms < first) first = ms;
    if (ms > last) last = ms;
  }
  return first === Infinity ? [] : [new Date(first), new Date(last)];
}

/**
 * A case's working-day figures at `at`, by the rules of activities/supervision/supervision-figures
 * counted on the counter; the unit test test/unit/supervision-working-day-counter.test.ts holds
 * the counter to the calendar's answers.
 */
export function caseWorkingDays(
  row: DueRow,
  at: string,
  days: WorkingDayCounter,
): { workingDaysOver: number | null; workingDaysLeft: number | null; ageWorkingDays: number } {
  const count = (from: Date | string, to: Date | string) => days.between(from, to);
  return {
    workingDaysOver: workingDaysOver(row, at, count),
    workingDaysLeft: workingDaysLeft(row, at, count),
    ageWorkingDays: ageInWorkingDays(row, at, count),
  };
}
