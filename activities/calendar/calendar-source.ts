import type { CalendarData, CalendarYear } from '../../workflows/calendar';
import { provisionalCalendarYear } from '../../workflows/calendar';

/**
 * Builds calendar data from the maintained `chinese-days` package: its bundled data carries the
 * State Council's yearly arrangements (国务院办公厅关于…部分节假日安排的通知) — days off and
 * make-up working days. Nothing here is typed in by hand; the database is seeded from this and
 * admins add years the package does not have yet.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const PACKAGE_VERSION: string = require('chinese-days/package.json').version;
export const PACKAGE_SOURCE = `chinese-days@${PACKAGE_VERSION}`;

/** `chinese-days.json`: date → "English name,中文名,statutory days", e.g. "National Day,国庆节,3". */
interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const RAW: ChineseDaysData = require('chinese-days/dist/chinese-days.json');

function chineseName(entry: string): string {
  return entry.split(',')[1] ?? entry;
}

function buildPublishedYears(): Map<number, CalendarYear> {
  const byYear = new Map<number, CalendarYear & { labels: Record<string, string> }>();
  const yearEntry = (date: string) => {
    const year = Number(date.slice(0, 4));
    let entry = byYear.get(year);
    if (!entry) {
      entry = {
        year,
        holidays: [],
        makeupWorkdays: [],
        published: true,
        source: PACKAGE_SOURCE,
        version: 1,
        labels: {},
      };
      byYear.set(year, entry);
    }
    return entry;
  };
  for (const [date, entry] of Object.entries(RAW.holidays)) {
    const year = yearEntry(date);
    year.holidays.push(date);
    year.labels[date] = chineseName(entry);
  }
  for (const [date, entry] of Object.entries(RAW.workdays)) {
    const year = yearEntry(date);
    year.makeupWorkdays.push(date);
    year.labels[date] = `${chineseName(entry)}（调休上班）`;
  }
  for (const year of byYear.values()) {
    year.holidays.sort();
    year.makeupWorkdays.sort();
  }
  return byYear;
}

const PUBLISHED = buildPublishedYears();

/** The years whose official arrangement the package carries (2004–2026 in chinese-days 1.5.7). */
export function packageYears(): number[] {
  return [...PUBLISHED.keys()].sort((a, b) => a - b);
}

/** Every year the package carries, as published calendar data (version 1, source = package). */
export function publishedYearsFromPackage(): CalendarYear[] {
  return packageYears().map((year) => clone(PUBLISHED.get(year)!));
}

/** One year from the package, or undefined when the package does not carry it. */
export function calendarYearFromPackage(year: number): CalendarYear | undefined {
  const found = PUBLISHED.get(year);
  return found ? clone(found) : undefined;
}

/**
 * Calendar data for these years: the package's arrangement where it has one, otherwise the
 * provisional statutory-holiday year (published: false).
 */
export function calendarFromPackage(years: number[]): CalendarData {
  return Object.fromEntries(years.map((y) => [y, calendarYearFromPackage(y) ?? provisionalCalendarYear(y)]));
}

/** A year without a published arrangement (see workflows/calendar/statutory-holidays.ts). */
export function provisionalYear(year: number): CalendarYear {
  return provisionalCalendarYear(year);
}

function clone(year: CalendarYear): CalendarYear {
  return {
    ...year,
    holidays: [...year.holidays],
    makeupWorkdays: [...year.makeupWorkdays],
    ...(year.labels ? { labels: { ...year.labels } } : {}),
  };
}
