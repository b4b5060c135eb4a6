import { MigrationInterface, QueryRunner } from 'typeorm';

/** The supervision list's order (SupervisionService.listed): overdue first, then by due time. */
const LIST_ORDER = 'overdue DESC, step_due_at ASC NULLS LAST, received_at ASC, case_id ASC';

/**
 * What the board's figures count by and filter on besides the order's columns: a supervisor's
 * counts, ageing, escalations and the list's totals are read from the index alone.
 */
const FIGURES = 'procedure, status, status_name, departments, closed_at, escalation_level';

/**
 * Indexes of `case_index` for the supervision board over 100k cases (issue #20): the case list
 * of each scope (case-scope.ts) reads its first page in the list's order from one index, and
 * stops there, instead of sorting every case of the scope. The office and provider indexes of
 * 1763857200000 become the leading columns of their scope's list index (the same look-ups, one
 * index less to write on every publication). The counts read the scope index with what they
 * count in it, so a jurisdiction's counts need not visit the table's pages.
 */
export class SupervisionIndexes1763857600000 implements MigrationInterface {
  name = 'SupervisionIndexes1763857600000';

  async up(q: QueryRunner): Promise<void> {
    // A supervisor's jurisdiction; an admin supervisor's every jurisdiction.
    await q.query(
      `CREATE INDEX case_index_list_jurisdiction ON case_index (jurisdiction, ${LIST_ORDER}) INCLUDE (${FIGURES})`,
    );
    await q.query(`CREATE INDEX case_index_list_all ON case_index (${LIST_ORDER}) INCLUDE (${FIGURES})`);
    // A caseworker's office; a provider's department.
    await q.query(
      `CREATE INDEX case_index_list_office ON case_index (jurisdiction, office_department, ${LIST_ORDER})`,
    );
    await q.query(`CREATE INDEX case_index_list_provider ON case_index (provider_department, ${LIST_ORDER})`);
    await q.query(`DROP INDEX case_index_office`);
    await q.query(`DROP INDEX case_index_provider`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX case_index_office ON case_index (jurisdiction, office_department)`);
    await q.query(`CREATE INDEX case_index_provider ON case_index (provider_department)`);
    for (const name of ['jurisdiction', 'all', 'office', 'provider']) {
      await q.query(`DROP INDEX case_index_list_${name}`);
    }
  }
}
