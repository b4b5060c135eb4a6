import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `quarterly_report`: the supervision report of each jurisdiction and quarter (figures and XLSX),
 * one per jurisdiction and quarter (activities/supervision/quarterly-report.ts).
 */
export class QuarterlyReport1763857500000 implements MigrationInterface {
  name = 'QuarterlyReport1763857500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE quarterly_report (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        jurisdiction text NOT NULL,
        quarter text NOT NULL CHECK (quarter ~ '^[0-9]{4}Q[1-4]$'),
        period_from timestamptz NOT NULL,
        counted_until timestamptz NOT NULL,
        final boolean NOT NULL,
        figures jsonb NOT NULL,
        xlsx bytea NOT NULL,
        produced_by text NOT NULL,
        produced_at timestamptz NOT NULL,
        CONSTRAINT "UQ_quarterly_report_jurisdiction_quarter" UNIQUE (jurisdiction, quarter),
        CHECK (counted_until > period_from)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE quarterly_report`);
  }
}
