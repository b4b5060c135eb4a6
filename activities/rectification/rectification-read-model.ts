import type { PublishCaseInput } from '../../workflows/case/types';
import { currentTermDue, nextDeadline } from '../../workflows/rectification/rules';
import { RECTIFICATION_ENDED, type RectificationView } from '../../workflows/rectification/types';
import { appendTimeline, upsertCaseRow, type CaseReadModelWriter } from '../case/publish-case';

/** An ISO instant, or null for an absent or empty one (a deadline not planned yet has due ''). */
const instant = (value: string | undefined): string | null => value || null;

/** The row's columns as they follow from a view. */
function caseColumns(v: RectificationView): Record<string, unknown> {
  const ended = RECTIFICATION_ENDED.includes(v.status);
  return {
    id: v.caseId,
    case_no: v.caseNo,
    jurisdiction: v.jurisdiction,
    policy_version: v.policyVersion,
    department: v.department,
    subject_code: v.subject.code,
    subject_name: v.subject.name,
    subject_kind: v.subject.kind,
    basis_kind: v.basis.kind,
    record_id: v.basis.recordId ?? null,
    list_entry_id: v.basis.listEntryId ?? null,
    status: v.status,
    stage: v.stage,
    term_due_at: ended ? null : instant(currentTermDue(v)),
    next_due_at: ended ? null : instant(nextDeadline(v)?.due),
    overdue: v.overdue,
    escalation_level: v.escalationLevel,
    interviews_held: v.interviews.filter((i) => i.record).length,
    rectified_at: instant(v.rectifiedAt),
    created_by: v.startedBy,
    started_at: v.startedAt,
    closed_at: instant(v.closedAt),
    revision: v.revision,
    snapshot: JSON.stringify(v),
  };
}

/** Columns fixed at the order (the API writes them): never overwritten by a later view. */
const INTAKE_COLUMNS = new Set(['id', 'case_no', 'created_by', 'started_at']);

/**
 * The rectification's read model (the case kit's writer for `rectification`): the newest
 * revision of `rectification_case` wins (a stale view is ignored); timeline entries are appended
 * once by `seq`.
 */
export const writeRectificationCase: CaseReadModelWriter = async (tx, input: PublishCaseInput) => {
  await upsertCaseRow(tx, 'rectification_case', caseColumns(input.view as RectificationView), INTAKE_COLUMNS);
  await appendTimeline(tx, 'rectification_event', input.caseId, input.entries);
};
