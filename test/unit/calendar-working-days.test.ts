import { calendarFromPackage, publishedYearsFromPackage } from '../../activities/calendar/calendar-source';
import {
  addWorkingDays,
  CalendarData,
  CalendarError,
  ClockStop,
  describeDay,
  isWorkingDay,
  shanghaiDate,
  workingDaysBetween,
} from '../../workflows/calendar';

/** The package's published years only: 2027 and later are left to the provisional rule. */
const calendar: CalendarData = Object.fromEntries(publishedYearsFromPackage().map((y) => [y.year, y]));
const due = (from: string, n: number, clockStops?: ClockStop[]) =>
  addWorkingDays(from, n, calendar, { clockStops });
const endOfDay = (date: string) => `${date}T15:59:59.999Z`;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof CalendarError ? err.code : `not a CalendarError: ${String(err)}`;
  }
  return undefined;
}

describe('working days from the State Council arrangements (chinese-days)', () => {
  it('treats the 2025 Spring Festival days as off and its make-up Sunday and Saturday as working days', () => {
    expect(isWorkingDay('2025-01-28', calendar)).toBe(false); // 除夕, a Tuesday
    expect(isWorkingDay('2025-02-04', calendar)).toBe(false); // last day of the 8-day break
    expect(isWorkingDay('2025-01-26', calendar)).toBe(true); // Sunday, 调休上班
    expect(isWorkingDay('2025-02-08', calendar)).toBe(true); // Saturday, 调休上班
    expect(isWorkingDay('2025-02-09', calendar)).toBe(false); // ordinary Sunday
    expect(isWorkingDay('2025-02-05', calendar)).toBe(true); // ordinary Wednesday after the break
  });

  it('counts the 2025 make-up Sunday before Labour Day as a working day', () => {
    // Received Friday 2025-04-25: Saturday off, Sunday 04-27 is 调休上班
    expect(due('2025-04-25T09:00:00+08:00', 1)).toEqual({ due: endOfDay('2025-04-27'), provisional: false });
  });

  it('moves a deadline that spans Labour Day 2025 past the five days off', () => {
    // Received Wed 04-30; 05-01..05-05 off: 05-06 (1), 05-07 (2), 05-08 (3), 05-09 (4), Mon 05-12 (5)
    expect(due('2025-04-30T10:00:00+08:00', 5)).toEqual({ due: endOfDay('2025-05-12'), provisional: false });
  });

  it('skips National Day 2026 and counts its make-up Saturday 10-10', () => {
    // 2026: 10-01..10-07 off; Wed 09-30 + 3: 10-08 (1), 10-09 (2), Sat 10-10 调休 (3)
    expect(due('2026-09-30T10:00:00+08:00', 3).due).toBe(endOfDay('2026-10-10'));
    // + 5: Sunday 10-11 off, 10-12 (4), 10-13 (5)
    expect(due('2026-09-30T10:00:00+08:00', 5).due).toBe(endOfDay('2026-10-13'));
    // Friday 09-18 + 1: Sunday 09-20 is a make-up working day for National Day
    expect(due('2026-09-18T10:00:00+08:00', 1).due).toBe(endOfDay('2026-09-20'));
    // Thursday 09-24 + 1: 中秋 09-25..09-27 off → Monday 09-28
    expect(due('2026-09-24T10:00:00+08:00', 1).due).toBe(endOfDay('2026-09-28'));
  });

  it('skips National Day 2025 from the last working day before it', () => {
    // 09-30 (Tue); 10-01..10-08 off; 10-09 (1), 10-10 (2), Sat 10-11 调休 (3), 10-13 (4), 10-14 (5)
    expect(due('2025-09-30T09:00:00+08:00', 5)).toEqual({ due: endOfDay('2025-10-14'), provisional: false });
  });

  it('starts counting the day after a receipt on a day off, holiday or make-up Saturday alike', () => {
    // 2026 Spring Festival: 02-15..02-23 off; 02-14 (Sat) and 02-28 (Sat) are make-up working days
    expect(due('2026-02-15T11:00:00+08:00', 1).due).toBe(endOfDay('2026-02-24')); // Sunday, in the break
    expect(due('2026-02-14T11:00:00+08:00', 1).due).toBe(endOfDay('2026-02-24')); // the make-up Saturday
  });

  it('answers 0 working days with the end of the receipt day', () => {
    expect(due('2026-11-23T10:00:00+08:00', 0)).toEqual({ due: endOfDay('2026-11-23'), provisional: false });
  });
});

