import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `case_index`: one row per case of every procedure for the supervision board (督查), filled by
 * the case kit's publication and rebuilt from the workflows (`npm run index:rebuild`). Indexes
 * follow the board's queries: scope (jurisdiction, procedure, status; the office; the provider;
 * any department involved), the open cases by due time, the closed cases by closing time.
 */
export class CaseIndex1763857200000 implements MigrationInterface {
  name = 'CaseIndex1763857200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_index (
        procedure text NOT NULL,
        case_id text NOT NULL,
        case_no text NOT NULL,
        jurisdiction text NOT NULL,
        office_department text NOT NULL,
        provider_department text,
        departments text[] NOT NULL,
        status text NOT NULL,
        status_name text NOT NULL,
        current_step text,
        current_step_name text,
        current_step_department text,
        step_due_at timestamptz,
        overdue boolean NOT NULL,
        escalation_level integer NOT NULL CHECK (escalation_level BETWEEN 0 AND 2),
        received_at timestamptz NOT NULL,
        closed_at timestamptz,
        case_due_at timestamptz,
        met_limit boolean,
        closed_steps jsonb NOT NULL,
        revision integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (procedure, case_id)
      )`);
    await q.query(`CREATE INDEX case_index_scope ON case_index (jurisdiction, procedure, status)`);
    await q.query(`CREATE INDEX case_index_office ON case_index (jurisdiction, office_department)`);
    await q.query(`CREATE INDEX case_index_provider ON case_index (provider_department)`);
    await q.query(`CREATE INDEX case_index_departments ON case_index USING gin (departments)`);
    await q.query(`CREATE INDEX case_index_open_due ON case_index (step_due_at) WHERE closed_at IS NULL`);
    await q.query(`CREATE INDEX case_index_closed ON case_index (closed_at) WHERE closed_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_index`);
  }
}
