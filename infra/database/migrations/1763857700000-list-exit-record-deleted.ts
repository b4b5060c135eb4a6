import { MigrationInterface, QueryRunner } from 'typeorm';

const CAUSES_BEFORE = `'expired', 'repaired', 'record-revoked', 'red-list-dishonesty', 'manual'`;
const CAUSES = `'expired', 'repaired', 'record-revoked', 'record-deleted', 'red-list-dishonesty', 'manual'`;

/**
 * A list entry exits when the record it rests on is deleted at the end of its retention period
 * (cause 'record-deleted'): before, the purge deleted the record and left the entry in force on
 * a basis that no longer existed. The daily sweep exits entries already resting on a deleted record.
 */
export class ListExitRecordDeleted1763857700000 implements MigrationInterface {
  name = 'ListExitRecordDeleted1763857700000';

  async up(q: QueryRunner): Promise<void> {
    await this.causes(q, CAUSES);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.causes(q, CAUSES_BEFORE);
  }

  private async causes(q: QueryRunner, causes: string): Promise<void> {
    await q.query(`ALTER TABLE credit_list_entry DROP CONSTRAINT credit_list_entry_exit_cause_check`);
    await q.query(
      `ALTER TABLE credit_list_entry ADD CONSTRAINT credit_list_entry_exit_cause_check CHECK (exit_cause IN (${causes}))`,
    );
    await q.query(`ALTER TABLE credit_list_exit DROP CONSTRAINT credit_list_exit_cause_check`);
    await q.query(
      `ALTER TABLE credit_list_exit ADD CONSTRAINT credit_list_exit_cause_check CHECK (cause IN (${causes}))`,
    );
  }
}