describe('end of day, Asia/Shanghai', () => {
  it('uses the Beijing date of a receipt at 23:30 Beijing time (15:30Z)', () => {
    // Thursday 2026-11-26 23:30 Beijing is still Thursday: + 1 → Friday 11-27
    expect(due('2026-11-26T15:30:00Z', 1).due).toBe(endOfDay('2026-11-27'));
    // 16:30Z is Friday 00:30 in Beijing: + 1 → Monday 11-30
    expect(due('2026-11-26T16:30:00Z', 1).due).toBe(endOfDay('2026-11-30'));
    // the same instants written with the +08:00 offset
    expect(due('2026-11-26T23:30:00+08:00', 1).due).toBe(endOfDay('2026-11-27'));
    expect(due('2026-11-27T00:30:00+08:00', 1).due).toBe(endOfDay('2026-11-30'));
  });

  it('puts the deadline at 23:59:59.999 Beijing time, the last millisecond of the day', () => {
    const { due: at } = due('2026-11-23T09:00:00+08:00', 5);
    expect(at).toBe('2026-11-30T15:59:59.999Z');
    expect(shanghaiDate(at)).toBe('2026-11-30');
    expect(shanghaiDate(new Date(Date.parse(at) + 1).toISOString())).toBe('2026-12-01');
  });
});

describe('years without a published arrangement (provisional)', () => {
  it('crosses into 2027 with New Year as a statutory day off and marks the result provisional', () => {
    // Thu 2026-12-31 + 2: 2027-01-01 (Fri) is 元旦 → Mon 01-04, Tue 01-05
    expect(due('2026-12-31T10:00:00+08:00', 2)).toEqual({ due: endOfDay('2027-01-05'), provisional: true });
  });

  it('is not provisional while the count stays inside published years', () => {
    expect(due('2026-12-29T10:00:00+08:00', 2)).toEqual({ due: endOfDay('2026-12-31'), provisional: false });
  });

  it('keeps the 2027 Spring Festival eve to 初三 off with no make-up days', () => {
    // Thu 02-04 + 3: 02-05 (eve, Fri) off, weekend, 02-08 (初三, Mon) off → 02-09, 02-10, 02-11
    expect(due('2027-02-04T10:00:00+08:00', 3)).toEqual({ due: endOfDay('2027-02-11'), provisional: true });
  });

  it('counts 2028 中秋 and National Day on the same day once (10-03)', () => {
    // Fri 2028-09-29 + 2: weekend, 10-02 (Mon) 国庆, 10-03 (Tue) 中秋/国庆 → 10-04, 10-05
    expect(due('2028-09-29T10:00:00+08:00', 2)).toEqual({ due: endOfDay('2028-10-05'), provisional: true });
    expect(describeDay('2028-10-03', calendar)).toMatchObject({
      working: false,
      kind: 'holiday',
      provisional: true,
      label: '中秋节、国庆节',
    });
  });

  it('uses a year declared by an admin instead of the statutory rule, and is no longer provisional', () => {
    const declared: CalendarData = {
      ...calendar,
      2027: {
        year: 2027,
        holidays: [
          '2027-02-05',
          '2027-02-06',
          '2027-02-07',
          '2027-02-08',
          '2027-02-09',
          '2027-02-10',
          '2027-02-11',
        ],
        makeupWorkdays: ['2027-02-20'],
        published: true,
        source: 'admin',
        version: 1,
      },
    };
    // Thu 02-04 + 3: 02-12 (Fri), Mon 02-15, Tue 02-16
    expect(addWorkingDays('2027-02-04T10:00:00+08:00', 3, declared)).toEqual({
      due: endOfDay('2027-02-16'),
      provisional: false,
    });
    expect(isWorkingDay('2027-02-20', declared)).toBe(true); // the declared make-up Saturday
  });

  it('treats a year passed with published: false as provisional even when its days are given', () => {
    const statutoryOnly = calendarFromPackage([2027]);
    expect(statutoryOnly[2027].published).toBe(false);
    expect(addWorkingDays('2027-03-01T10:00:00+08:00', 1, statutoryOnly).provisional).toBe(true);
  });
});

