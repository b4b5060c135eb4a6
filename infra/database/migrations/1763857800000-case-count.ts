import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a case is counted by on the board (SupervisionService.counts) and what the board's scopes
 * and filters narrow the count to (case-scope.ts, SupervisionService.narrowed): the key of a
 * `case_count` row. `open` is `closed_at IS NULL` of the case.
 */
const KEY = [
  'jurisdiction',
  'office_department',
  'provider_department',
  'procedure',
  'status',
  'status_name',
  'departments',
  'open',
];
const KEY_LIST = KEY.join(', ');
const keyOf = (rows: string) =>
  KEY.map((k) => (k === 'open' ? `${rows}.closed_at IS NULL` : `${rows}.${k}`)).join(', ');

/**
 * The board's counts over 100k cases (issue #20) read a few hundred rows instead of every case of
 * the scope: `case_count` holds how many cases of `case_index` share each key, kept by statement
 * triggers on `case_index` in the transaction of the write (an insert adds, a delete takes away,
 * an update that changes a key moves the case; an update that changes none, as most publications,
 * writes nothing; a truncation empties it). The rows of one statement are added up per key and written in the key's
 * order, so two publications in flight lock the rows they share in the same order and cannot
 * deadlock. A key whose cases have all moved on keeps its row at 0 (the counts leave it out).
 * Filled from the cases present when it is created, under a lock that holds publications back
 * until the migration commits. `cases` carries no CHECK (cases >= 0): PostgreSQL checks the row an
 * INSERT … ON CONFLICT proposes before it finds the conflict, and a case leaving a key proposes -1.
 */
export class CaseCount1763857800000 implements MigrationInterface {
  name = 'CaseCount1763857800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`LOCK TABLE case_index IN SHARE ROW EXCLUSIVE MODE`);
    await q.query(`
      CREATE TABLE case_count (
        jurisdiction text NOT NULL,
        office_department text NOT NULL,
        provider_department text,
        procedure text NOT NULL,
        status text NOT NULL,
        status_name text NOT NULL,
        departments text[] NOT NULL,
        open boolean NOT NULL,
        cases integer NOT NULL,
        CONSTRAINT case_count_key UNIQUE NULLS NOT DISTINCT (${KEY_LIST})
      )`);
    const add = (source: string) => `
      INSERT INTO case_count AS k (${KEY_LIST}, cases)
        SELECT ${KEY_LIST}, sum(d)::int FROM (${source}) AS moved (${KEY_LIST}, d)
         GROUP BY ${KEY_LIST} HAVING sum(d) <> 0 ORDER BY ${KEY_LIST}
      ON CONFLICT ON CONSTRAINT case_count_key DO UPDATE SET cases = k.cases + EXCLUDED.cases`;
    await q.query(`
      CREATE FUNCTION case_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${add(`SELECT ${keyOf('n')}, 1 FROM new_rows n`)};
        ELSIF TG_OP = 'UPDATE' THEN
          ${add(`SELECT ${keyOf('n')}, 1 FROM new_rows n UNION ALL SELECT ${keyOf('o')}, -1 FROM old_rows o`)};
        ELSE
          ${add(`SELECT ${keyOf('o')}, -1 FROM old_rows o`)};
        END IF;
        RETURN NULL;
      END $$`);
    // A trigger with transition tables has one event: three triggers, one function.
    await q.query(`CREATE TRIGGER case_count_insert AFTER INSERT ON case_index
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_count_apply()`);
    await q.query(`CREATE TRIGGER case_count_update AFTER UPDATE ON case_index
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_count_apply()`);
    await q.query(`CREATE TRIGGER case_count_delete AFTER DELETE ON case_index
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION case_count_apply()`);
    await q.query(`
      CREATE FUNCTION case_count_clear() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM case_count;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER case_count_truncate AFTER TRUNCATE ON case_index
      FOR EACH STATEMENT EXECUTE FUNCTION case_count_clear()`);
    await q.query(`
      INSERT INTO case_count (${KEY_LIST}, cases)
        SELECT ${keyOf('c')}, count(*)::int FROM case_index c GROUP BY ${KEY.map((_, i) => i + 1).join(', ')}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const event of ['insert', 'update', 'delete', 'truncate']) {
      await q.query(`DROP TRIGGER case_count_${event} ON case_index`);
    }
    await q.query(`DROP FUNCTION case_count_apply()`);
    await q.query(`DROP FUNCTION case_count_clear()`);
    await q.query(`DROP TABLE case_count`);
  }
}
