import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../infra/database/data-source';
import { createTestDatabase } from '../support/database';

/**
 * `case_count` (migration 1763857800000) is how many cases of `case_index` share each key of the
 * board's counts, kept by statement triggers. Whatever the writes to `case_index` — inserts of
 * several rows, the publications' INSERT … ON CONFLICT DO UPDATE (some rows new, some moving key,
 * some keeping it), updates, deletes, truncation — its non-zero rows are exactly the GROUP BY of
 * `case_index` over that key (a negative count is non-zero, so it fails the comparison too).
 */

const KEY = `jurisdiction, office_department, provider_department, procedure, status, status_name, departments`;

const truth = (db: DataSource) =>
  db.query(
    `SELECT ${KEY}, closed_at IS NULL AS open, count(*)::int AS cases FROM case_index
      GROUP BY ${KEY}, closed_at IS NULL ORDER BY ${KEY}, open`,
  );
const kept = (db: DataSource) =>
  db.query(`SELECT ${KEY}, open, cases FROM case_count WHERE cases <> 0 ORDER BY ${KEY}, open`);

/** A case as the generator writes it: a few values per key column, so keys collide and move. */
const caseRow = fc.record({
  caseId: fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F'),
  jurisdiction: fc.constantFrom('yexian-mz', 'yexian-sc'),
  provider: fc.constantFrom(null, '叶县民政局社会组织管理股'),
  procedure: fc.constantFrom('objection', 'commitment'),
  status: fc.constantFrom('received', 'forwarded', 'closed'),
  departments: fc.constantFrom(['叶县民政局'], ['叶县民政局', '叶县民政局社会组织管理股'], []),
  closed: fc.boolean(),
});
type Case = typeof caseRow extends fc.Arbitrary<infer T> ? T : never;

const values = (rows: Case[], params: unknown[]) =>
  rows
    .map((r) => {
      const at = params.length;
      params.push(r.caseId, r.jurisdiction, r.provider, r.procedure, r.status, r.departments, r.closed);
      const p = (i: number) => `$${at + i}`;
      return `(${p(4)}, ${p(1)}, 'YX-' || ${p(1)}, ${p(2)}, '叶县民政局', ${p(3)}, ${p(6)}::text[], ${p(5)},
        ${p(5)} || '名', false, 0, '2026-05-06T02:00:00Z', CASE WHEN ${p(7)}::boolean THEN now() END,
        '[]', 1, now())`;
    })
    .join(', ');
const COLUMNS = `procedure, case_id, case_no, jurisdiction, office_department, provider_department, departments,
  status, status_name, overdue, escalation_level, received_at, closed_at, closed_steps, revision, updated_at`;

/** One write to case_index, as SQL: a statement with several rows, as the triggers see them. */
const write = fc.oneof(
  fc
    .uniqueArray(caseRow, { selector: (r) => `${r.procedure}/${r.caseId}`, minLength: 1, maxLength: 4 })
    .map((rows) => (db: DataSource) => {
      const params: unknown[] = [];
      return db.query(
        `INSERT INTO case_index AS i (${COLUMNS}) VALUES ${values(rows, params)}
         ON CONFLICT (procedure, case_id) DO UPDATE SET jurisdiction = EXCLUDED.jurisdiction,
           provider_department = EXCLUDED.provider_department, status = EXCLUDED.status,
           status_name = EXCLUDED.status_name, departments = EXCLUDED.departments,
           closed_at = EXCLUDED.closed_at, revision = i.revision + 1`,
        params,
      );
    }),
  fc
    .record({
      status: fc.constantFrom('received', 'closed'),
      procedure: fc.constantFrom('objection', 'commitment'),
    })
    .map(
      ({ status, procedure }) =>
        (db: DataSource) =>
          db.query(
            `UPDATE case_index SET status = $1, status_name = $1 || '名', closed_at = CASE WHEN $1 = 'closed' THEN now() END
              WHERE procedure = $2`,
            [status, procedure],
          ),
    ),
  fc.constant((db: DataSource) => db.query(`UPDATE case_index SET revision = revision + 1`)),
  fc
    .constantFrom('A', 'B', 'C')
    .map((caseId) => (db: DataSource) => db.query(`DELETE FROM case_index WHERE case_id >= $1`, [caseId])),
  fc.constant((db: DataSource) => db.query(`TRUNCATE case_index`)),
);

describe('case_count', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase('casecount');
    dataSource = await openDatabase(db.url);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('after any sequence of writes to case_index, holds exactly its counts per key', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 12 }), async (writes) => {
        await dataSource.query(`TRUNCATE case_index`);
        for (const w of writes) await w(dataSource);
        expect(await kept(dataSource)).toEqual(await truth(dataSource));
      }),
      { numRuns: 60 },
    );
  });
});
