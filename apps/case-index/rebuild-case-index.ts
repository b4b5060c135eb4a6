import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { upsertCaseIndex } from '../../activities/case/case-index';
import type { CaseProcedure } from '../../activities/case/publish-case';

/** What the rebuild did for one procedure. */
export interface ProcedureRebuild {
  procedure: string;
  /** Cases (workflow ids) found in Temporal's visibility. */
  workflows: number;
  /** Index rows written (missing, stale or corrupted ones). */
  written: number;
  /** Rows left alone: the stored revision was newer (the case published meanwhile). */
  newer: number;
  /** Cases whose state could not be read, with the reason. */
  failed: { workflowId: string; error: string }[];
}

/** A workflow's state with its timeline, as the procedure's state query answers it. */
interface CaseState {
  timeline?: unknown[];
  [field: string]: unknown;
}

/** The state as publishCase would have received it: without the timeline, with its length. */
function viewOf(state: CaseState): Record<string, unknown> {
  const { timeline, ...rest } = state;
  return { ...rest, timelineLength: timeline?.length ?? 0 };
}

/**
 * Rebuilds `case_index` from the procedures' workflows: lists each procedure's workflows (Temporal
 * visibility, by WorkflowType), asks each case's latest run for its state with the procedure's
 * state query, maps it with the procedure's declared index mapping and writes the row when its
 * revision is not older than the stored one (a corrupted row of the same revision is repaired; a
 * case that published a newer revision meanwhile keeps it). Closed cases are asked too: the
 * worker answers their queries from history.
 */
export async function rebuildCaseIndex(deps: {
  client: Client;
  dataSource: DataSource;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  procedures: readonly CaseProcedure<any>[];
  /** Only these procedures (default: every one). */
  only?: string[];
}): Promise<ProcedureRebuild[]> {
  const reports: ProcedureRebuild[] = [];
  for (const procedure of deps.procedures) {
    if (deps.only && !deps.only.includes(procedure.procedure)) continue;
    const report: ProcedureRebuild = {
      procedure: procedure.procedure,
      workflows: 0,
      written: 0,
      newer: 0,
      failed: [],
    };
    const ids = new Set<string>();
    const executions: AsyncIterable<WorkflowExecutionInfo> = deps.client.workflow.list({
      query: `WorkflowType = '${procedure.workflowType}'`,
    });
    // A case that continued as new has several runs: its latest run holds the state.
    for await (const info of executions) ids.add(info.workflowId);
    report.workflows = ids.size;
    for (const workflowId of ids) {
      try {
        const state = (await deps.client.workflow
          .getHandle(workflowId)
          .query(procedure.stateQuery)) as CaseState;
        const entry = procedure.index(viewOf(state));
        const written = await deps.dataSource.transaction((tx) =>
          upsertCaseIndex(tx, entry, { sameRevision: true }),
        );
        if (written) report.written++;
        else report.newer++;
      } catch (err) {
        report.failed.push({ workflowId, error: err instanceof Error ? err.message : String(err) });
      }
    }
    reports.push(report);
  }
  return reports;
}