describe('clock stops (补正: waiting for the applicant)', () => {
  const received = '2026-11-02T10:00:00+08:00'; // Monday

  it('does not count the days from the request for materials to their arrival', () => {
    // 补正 requested Wed 11-04, materials arrive Mon 11-09.
    // Counted: 11-03 (1); 11-04..11-09 stopped; 11-10 (2), 11-11 (3), 11-12 (4), 11-13 (5)
    const stops = [{ from: '2026-11-04T09:00:00+08:00', to: '2026-11-09T11:00:00+08:00' }];
    expect(due(received, 5, stops).due).toBe(endOfDay('2026-11-13'));
    expect(due(received, 5).due).toBe(endOfDay('2026-11-09'));
  });

  it('excludes a working day the clock stood still for only part of', () => {
    // A one-hour stop on Wed 11-04: 11-03 (1), 11-05 (2), 11-06 (3), 11-09 (4), 11-10 (5)
    const stops = [{ from: '2026-11-04T16:00:00+08:00', to: '2026-11-04T17:00:00+08:00' }];
    expect(due(received, 5, stops).due).toBe(endOfDay('2026-11-10'));
  });

  it('changes nothing when the clock stood still only over a weekend or before receipt', () => {
    const weekend = [{ from: '2026-11-07T10:00:00+08:00', to: '2026-11-08T18:00:00+08:00' }];
    const before = [{ from: '2026-10-20T10:00:00+08:00', to: '2026-10-22T10:00:00+08:00' }];
    expect(due(received, 5, weekend).due).toBe(endOfDay('2026-11-09'));
    expect(due(received, 5, before).due).toBe(endOfDay('2026-11-09'));
  });

  it('adds up several stops', () => {
    const stops = [
      { from: '2026-11-03T10:00:00+08:00', to: '2026-11-03T12:00:00+08:00' },
      { from: '2026-11-05T10:00:00+08:00', to: '2026-11-06T12:00:00+08:00' },
    ];
    // 11-03 stopped, 11-04 (1), 11-05..11-06 stopped, 11-09 (2), 11-10 (3), 11-11 (4), 11-12 (5)
    expect(due(received, 5, stops).due).toBe(endOfDay('2026-11-12'));
    expect(workingDaysBetween(received, '2026-11-12T12:00:00+08:00', calendar, stops).workingDays).toBe(5);
  });

  it('refuses a deadline while the clock is still stopped, and a stop that ends before it starts', () => {
    expect(codeOf(() => due(received, 5, [{ from: '2026-11-04T09:00:00+08:00' }]))).toBe('CLOCK_STOPPED');
    expect(
      codeOf(() =>
        due(received, 5, [{ from: '2026-11-09T09:00:00+08:00', to: '2026-11-04T09:00:00+08:00' }]),
      ),
    ).toBe('INVALID_CLOCK_STOP');
  });
});

