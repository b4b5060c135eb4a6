import { provisionalYear, publishedYearsFromPackage } from '../../activities/calendar/calendar-source';
import {
  addWorkingDays,
  CalendarData,
  CalendarError,
  isWorkingDay,
  shanghaiDate,
  workingDaysBetween,
} from '../../workflows/calendar';

const published: CalendarData = Object.fromEntries(publishedYearsFromPackage().map((y) => [y.year, y]));
const calendar: CalendarData = { ...published, 2027: provisionalYear(2027), 2028: provisionalYear(2028) };
const due = (from: string, n: number, stops?: { from: string; to?: string }[]) =>
  addWorkingDays(from, n, calendar, { clockStops: stops });

describe('working days (Asia/Shanghai, State Council arrangements from chinese-days)', () => {
  it('knows 2025 Spring Festival days off and the make-up Sundays/Saturdays', () => {
    expect(isWorkingDay('2025-01-28', calendar)).toBe(false); // 除夕, a Tuesday
    expect(isWorkingDay('2025-02-04', calendar)).toBe(false);
    expect(isWorkingDay('2025-01-26', calendar)).toBe(true); // Sunday, 调休上班
    expect(isWorkingDay('2025-02-08', calendar)).toBe(true); // Saturday, 调休上班
    expect(isWorkingDay('2025-02-09', calendar)).toBe(false); // ordinary Sunday
  });

  it('does not count the day of receipt and ends at 23:59:59.999 Beijing time', () => {
    // Monday 2026-11-23 10:00 Beijing → 5 working days → Monday 2026-11-30
    expect(due('2026-11-23T02:00:00Z', 5)).toEqual({ due: '2026-11-30T15:59:59.999Z', provisional: false });
  });

  it('uses the Beijing date of an instant late in the UTC day (23:30 Beijing = 15:30Z)', () => {
    // Friday 2026-11-27 23:30 Beijing: counting starts Monday 11-30
    expect(due('2026-11-27T15:30:00Z', 1).due).toBe('2026-11-30T15:59:59.999Z');
    // 16:30Z is already Saturday 00:30 in Beijing: still Monday
    expect(shanghaiDate('2026-11-27T16:30:00Z')).toBe('2026-11-28');
    expect(due('2026-11-27T16:30:00Z', 1).due).toBe('2026-11-30T15:59:59.999Z');
  });

  it('skips National Day 2025: received on the last working day before it, 5 working days end on 2025-10-14', () => {
    // 2025-09-30 (Tue) is the last working day; 10-01..10-08 off; 10-11 (Sat) is a make-up working day
    // Count: 10-09 (1), 10-10 (2), 10-11 Sat 调休 (3), 10-13 (4), 10-14 (5)
    expect(due('2025-09-30T01:00:00Z', 5)).toEqual({ due: '2025-10-14T15:59:59.999Z', provisional: false });
  });

  it('counts across the 2026 Labour Day holiday and its make-up Saturday', () => {
    // 2026: 05-01..05-05 off; 05-09 (Sat) is a make-up working day
    // from Thu 04-30: 05-06 (1), 05-07 (2), 05-08 (3), 05-09 Sat (4), 05-11 (5)
    expect(due('2026-04-30T02:00:00Z', 5).due).toBe('2026-05-11T15:59:59.999Z');
  });

  it('starts counting the day after a receipt on a day off (received on Sunday 2026-02-15)', () => {
    // 2026 Spring Festival: 02-15..02-23 off, 02-14 (Sat) and 02-28 (Sat) are make-up working days
    expect(due('2026-02-15T03:00:00Z', 1).due).toBe('2026-02-24T15:59:59.999Z');
  });

  it('crosses the year boundary into a year without a published arrangement and marks it provisional', () => {
    // 2026-12-31 (Thu) + 2: 2027-01-01 is New Year (statutory), so Mon 01-04 and Tue 01-05
    expect(due('2026-12-31T02:00:00Z', 2)).toEqual({ due: '2027-01-05T15:59:59.999Z', provisional: true });
  });

  it('applies the statutory holidays of a provisional year: 2027 Spring Festival eve to 初三, no make-up days', () => {
    // 2027-02-04 (Thu) + 3: 02-05 (eve, Fri) off, weekend, 02-08 (初三, Mon) off → 02-09, 02-10, 02-11
    expect(due('2027-02-04T02:00:00Z', 3)).toEqual({ due: '2027-02-11T15:59:59.999Z', provisional: true });
    expect(provisionalYear(2027).holidays).toEqual([
      '2027-01-01',
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-04-05',
      '2027-05-01',
      '2027-05-02',
      '2027-06-09',
      '2027-09-15',
      '2027-10-01',
      '2027-10-02',
      '2027-10-03',
    ]);
  });

  it('stops the clock while waiting for materials (补正): stop days do not count', () => {
    // Received Mon 2026-11-02; 补正 requested Wed 11-04, materials arrive Mon 11-09.
    // Counted: 11-03 (1); 11-04..11-09 stopped; 11-10 (2), 11-11 (3), 11-12 (4), 11-13 (5)
    const stops = [{ from: '2026-11-04T01:00:00Z', to: '2026-11-09T03:00:00Z' }];
    expect(due('2026-11-02T02:00:00Z', 5, stops).due).toBe('2026-11-13T15:59:59.999Z');
    expect(due('2026-11-02T02:00:00Z', 5).due).toBe('2026-11-09T15:59:59.999Z');
  });

  it('refuses to compute a deadline while the clock is still stopped', () => {
    expect(() => due('2026-11-02T02:00:00Z', 5, [{ from: '2026-11-04T01:00:00Z' }])).toThrow(CalendarError);
  });

  it('counts working days elapsed between two instants', () => {
    expect(workingDaysBetween('2025-09-30T01:00:00Z', '2025-10-14T08:00:00Z', calendar)).toEqual({
      workingDays: 5,
      provisional: false,
    });
    expect(workingDaysBetween('2026-11-23T01:00:00Z', '2026-11-23T09:00:00Z', calendar).workingDays).toBe(0);
  });

  it('answers 0 working days with the end of the same day, and refuses negative or fractional counts and bad instants', () => {
    expect(due('2026-11-23T02:00:00Z', 0).due).toBe('2026-11-23T15:59:59.999Z');
    expect(() => due('2026-11-23T02:00:00Z', -1)).toThrow(/不小于 0 的整数/);
    expect(() => due('2026-11-23T02:00:00Z', 1.5)).toThrow(CalendarError);
    expect(() => due('yesterday', 1)).toThrow(/不是有效的时间/);
  });

  it('counts a year missing from the calendar as weekends only, provisional', () => {
    expect(addWorkingDays('2030-01-07T02:00:00Z', 5, {})).toEqual({
      due: '2030-01-14T15:59:59.999Z',
      provisional: true,
    });
  });
});
