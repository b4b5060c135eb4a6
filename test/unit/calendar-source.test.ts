import {
  calendarFromPackage,
  calendarYearFromPackage,
  PACKAGE_SOURCE,
  packageYears,
  publishedYearsFromPackage,
} from '../../activities/calendar/calendar-source';

describe('calendar data built from the chinese-days package', () => {
  it('covers every year from 2004 to at least 2026 without gaps', () => {
    const years = packageYears();
    expect(years[0]).toBe(2004);
    expect(years[years.length - 1]).toBeGreaterThanOrEqual(2026);
    expect(years).toEqual(Array.from({ length: years.length }, (_, i) => 2004 + i));
  });

  it('carries the 2026 National Day break and its make-up days as published data from the package', () => {
    const y2026 = calendarYearFromPackage(2026)!;
    expect(y2026).toMatchObject({ year: 2026, published: true, source: PACKAGE_SOURCE, version: 1 });
    expect(PACKAGE_SOURCE).toMatch(/^chinese-days@\d+\.\d+\.\d+$/);
    expect(y2026.holidays.filter((d) => d.startsWith('2026-10'))).toEqual([
      '2026-10-01',
      '2026-10-02',
      '2026-10-03',
      '2026-10-04',
      '2026-10-05',
      '2026-10-06',
      '2026-10-07',
    ]);
    expect(y2026.makeupWorkdays).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
    expect(y2026.labels?.['2026-10-01']).toBe('国庆节');
  });

  it('holds consistent years: no day both off and working, make-up days only on weekends, sorted', () => {
    const problems: string[] = [];
    for (const year of publishedYearsFromPackage()) {
      const off = new Set(year.holidays);
      for (const day of year.makeupWorkdays) {
        if (off.has(day)) problems.push(`${day} both off and working`);
        const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
        if (weekday !== 0 && weekday !== 6) problems.push(`${day} make-up day on a weekday`);
      }
      if ([...year.holidays].sort().join() !== year.holidays.join()) problems.push(`${year.year} unsorted`);
      if ([...year.holidays, ...year.makeupWorkdays].some((d) => !d.startsWith(`${year.year}-`)))
        problems.push(`${year.year} holds days of another year`);
    }
    expect(problems).toEqual([]);
  });

  it('falls back to the provisional statutory year for years the package does not carry', () => {
    const data = calendarFromPackage([2026, 2027]);
    expect(data[2026].published).toBe(true);
    expect(data[2027]).toMatchObject({ published: false, source: 'statutory-holidays', makeupWorkdays: [] });
    expect(calendarYearFromPackage(2027)).toBeUndefined();
  });

  it('hands out copies, so a caller cannot change the next caller’s data', () => {
    calendarYearFromPackage(2026)!.holidays.push('2026-12-25');
    expect(calendarYearFromPackage(2026)!.holidays).not.toContain('2026-12-25');
  });
});
