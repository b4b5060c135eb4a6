import { MigrationInterface, QueryRunner } from 'typeorm';

export class Notification1763856100000 implements MigrationInterface {
  name = 'Notification1763856100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        dedupe_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        channel text NOT NULL CHECK (channel IN ('internal', 'sms', 'email', 'wechat', 'letter')),
        recipient text NOT NULL,
        case_id text,
        kind text NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
        sent_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text
      )`);
    await q.query(`CREATE INDEX "IDX_notification_recipient" ON notification (recipient, created_at)`);
    await q.query(`CREATE INDEX "IDX_notification_case" ON notification (case_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification`);
  }
}
