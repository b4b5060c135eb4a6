import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `idempotent_action`: the first answer to each action sent with an Idempotency-Key, per caller
 * and key, so that a repeat gets the same status and body (apps/api/cases/action-idempotency.ts).
 */
export class IdempotentAction1763857300000 implements MigrationInterface {
  name = 'IdempotentAction1763857300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotent_action (
        scope text NOT NULL,
        idempotency_key text NOT NULL,
        request_hash text NOT NULL,
        status integer CHECK (status BETWEEN 200 AND 499),
        body text,
        created_at timestamptz NOT NULL DEFAULT now(),
        answered_at timestamptz,
        PRIMARY KEY (scope, idempotency_key),
        CHECK ((status IS NULL) = (answered_at IS NULL))
      )`);
    await q.query(`CREATE INDEX "IDX_idempotent_action_created" ON idempotent_action (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotent_action`);
  }
}
