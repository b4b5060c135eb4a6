import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An open deadline's span: a step's plan depends on the calendar from its start up to its latest
 * instant (the second-level escalation after the due time), so a year's change must reach every
 * step whose span meets that year, not only those due in it.
 * - `horizon_at`: the latest instant the plan depends on; rows written before it existed know only
 *   their due time, which is where their span ended then.
 * - `IDX_open_deadline_span`: the calendar fan-out walks workflow ids in order from a cursor and
 *   tests each span; the index gives that order with both span ends (an index-only scan), so the
 *   pages of one fan-out together read the table once.
 */
export class OpenDeadlineHorizon1763856700000 implements MigrationInterface {
  name = 'OpenDeadlineHorizon1763856700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE open_deadline ADD COLUMN horizon_at timestamptz`);
    await q.query(`UPDATE open_deadline SET horizon_at = due_at`);
    await q.query(`ALTER TABLE open_deadline ALTER COLUMN horizon_at SET NOT NULL`);
    await q.query(
      `CREATE INDEX "IDX_open_deadline_span" ON open_deadline (workflow_id) INCLUDE (starts_at, horizon_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "IDX_open_deadline_span"`);
    await q.query(`ALTER TABLE open_deadline DROP COLUMN horizon_at`);
  }
}
