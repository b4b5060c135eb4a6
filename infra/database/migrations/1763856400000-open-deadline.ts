import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Open working-day deadlines of running workflows, so that a change of the calendar reaches the
 * cases whose deadlines it may move.
 */
export class OpenDeadline1763856400000 implements MigrationInterface {
  name = 'OpenDeadline1763856400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE open_deadline (
        workflow_id text NOT NULL,
        step text NOT NULL,
        starts_at timestamptz NOT NULL,
        working_days integer NOT NULL,
        due_at timestamptz NOT NULL,
        provisional boolean NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workflow_id, step)
      )`);
    await q.query(`CREATE INDEX "IDX_open_deadline_due" ON open_deadline (due_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE open_deadline`);
  }
}
