import chineseDays from 'chinese-days';
import type { CalendarYear } from '../../workflows/calendar';
import { dateToDayNumber, dayNumberToDate } from '../../workflows/calendar';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const PACKAGE_VERSION: string = require('chinese-days/package.json').version;
export const PACKAGE_SOURCE = `chinese-days@${PACKAGE_VERSION}`;

interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const RAW: ChineseDaysData = require('chinese-days/dist/chinese-days.json');

/**
 * The years whose official arrangement (State Council notice) the maintained `chinese-days`
 * package carries, as calendar data. Nothing here is typed in by hand.
 */
export function publishedYearsFromPackage(): CalendarYear[] {
  const byYear = new Map<number, CalendarYear>();
  const yearEntry = (date: string) => {
    const year = Number(date.slice(0, 4));
    let entry = byYear.get(year);
    if (!entry) {
      entry = { year, holidays: [], makeupWorkdays: [], published: true, source: PACKAGE_SOURCE, version: 0 };
      byYear.set(year, entry);
    }
    return entry;
  };
  for (const date of Object.keys(RAW.holidays)) yearEntry(date).holidays.push(date);
  for (const date of Object.keys(RAW.workdays)) yearEntry(date).makeupWorkdays.push(date);
  return [...byYear.values()]
    .map((y) => ({ ...y, holidays: y.holidays.sort(), makeupWorkdays: y.makeupWorkdays.sort() }))
    .sort((a, b) => a.year - b.year);
}

function lunarToSolar(year: number, month: number, day: number): string {
  const lunar = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return chineseDays.getSolarDateFromLunar(lunar).date;
}

function qingming(year: number): string {
  const term = chineseDays
    .getSolarTermsInRange(`${year}-04-01`, `${year}-04-10`)
    .find((t) => t.term === 'pure_brightness' && t.index === 1);
  if (!term) throw new Error(`no 清明 solar term found in April ${year}`);
  return term.date;
}

/**
 * For a year whose arrangement is not published yet: the statutory holidays fixed by
 * 《全国年节及纪念日放假办法》 as amended in 2024 (in force 2025-01-01) — 元旦 1 day, 春节 4 days
 * (除夕 and 正月初一 to 初三), 清明 1 day (the solar term), 劳动节 2 days, 端午 1 day, 中秋 1 day,
 * 国庆 3 days — with no make-up working days. Lunar dates and the solar term come from the
 * `chinese-days` library.
 */
export function provisionalYear(year: number): CalendarYear {
  const springFestival = lunarToSolar(year, 1, 1);
  const sf = dateToDayNumber(springFestival);
  const holidays = [
    `${year}-01-01`,
    dayNumberToDate(sf - 1),
    springFestival,
    dayNumberToDate(sf + 1),
    dayNumberToDate(sf + 2),
    qingming(year),
    `${year}-05-01`,
    `${year}-05-02`,
    lunarToSolar(year, 5, 5),
    lunarToSolar(year, 8, 15),
    `${year}-10-01`,
    `${year}-10-02`,
    `${year}-10-03`,
  ].filter((d) => d.startsWith(`${year}-`)); // 除夕 may fall in the previous year
  return {
    year,
    holidays: [...new Set(holidays)].sort(),
    makeupWorkdays: [],
    published: false,
    source: 'statutory-holidays',
    version: 0,
  };
}
