import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** Listings and counts of a procedure's read model (alias `c`), as supervisors read them. */

export interface Paging {
  page: number;
  pageSize: number;
}

/** One page of the filtered rows, in the given order, with the total of all pages. */
export async function pageOf<Row extends ObjectLiteral, Item>(
  qb: SelectQueryBuilder<Row>,
  paging: Paging,
  toItem: (row: Row) => Item,
) {
  const [rows, total] = await qb
    .skip((paging.page - 1) * paging.pageSize)
    .take(paging.pageSize)
    .getManyAndCount();
  return { total, page: paging.page, pageSize: paging.pageSize, items: rows.map(toItem) };
}

/** The filtered rows counted by one column; `names` gives a Chinese name to each key that has one. */
export async function countsOf<Row extends ObjectLiteral, By extends string>(
  qb: SelectQueryBuilder<Row>,
  by: By,
  column: string,
  names?: Readonly<Record<string, string>>,
) {
  const rows = await qb
    .select(column, 'key')
    .addSelect('COUNT(*)::int', 'count')
    .groupBy(column)
    .orderBy(column, 'ASC', 'NULLS LAST')
    .getRawMany<{ key: string | boolean | null; count: number }>();
  return {
    by,
    total: rows.reduce((sum, r) => sum + r.count, 0),
    counts: rows.map((r) => ({
      key: r.key,
      ...(names && typeof r.key === 'string' && names[r.key] ? { name: names[r.key] } : {}),
      count: r.count,
    })),
  };
}

/** A `dueBefore` filter as an instant: a date (YYYY-MM-DD) means the start of that Beijing day. */
export function beforeInstant(dateOrInstant: string): Date {
  return new Date(
    /^\d{4}-\d{2}-\d{2}$/.test(dateOrInstant) ? `${dateOrInstant}T00:00:00+08:00` : dateOrInstant,
  );
}
