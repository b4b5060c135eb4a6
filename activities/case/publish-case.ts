import type { DataSource, EntityManager } from 'typeorm';
import type { CaseActivities, PublishCaseInput, TimelineEntry } from '../../workflows/case/types';

/** Writes one procedure's read model in the given transaction; idempotent, newest revision wins. */
export type CaseReadModelWriter = (tx: EntityManager, input: PublishCaseInput) => Promise<void>;

export class UnknownProcedureError extends Error {
  constructor(procedure: string) {
    super(`no read-model writer for procedure "${procedure}"`);
    this.name = 'UnknownProcedureError';
  }
}

/**
 * The case kit's publication (`publishCase`): one activity for every procedure, which hands the
 * newest view and the new timeline entries to the procedure's writer in one transaction. A
 * procedure joins by adding its writer in activities/index.ts.
 */
export function createCaseActivities(deps: {
  dataSource: DataSource;
  writers: Record<string, CaseReadModelWriter>;
}): CaseActivities {
  return {
    async publishCase(input: PublishCaseInput): Promise<void> {
      const writer = deps.writers[input.procedure];
      if (!writer) throw new UnknownProcedureError(input.procedure);
      await deps.dataSource.transaction((tx) => writer(tx, input));
    },
  };
}

/**
 * Helpers for a procedure's writer. `upsertCaseRow` writes the case row of `table` (alias `c`,
 * key `id`) when the view's `revision` column is newer than the stored one, leaving `fixed`
 * columns (written at intake) alone; answers whether the row was written (a stale view is not).
 */
export async function upsertCaseRow(
  tx: EntityManager,
  table: string,
  columns: Record<string, unknown>,
  fixed: ReadonlySet<string>,
): Promise<boolean> {
  const names = Object.keys(columns);
  const updates = names
    .filter((n) => !fixed.has(n))
    .map((n) => `${n} = EXCLUDED.${n}`)
    .concat(['updated_at = now()', 'workflow_started_at = COALESCE(c.workflow_started_at, now())']);
  const written: unknown[] = await tx.query(
    `INSERT INTO ${table} AS c (${names.join(', ')}, workflow_started_at)
       VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}, now())
       ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}
       WHERE c.revision < EXCLUDED.revision
       RETURNING c.id`,
    Object.values(columns),
  );
  return written.length > 0;
}

/** Appends timeline entries to `table` (`<procedure>_event`, append-only): stored ones are left alone. */
export async function appendTimeline(
  tx: EntityManager,
  table: string,
  caseId: string,
  entries: TimelineEntry[],
): Promise<void> {
  await tx.query(
    `INSERT INTO ${table} (case_id, seq, at, kind, actor, summary, detail)
       SELECT $1, e.seq, e.at, e.kind, e.actor, e.summary, COALESCE(e.detail, '{}'::jsonb)
       FROM jsonb_to_recordset($2::jsonb)
         AS e(seq integer, at timestamptz, kind text, actor text, summary text, detail jsonb)
       ON CONFLICT (case_id, seq) DO NOTHING`,
    [caseId, JSON.stringify(entries)],
  );
}
