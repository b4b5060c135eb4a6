import type { EntityManager } from 'typeorm';
import type { CaseIndexClosedStep } from '../../infra/database/entities/case/case-index.entity';
import type { ClosedStep, StepDeadline } from '../../workflows/case/types';

/**
 * The supervision board's index over every procedure (`case_index`). Each procedure declares, next
 * to its read-model writer, how its published view maps to one index entry (`CaseIndexMapping`);
 * `publishCase` writes that entry in the read model's transaction, and the rebuild
 * (`npm run index:rebuild`) maps the workflows' states with the same function.
 */

/** The step the case waits on, as the index shows it. */
export interface CaseIndexStep {
  step: string;
  name: string;
  department: string;
  /** Null while the step has no plan of its own yet. */
  due: string | null;
}

/** One case as the board sees it (what a procedure's mapping answers). */
export interface CaseIndexEntry {
  procedure: string;
  caseId: string;
  caseNo: string;
  jurisdiction: string;
  /** The department that runs the case (a caseworker's office sees it). */
  officeDepartment: string;
  /** The department whose record the case is about (谁认定、谁核查), if the procedure has one. */
  providerDepartment: string | null;
  status: string;
  statusName: string;
  /** Null once the case has ended, or while it waits on nothing with a time limit. */
  currentStep: CaseIndexStep | null;
  overdue: boolean;
  escalationLevel: number;
  receivedAt: string;
  closedAt: string | null;
  /** The whole case's limit, where the procedure's policy sets one. */
  caseDueAt: string | null;
  closedSteps: CaseIndexClosedStep[];
  revision: number;
}

/** A procedure's declared mapping from its published view to the index entry. */
export type CaseIndexMapping<V = unknown> = (view: V) => CaseIndexEntry;

/** An ISO instant, or null for an absent or empty one (a deadline not planned yet has due ''). */
export const indexInstant = (value: string | undefined | null): string | null => value || null;

/** The step a deadline on file stands for, named by the procedure. */
export function indexStep(
  deadline: StepDeadline<string> | undefined,
  name: (step: string) => string,
): CaseIndexStep | null {
  if (!deadline) return null;
  return {
    step: deadline.step,
    name: name(deadline.step),
    department: deadline.department,
    due: indexInstant(deadline.due),
  };
}

/**
 * The closed steps the case kit keeps on the view (`closedSteps`), without the whole case's own
 * clock (`case`: the entry's `caseDueAt` and `metLimit` say that).
 */
export function indexClosedSteps(
  view: { closedSteps?: ClosedStep[] },
  name: (step: string) => string | undefined = () => undefined,
): CaseIndexClosedStep[] {
  return (view.closedSteps ?? [])
    .filter((c) => c.step !== 'case')
    .map((c) => ({
      step: c.step,
      name: c.name ?? name(c.step) ?? null,
      department: c.department,
      startedAt: c.startedAt,
      due: indexInstant(c.due),
      closedAt: c.closedAt,
      metLimit: c.metLimit,
      escalates: c.escalates,
    }));
}

/**
 * Whether a closed case met its limits: never escalated, every staff step closed within its
 * limit, and closed by the whole case's due time when there is one. Null while the case is open.
 * A party's own time (补正, the subject's rectification term) is not the department's to keep.
 */
export function metLimit(entry: CaseIndexEntry): boolean | null {
  if (!entry.closedAt) return null;
  return (
    entry.escalationLevel === 0 &&
    entry.closedSteps.every((s) => !s.escalates || s.metLimit) &&
    (!entry.caseDueAt || Date.parse(entry.closedAt) <= Date.parse(entry.caseDueAt))
  );
}

/** Every department the case involves: office, provider, the current step's and the closed steps'. */
export function departmentsOf(entry: CaseIndexEntry): string[] {
  const all = [
    entry.officeDepartment,
    entry.providerDepartment,
    entry.currentStep?.department,
    ...entry.closedSteps.map((s) => s.department),
  ].filter((d): d is string => !!d);
  return [...new Set(all)];
}

/** The row's columns, in the table's order. */
function columnsOf(entry: CaseIndexEntry): Record<string, unknown> {
  return {
    procedure: entry.procedure,
    case_id: entry.caseId,
    case_no: entry.caseNo,
    jurisdiction: entry.jurisdiction,
    office_department: entry.officeDepartment,
    provider_department: entry.providerDepartment,
    departments: departmentsOf(entry),
    status: entry.status,
    status_name: entry.statusName,
    current_step: entry.currentStep?.step ?? null,
    current_step_name: entry.currentStep?.name ?? null,
    current_step_department: entry.currentStep?.department ?? null,
    step_due_at: entry.currentStep?.due ?? null,
    overdue: entry.overdue,
    escalation_level: entry.escalationLevel,
    received_at: entry.receivedAt,
    closed_at: entry.closedAt,
    case_due_at: entry.caseDueAt,
    met_limit: metLimit(entry),
    closed_steps: JSON.stringify(entry.closedSteps),
    revision: entry.revision,
  };
}

/**
 * Writes the case's index row when its revision is newer than the stored one (a stale view is
 * ignored, as in `upsertCaseRow`); `sameRevision` also rewrites a row of the same revision (the
 * rebuild repairs a corrupted row). Answers whether the row was written.
 */
export async function upsertCaseIndex(
  tx: EntityManager,
  entry: CaseIndexEntry,
  options: { sameRevision?: boolean } = {},
): Promise<boolean> {
  const columns = columnsOf(entry);
  const names = Object.keys(columns);
  const updates = names
    .filter((n) => n !== 'procedure' && n !== 'case_id')
    .map((n) => `${n} = EXCLUDED.${n}`)
    .concat(['updated_at = now()']);
  const written: unknown[] = await tx.query(
    `INSERT INTO case_index AS i (${names.join(', ')}, updated_at)
       VALUES (${names.map((_, k) => `$${k + 1}`).join(', ')}, now())
       ON CONFLICT (procedure, case_id) DO UPDATE SET ${updates.join(', ')}
       WHERE i.revision ${options.sameRevision ? '<=' : '<'} EXCLUDED.revision
       RETURNING i.case_id`,
    Object.values(columns),
  );
  return written.length > 0;
}
