import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the objection read model and API need beyond the first case table:
 * - `revision` and `snapshot`: the newest ObjectionSnapshot the workflow published (older ones are
 *   ignored), so the case file is served without asking Temporal;
 * - `query_code_hash` replaces the plain `query_code`: the applicant's query code is shown once at
 *   creation and only its SHA-256 is kept (with the subject code it opens the public look-up; a
 *   leaked table does not hand out working codes). Cases started outside the API have none;
 * - `request_hash`: SHA-256 of the creation body, so the same Idempotency-Key with another body is
 *   recognised (409); the key and the hash are null for cases started outside the API;
 * - the current step's department, start, reminder and second-level times, for supervisors' filters;
 * - `objection_case_no`: the per-jurisdiction, per-year counter behind 异议受理编号;
 * - `restoration_task`: the 恢复信誉 task of a case whose punishment was applied wrongly.
 */
export class ObjectionReadModel1763856600000 implements MigrationInterface {
  name = 'ObjectionReadModel1763856600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "IDX_objection_query"`);
    await q.query(`ALTER TABLE objection_case DROP COLUMN query_code`);
    await q.query(`
      ALTER TABLE objection_case
        ADD COLUMN query_code_hash text,
        ADD COLUMN request_hash text,
        ADD COLUMN revision integer NOT NULL DEFAULT 0,
        ADD COLUMN snapshot jsonb,
        ADD COLUMN step_department text,
        ADD COLUMN step_started_at timestamptz,
        ADD COLUMN step_remind_at timestamptz,
        ADD COLUMN step_second_level_at timestamptz,
        ADD COLUMN step_overdue_at timestamptz,
        ALTER COLUMN idempotency_key DROP NOT NULL,
        ADD CONSTRAINT "CHK_objection_request" CHECK ((idempotency_key IS NULL) = (request_hash IS NULL))`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_objection_query_code" ON objection_case (query_code_hash) WHERE query_code_hash IS NOT NULL`,
    );
    await q.query(`CREATE INDEX "IDX_objection_office" ON objection_case (office_department, status)`);
    await q.query(`CREATE INDEX "IDX_objection_step" ON objection_case (step_department, current_step)`);
    await q.query(`CREATE INDEX "IDX_objection_record" ON objection_case (record_id)`);
    await q.query(`
      CREATE TABLE objection_case_no (
        prefix text NOT NULL,
        year integer NOT NULL,
        last integer NOT NULL,
        PRIMARY KEY (prefix, year)
      )`);
    await q.query(`
      CREATE TABLE restoration_task (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id text NOT NULL UNIQUE REFERENCES objection_case(id),
        case_no text NOT NULL,
        record_id text NOT NULL,
        subject_code text NOT NULL,
        subject_name text NOT NULL,
        department text NOT NULL,
        lifted_measure_ids text[] NOT NULL DEFAULT '{}',
        reason text NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
        opened_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        done_at timestamptz,
        done_by text
      )`);
    await q.query(`CREATE INDEX "IDX_restoration_department" ON restoration_task (department, status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE restoration_task`);
    await q.query(`DROP TABLE objection_case_no`);
    await q.query(`DROP INDEX "IDX_objection_record"`);
    await q.query(`DROP INDEX "IDX_objection_step"`);
    await q.query(`DROP INDEX "IDX_objection_office"`);
    await q.query(`DROP INDEX "UQ_objection_query_code"`);
    // The plain query codes are gone for good: cases keep an unusable placeholder.
    await q.query(`UPDATE objection_case SET idempotency_key = id WHERE idempotency_key IS NULL`);
    await q.query(`
      ALTER TABLE objection_case
        DROP CONSTRAINT "CHK_objection_request",
        ALTER COLUMN idempotency_key SET NOT NULL,
        DROP COLUMN step_overdue_at,
        DROP COLUMN step_second_level_at,
        DROP COLUMN step_remind_at,
        DROP COLUMN step_started_at,
        DROP COLUMN step_department,
        DROP COLUMN snapshot,
        DROP COLUMN revision,
        DROP COLUMN request_hash,
        DROP COLUMN query_code_hash,
        ADD COLUMN query_code text NOT NULL DEFAULT ''`);
    await q.query(`ALTER TABLE objection_case ALTER COLUMN query_code DROP DEFAULT`);
    await q.query(`CREATE INDEX "IDX_objection_query" ON objection_case (query_code)`);
  }
}
