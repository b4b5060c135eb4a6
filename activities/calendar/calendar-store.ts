import type { DataSource, EntityManager } from 'typeorm';
import { CalendarYearVersion } from '../../infra/database/entities';
import { CalendarData, CalendarYear, dateToDayNumber } from '../../workflows/calendar';
import { PACKAGE_SOURCE, provisionalYear, publishedYearsFromPackage } from './calendar-source';

export interface DeclareYearInput {
  holidays: string[];
  makeupWorkdays: string[];
  reason: string;
}

export class CalendarValidationError extends Error {
  constructor(readonly fields: Array<{ field: string; message: string }>) {
    super(fields.map((f) => `${f.field}：${f.message}`).join('；'));
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function validDate(date: string): boolean {
  return (
    ISO_DATE.test(date) &&
    !Number.isNaN(Date.parse(`${date}T00:00:00Z`)) &&
    new Date(`${date}T00:00:00Z`).toISOString().startsWith(date)
  );
}

/**
 * Versioned calendar data in PostgreSQL: seeded from the `chinese-days` package, extended by admins
 * when the State Council publishes a year's arrangement. Every change is a new version row (who,
 * when, why); the latest version of a year is in force.
 */
export class CalendarStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Adds the package's years that the database does not have yet (idempotent, run at start). */
  async seedFromPackage(): Promise<number> {
    let added = 0;
    await this.dataSource.transaction(async (tx) => {
      const existing = new Set(
        (
          await tx
            .getRepository(CalendarYearVersion)
            .createQueryBuilder('c')
            .select('DISTINCT c.year', 'year')
            .getRawMany<{ year: number }>()
        ).map((r) => Number(r.year)),
      );
      for (const year of publishedYearsFromPackage()) {
        if (existing.has(year.year)) continue;
        await tx.getRepository(CalendarYearVersion).insert({
          year: year.year,
          version: 1,
          holidays: year.holidays,
          makeupWorkdays: year.makeupWorkdays,
          source: PACKAGE_SOURCE,
          reason: '由 chinese-days 数据包导入（国务院办公厅节假日安排）',
          createdBy: 'system',
        });
        added++;
      }
    });
    return added;
  }

  private async latest(manager: EntityManager, years: number[]): Promise<Map<number, CalendarYearVersion>> {
    if (years.length === 0) return new Map();
    const rows = await manager
      .getRepository(CalendarYearVersion)
      .createQueryBuilder('c')
      .distinctOn(['c.year'])
      .where('c.year IN (:...years)', { years })
      .orderBy('c.year')
      .addOrderBy('c.version', 'DESC')
      .getMany();
    return new Map(rows.map((r) => [r.year, r]));
  }

  /** The calendar for these years: the latest published version, or the provisional rule. */
  async calendarFor(years: number[]): Promise<CalendarData> {
    const found = await this.latest(this.dataSource.manager, years);
    const calendar: CalendarData = {};
    for (const year of years) {
      const row = found.get(year);
      calendar[year] = row ? toCalendarYear(row) : provisionalYear(year);
    }
    return calendar;
  }

  async history(year: number): Promise<CalendarYearVersion[]> {
    return this.dataSource
      .getRepository(CalendarYearVersion)
      .find({ where: { year }, order: { version: 'DESC' } });
  }

  /** Declares (or corrects) a year's arrangement as a new version; refuses inconsistent data. */
  async declareYear(year: number, input: DeclareYearInput, actor: string): Promise<CalendarYear> {
    const fields: Array<{ field: string; message: string }> = [];
    const check = (list: string[], field: string) =>
      list.forEach((date, i) => {
        if (!validDate(date)) fields.push({ field: `${field}[${i}]`, message: `不是有效日期：${date}` });
        else if (!date.startsWith(`${year}-`))
          fields.push({ field: `${field}[${i}]`, message: `${date} 不在 ${year} 年内` });
      });
    check(input.holidays, 'holidays');
    check(input.makeupWorkdays, 'makeupWorkdays');
    const overlap = input.holidays.filter((d) => input.makeupWorkdays.includes(d));
    if (overlap.length)
      fields.push({
        field: 'makeupWorkdays',
        message: `同一天不能既是假日又是调休上班日：${overlap.join('、')}`,
      });
    input.makeupWorkdays.forEach((date, i) => {
      if (validDate(date)) {
        const weekday = (dateToDayNumber(date) + 4) % 7; // 1970-01-01 was a Thursday
        if (weekday !== 0 && weekday !== 6) {
          fields.push({ field: `makeupWorkdays[${i}]`, message: `${date} 不是周末，无需调休上班` });
        }
      }
    });
    if (!input.reason?.trim())
      fields.push({ field: 'reason', message: '请说明依据（如国务院办公厅通知文号）' });
    if (fields.length) throw new CalendarValidationError(fields);

    return this.dataSource.transaction(async (tx) => {
      // Serialise declarations of the same year so version numbers stay contiguous.
      await tx.query('SELECT pg_advisory_xact_lock($1)', [year]);
      const current = (await this.latest(tx, [year])).get(year);
      const row = await tx.getRepository(CalendarYearVersion).save(
        tx.getRepository(CalendarYearVersion).create({
          year,
          version: (current?.version ?? 0) + 1,
          holidays: [...new Set(input.holidays)].sort(),
          makeupWorkdays: [...new Set(input.makeupWorkdays)].sort(),
          source: 'admin',
          reason: input.reason.trim(),
          createdBy: actor,
        }),
      );
      return toCalendarYear(row);
    });
  }
}

export function toCalendarYear(row: CalendarYearVersion): CalendarYear {
  return {
    year: row.year,
    holidays: [...row.holidays].sort(),
    makeupWorkdays: [...row.makeupWorkdays].sort(),
    published: true,
    source: row.source,
    version: row.version,
  };
}
