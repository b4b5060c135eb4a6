import type { QueryDefinition } from '@temporalio/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { CaseActivities, PublishCaseInput, TimelineEntry } from '../../workflows/case/types';
import { upsertCaseIndex, type CaseIndexMapping } from './case-index';

/** Writes one procedure's read model in the given transaction; idempotent, newest revision wins. */
export type CaseReadModelWriter = (tx: EntityManager, input: PublishCaseInput) => Promise<void>;

/**
 * A procedure on the case kit, as it declares itself next to its read-model writer: its
 * workflow type and state query (the index's rebuild lists and asks its workflows), its writer,
 * and its mapping to the supervision board's index. A procedure joins by this declaration and
 * one line in activities/index.ts (`CASE_PROCEDURES`); the board is not edited.
 */
export interface CaseProcedure<V = never> {
  procedure: string;
  /** The procedure's Chinese name (督查 board, exports). */
  name: string;
  workflowType: string;
  /** Answers the case's state (with its timeline); the rebuild maps it like a published view. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  stateQuery: QueryDefinition<any, []>;
  write: CaseReadModelWriter;
  index: CaseIndexMapping<V>;
}

export class UnknownProcedureError extends Error {
  constructor(procedure: string) {
    super(`no read-model writer for procedure "${procedure}"`);
    this.name = 'UnknownProcedureError';
  }
}

/**
 * The case kit's publication (`publishCase`): one activity for every procedure, which hands the
 * newest view and the new timeline entries to the procedure's writer and writes the view's
 * entry of the supervision index (`case_index`), in one transaction.
 */
export function createCaseActivities(deps: {
  dataSource: DataSource;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  procedures: readonly CaseProcedure<any>[];
}): CaseActivities {
  const byName = new Map(deps.procedures.map((p) => [p.procedure, p]));
  return {
    async publishCase(input: PublishCaseInput): Promise<void> {
      const procedure = byName.get(input.procedure);
      if (!procedure) throw new UnknownProcedureError(input.procedure);
      await deps.dataSource.transaction(async (tx) => {
        await procedure.write(tx, input);
        await upsertCaseIndex(tx, procedure.index(input.view));
      });
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
