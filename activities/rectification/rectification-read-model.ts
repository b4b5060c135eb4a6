import type { PublishCaseInput } from '../../workflows/case/types';
import { currentTermDue, nextDeadline } from '../../workflows/rectification/rules';
import { rectificationStateQuery } from '../../workflows/rectification/messages';
import {
  INTERVIEW_KIND_NAMES_ZH,
  RECTIFICATION_ENDED,
  RECTIFICATION_STATUS_NAMES_ZH,
  type InterviewKind,
  type RectificationView,
} from '../../workflows/rectification/types';
import { indexClosedSteps, indexInstant, indexStep, type CaseIndexMapping } from '../case/case-index';
import {
  appendTimeline,
  upsertCaseRow,
  type CaseProcedure,
  type CaseReadModelWriter,
} from '../case/publish-case';

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

/** Names of the rectification's steps (term-N, verify-N, schedule-K, record-K-N, confirm). */
function rectificationStepName(step: string): string {
  const [kind, a] = step.split('-');
  const interview = INTERVIEW_KIND_NAMES_ZH[a as InterviewKind];
  if (kind === 'term') return '整改期限';
  if (kind === 'verify') return `核实整改情况（第${a}次报告）`;
  if (kind === 'schedule' && interview) return `安排${interview}`;
  if (kind === 'record' && interview) return `登记${interview}情况`;
  if (step === 'confirm') return '确认后续措施';
  return step;
}

/**
 * The rectification's entry of the supervision index: the identifying department orders,
 * verifies and holds the interviews; the current step is the earliest open deadline (the
 * subject's term included: a party's own time, which does not count against the department).
 */
export const indexRectificationCase: CaseIndexMapping<RectificationView> = (v) => {
  const ended = RECTIFICATION_ENDED.includes(v.status);
  return {
    procedure: 'rectification',
    caseId: v.caseId,
    caseNo: v.caseNo,
    jurisdiction: v.jurisdiction,
    officeDepartment: v.department,
    providerDepartment: v.department,
    status: v.status,
    statusName: RECTIFICATION_STATUS_NAMES_ZH[v.status],
    currentStep: ended ? null : indexStep(nextDeadline(v), rectificationStepName),
    overdue: v.overdue,
    escalationLevel: v.escalationLevel,
    receivedAt: v.startedAt,
    closedAt: indexInstant(v.closedAt),
    caseDueAt: null,
    closedSteps: indexClosedSteps(v, rectificationStepName),
    revision: v.revision,
  };
};

/** The rectification procedure on the case kit (see CaseProcedure). */
export const rectificationProcedure: CaseProcedure<RectificationView> = {
  procedure: 'rectification',
  name: '限期整改、约谈',
  workflowType: 'rectification',
  stateQuery: rectificationStateQuery,
  write: writeRectificationCase,
  index: indexRectificationCase,
};
