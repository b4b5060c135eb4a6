import {
  nextQuarter,
  previousQuarter,
  quarterAt,
  quarterDates,
  reportCutoff,
  reportDeadline,
  reportPeriod,
} from '../../workflows/supervision/quarters';

describe('quarters of the quarterly supervision report (Beijing time)', () => {
  it('places an instant in its quarter by the Beijing calendar, not UTC', () => {
    expect(quarterAt(Date.parse('2026-12-31T15:59:59.999Z'))).toBe('2026Q4'); // 23:59 on 31 Dec
    expect(quarterAt(Date.parse('2026-12-31T16:00:00.000Z'))).toBe('2027Q1'); // 00:00 on 1 Jan
    expect(quarterAt(Date.parse('2027-03-31T16:30:00.000Z'))).toBe('2027Q2');
  });

  it('steps across years and knows each quarter’s first and last day', () => {
    expect(nextQuarter('2026Q4')).toBe('2027Q1');
    expect(previousQuarter('2027Q1')).toBe('2026Q4');
    expect(nextQuarter('2028Q1')).toBe('2028Q2');
    expect(quarterDates('2028Q1')).toEqual({ first: '2028-01-01', last: '2028-03-31' });
    expect(quarterDates('2026Q2')).toEqual({ first: '2026-04-01', last: '2026-06-30' });
    expect(quarterDates('2026Q3')).toEqual({ first: '2026-07-01', last: '2026-09-30' });
  });

  it('cuts the quarter off on its last day at 18:00 Beijing, before the seed’s deadline (the 1st of the next quarter’s first month)', () => {
    expect(reportCutoff('2026Q4')).toBe('2026-12-31T10:00:00.000Z');
    expect(reportDeadline('2026Q4')).toBe('2026-12-31T16:00:00.000Z');
    for (const q of ['2026Q1', '2026Q2', '2026Q3', '2026Q4', '2028Q1']) {
      expect(Date.parse(reportCutoff(q))).toBeLessThan(Date.parse(reportDeadline(q)));
    }
  });

  it('counts each report from the previous cut-off to its own, so consecutive periods neither overlap nor leave a gap', () => {
    expect(reportPeriod('2027Q1')).toEqual({
      from: '2026-12-31T10:00:00.000Z',
      until: '2027-03-31T10:00:00.000Z',
    });
    expect(reportPeriod('2027Q2').from).toBe(reportPeriod('2027Q1').until);
  });
});
