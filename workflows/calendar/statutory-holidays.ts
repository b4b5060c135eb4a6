import { getSolarDateFromLunar, getSolarTermDate } from 'chinese-days/dist/index.min.js';
import type { CalendarYear } from './types';
import { CalendarError } from './calendar-error';

/** The range of the lunar tables of `chinese-days` (1900 has no preceding lunar year's eve). */
export const STATUTORY_YEAR_MIN = 1901;
export const STATUTORY_YEAR_MAX = 2100;

export const STATUTORY_HOLIDAYS_SOURCE = 'statutory-holidays';

const DAY_MS = 86_400_000;

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function lunarToSolar(year: number, month: number, day: number): string {
  // For a month that has a leap month after it, `date` is the ordinary (non-leap) month.
  return getSolarDateFromLunar(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`)
    .date;
}

/**
 * The days off that 《全国年节及纪念日放假办法》 (as amended 2024-11-10, in force 2025-01-01) fixes
 * for every year, with their names: 元旦 1 day; 春节 4 days (农历除夕, 正月初一至初三); 清明 1 day
 * (the day of the solar term); 劳动节 2 days (May 1–2); 端午 1 day (五月初五); 中秋 1 day (八月十五);
 * 国庆 3 days (Oct 1–3). Lunar dates and the solar term come from `chinese-days`, not from our own
 * astronomy. A day off that falls on a weekend is listed too; which weekday is given in lieu is
 * the State Council's yearly decision and is not guessed here.
 */
export function statutoryHolidays(year: number): Record<string, string> {
  if (!Number.isInteger(year) || year < STATUTORY_YEAR_MIN || year > STATUTORY_YEAR_MAX) {
    throw new CalendarError(
      'YEAR_OUT_OF_RANGE',
      `无法推算 ${year} 年的法定节假日（支持 ${STATUTORY_YEAR_MIN}–${STATUTORY_YEAR_MAX} 年）。`,
    );
  }
  const springFestival = lunarToSolar(year, 1, 1);
  const days: Array<[string, string]> = [
    [`${year}-01-01`, '元旦'],
    [shiftDate(springFestival, -1), '春节（除夕）'],
    [springFestival, '春节'],
    [shiftDate(springFestival, 1), '春节'],
    [shiftDate(springFestival, 2), '春节'],
    [getSolarTermDate(year, 4, 'pure_brightness'), '清明节'],
    [`${year}-05-01`, '劳动节'],
    [`${year}-05-02`, '劳动节'],
    [lunarToSolar(year, 5, 5), '端午节'],
    [lunarToSolar(year, 8, 15), '中秋节'],
    [`${year}-10-01`, '国庆节'],
    [`${year}-10-02`, '国庆节'],
    [`${year}-10-03`, '国庆节'],
  ];
  // 正月初一 is never before January 21, so 除夕 is always in the same Gregorian year. Two
  // festivals can fall on one day (中秋 on 10-03 in 2028): it is one day off, with both names.
  const labels: Record<string, string> = {};
  for (const [date, name] of days.sort(([a], [b]) => a.localeCompare(b))) {
    labels[date] = labels[date] ? `${labels[date]}、${name}` : name;
  }
  return labels;
}

/** A year without a published arrangement: the statutory holidays, no make-up days, provisional. */
export function provisionalCalendarYear(year: number): CalendarYear {
  const labels = statutoryHolidays(year);
  return {
    year,
    holidays: Object.keys(labels),
    makeupWorkdays: [],
    published: false,
    source: STATUTORY_HOLIDAYS_SOURCE,
    version: 0,
    labels,
  };
}