describe('working days between two instants', () => {
  it('counts the working days after the first instant up to the day of the second', () => {
    expect(workingDaysBetween('2025-09-30T09:00:00+08:00', '2025-10-14T16:00:00+08:00', calendar)).toEqual({
      workingDays: 5,
      provisional: false,
    });
    expect(workingDaysBetween('2026-11-23T09:00:00+08:00', '2026-11-23T17:00:00+08:00', calendar)).toEqual({
      workingDays: 0,
      provisional: false,
    });
  });

  it('is negative when the second instant is earlier (working days overdue)', () => {
    expect(
      workingDaysBetween('2025-10-14T16:00:00+08:00', '2025-09-30T09:00:00+08:00', calendar).workingDays,
    ).toBe(-5);
  });

  it('is the inverse of addWorkingDays for every receipt day of 2025 and 2026', () => {
    const mismatches: string[] = [];
    for (let day = Date.UTC(2025, 0, 1); day <= Date.UTC(2026, 11, 15); day += 86_400_000) {
      const from = new Date(day + 2 * 3_600_000).toISOString(); // 10:00 Beijing
      for (const n of [1, 5, 12]) {
        const { due: at } = addWorkingDays(from, n, calendar);
        const back = workingDaysBetween(from, at, calendar).workingDays;
        if (back !== n || !isWorkingDay(shanghaiDate(at), calendar)) mismatches.push(`${from} +${n} → ${at}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('marks the count provisional when it reaches a year without a published arrangement', () => {
    expect(workingDaysBetween('2026-12-28T09:00:00+08:00', '2027-01-08T09:00:00+08:00', calendar)).toEqual({
      workingDays: 8, // 12-29, 12-30, 12-31, (01-01 元旦), 01-04..01-08
      provisional: true,
    });
  });
});

describe('describing a day', () => {
  it('names holidays and make-up working days from the package data', () => {
    expect(describeDay('2026-02-14', calendar)).toEqual({
      date: '2026-02-14',
      working: true,
      kind: 'makeup-workday',
      provisional: false,
      label: '春节（调休上班）',
    });
    expect(describeDay('2026-10-01', calendar)).toMatchObject({ kind: 'holiday', label: '国庆节' });
    expect(describeDay('2026-11-28', calendar)).toEqual({
      date: '2026-11-28',
      working: false,
      kind: 'weekend',
      provisional: false,
    });
    expect(describeDay('2026-11-27', calendar)).toMatchObject({ working: true, kind: 'workday' });
  });
});

describe('invalid input', () => {
  it('refuses negative, fractional and non-numeric counts with INVALID_COUNT', () => {
    expect(codeOf(() => due('2026-11-23T10:00:00+08:00', -1))).toBe('INVALID_COUNT');
    expect(codeOf(() => due('2026-11-23T10:00:00+08:00', 1.5))).toBe('INVALID_COUNT');
    expect(codeOf(() => due('2026-11-23T10:00:00+08:00', Number.NaN))).toBe('INVALID_COUNT');
    expect(() => due('2026-11-23T10:00:00+08:00', -1)).toThrow(/不小于 0 的整数/);
  });

  it('refuses instants that are not ISO 8601 or have no offset (they would depend on the host time zone)', () => {
    expect(codeOf(() => due('yesterday', 1))).toBe('INVALID_INSTANT');
    expect(codeOf(() => due('2026-11-23T10:00:00', 1))).toBe('INVALID_INSTANT');
    expect(codeOf(() => due('2026-13-01T10:00:00Z', 1))).toBe('INVALID_INSTANT');
    expect(() => due('yesterday', 1)).toThrow(/不是有效的时间/);
  });

  it('refuses dates that do not exist', () => {
    expect(codeOf(() => isWorkingDay('2026-02-30', calendar))).toBe('INVALID_DATE');
    expect(codeOf(() => isWorkingDay('2026-2-3', calendar))).toBe('INVALID_DATE');
  });

  it('refuses to guess holidays beyond the lunar tables (after 2100)', () => {
    expect(codeOf(() => isWorkingDay('2101-03-01', calendar))).toBe('YEAR_OUT_OF_RANGE');
  });
});
