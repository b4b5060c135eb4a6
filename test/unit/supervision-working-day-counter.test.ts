import fc from 'fast-check';
import { publishedYearsFromPackage } from '../../activities/calendar/calendar-source';
import {
  ageInWorkingDays,
  workingDaysLeft,
  workingDaysOver,
  type FigureRow,
} from '../../activities/supervision/supervision-figures';
import { caseWorkingDays, spanOf, WorkingDayCounter } from '../../apps/api/supervision/working-day-counter';
import { workingDaysBetween, type CalendarData } from '../../workflows/calendar';

/**
 * The board counts working days with running totals (WorkingDayCounter); the figures must stay
 * those of workingDaysBetween and activities/supervision/supervision-figures, day for day: the
 * package's published years (holidays, make-up Saturdays and Sundays), a year declared by an
 * admin, and the provisional years after them.
 */
const published: CalendarData = Object.fromEntries(publishedYearsFromPackage().map((y) => [y.year, y]));
const declared: CalendarData = {
  ...published,
  2031: {
    year: 2031,
    holidays: ['2031-03-03', '2031-03-04', '2031-03-05'],
    makeupWorkdays: ['2031-03-08'],
    published: true,
    source: 'admin',
    version: 2,
  },
};

const FIRST = Date.parse('2025-06-01T00:00:00Z');
const LAST = Date.parse('2031-06-01T00:00:00Z');
const instant = fc.integer({ min: FIRST, max: LAST }).map((ms) => new Date(ms));

describe('working days on running totals (supervision board)', () => {
  it.each([
    ['the published years', published],
    ['an admin-declared year', declared],
  ])('counts as workingDaysBetween between any two instants, over %s', (_, calendar) => {
    fc.assert(
      fc.property(instant, instant, (from, to) => {
        const days = WorkingDayCounter.on(calendar);
        expect(days.between(from, to)).toBe(
          workingDaysBetween(from.toISOString(), to.toISOString(), calendar).workingDays,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('gives every case the figures supervision-figures gives it', () => {
    const row = fc.record({
      receivedAt: instant,
      closedAt: fc.option(instant, { nil: null }),
      stepDueAt: fc.option(instant, { nil: null }),
      caseDueAt: fc.option(instant, { nil: null }),
      overdue: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 10 }), instant, (rows, atDate) => {
        const at = atDate.toISOString();
        // The span of some rows only: counts beyond it extend the totals.
        const days = WorkingDayCounter.on(declared, spanOf([at, rows[0].receivedAt]));
        for (const r of rows) {
          const figureRow = r as unknown as FigureRow;
          expect(caseWorkingDays(r, at, days)).toEqual({
            workingDaysOver: workingDaysOver(figureRow, at, declared),
            workingDaysLeft: workingDaysLeft(figureRow, at, declared),
            ageWorkingDays: ageInWorkingDays(figureRow, at, declared),
          });
        }
      }),
      { numRuns: 100 },
    );
  });

  it('keeps the totals of one calendar apart from another: a new version of a year counts anew', () => {
    const before = WorkingDayCounter.on(published);
    const after = WorkingDayCounter.on(declared);
    // Mon 3 Mar 2031 – Sat 8 Mar: provisional (no holidays, Saturday off) vs declared.
    expect(before.between('2031-03-02T12:00:00+08:00', '2031-03-08T12:00:00+08:00')).toBe(5);
    expect(after.between('2031-03-02T12:00:00+08:00', '2031-03-08T12:00:00+08:00')).toBe(3);
  });

  it('spans the earliest and latest instants, whatever their order', () => {
    expect(spanOf([null, '2026-01-02T00:00:00Z', new Date('2025-05-05T00:00:00Z'), undefined])).toEqual([
      new Date('2025-05-05T00:00:00Z'),
      new Date('2026-01-02T00:00:00Z'),
    ]);
    expect(spanOf([null])).toEqual([]);
  });
});
