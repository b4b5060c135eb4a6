import { calendarYearFromPackage } from '../../activities/calendar/calendar-source';
import { CalendarError, provisionalCalendarYear, statutoryHolidays } from '../../workflows/calendar';

describe('statutory holidays of the holiday law (2025 reform), for years not yet arranged', () => {
  it('lists the 13 days of 2027: 元旦, 春节 eve to 初三, 清明, May 1–2, 端午, 中秋, Oct 1–3', () => {
    expect(statutoryHolidays(2027)).toEqual({
      '2027-01-01': '元旦',
      '2027-02-05': '春节（除夕）',
      '2027-02-06': '春节',
      '2027-02-07': '春节',
      '2027-02-08': '春节',
      '2027-04-05': '清明节',
      '2027-05-01': '劳动节',
      '2027-05-02': '劳动节',
      '2027-06-09': '端午节',
      '2027-09-15': '中秋节',
      '2027-10-01': '国庆节',
      '2027-10-02': '国庆节',
      '2027-10-03': '国庆节',
    });
  });

  it('takes 端午 2028 from the ordinary fifth month, not the leap one (05-28, not 06-27)', () => {
    const days = statutoryHolidays(2028);
    expect(days['2028-05-28']).toBe('端午节');
    expect(days['2028-06-27']).toBeUndefined();
    expect(days['2028-10-03']).toBe('中秋节、国庆节');
    expect(Object.keys(days)).toHaveLength(12);
  });

  it('follows the 清明 solar term (04-04 in 2025, 04-05 in 2026)', () => {
    expect(statutoryHolidays(2025)['2025-04-04']).toBe('清明节');
    expect(statutoryHolidays(2026)['2026-04-05']).toBe('清明节');
  });

  it('puts 除夕 on the last day of the lunar year, also when 腊月 has 29 days (2025-01-28)', () => {
    expect(statutoryHolidays(2025)['2025-01-28']).toBe('春节（除夕）');
  });

  it('agrees with the State Council arrangements of 2025 and 2026: every statutory day is a day off there', () => {
    for (const year of [2025, 2026]) {
      const published = new Set(calendarYearFromPackage(year)!.holidays);
      expect(Object.keys(statutoryHolidays(year)).filter((d) => !published.has(d))).toEqual([]);
    }
  });

  it('builds a provisional year with no make-up days', () => {
    expect(provisionalCalendarYear(2029)).toMatchObject({
      year: 2029,
      published: false,
      makeupWorkdays: [],
      source: 'statutory-holidays',
    });
    expect(provisionalCalendarYear(2029).holidays).toContain('2029-02-12'); // 除夕 of 2029
  });

  it('refuses years outside the lunar tables', () => {
    expect(() => statutoryHolidays(2101)).toThrow(CalendarError);
    expect(() => statutoryHolidays(1900)).toThrow(/1901–2100/);
    expect(() => statutoryHolidays(2027.5)).toThrow(CalendarError);
  });
});
