import type { PublishCaseInput } from '../../workflows/case/types';
import { nextDeadline } from '../../workflows/commitment/next-deadline';
import { commitmentStateQuery } from '../../workflows/commitment/messages';
import {
  COMMITMENT_ENDED,
  COMMITMENT_STATUS_NAMES_ZH,
  type CommitmentView,
} from '../../workflows/commitment/types';
import { indexClosedSteps, indexInstant, indexStep, type CaseIndexMapping } from '../case/case-index';
import {
  appendTimeline,
  upsertCaseRow,
  type CaseProcedure,
  type CaseReadModelWriter,
} from '../case/publish-case';

/** An ISO instant, or null for an absent or empty one (a deadline not planned yet has due ''). */
const instant = (value: string | undefined): string | null => (value ? value : null);

/** The row's columns as they follow from a view. */
function caseColumns(v: CommitmentView): Record<string, unknown> {
  // Ended as soon as the status says so: a breach is published before its closedAt is set.
  const ended = v.closedAt !== undefined || COMMITMENT_ENDED.includes(v.status);
  const next = ended ? undefined : nextDeadline(v);
  return {
    id: v.caseId,
    case_no: v.caseNo,
    jurisdiction: v.jurisdiction,
    policy_version: v.policyVersion,
    kind: v.kind,
    department: v.department,
    subject_code: v.subject.code,
    subject_name: v.subject.name,
    subject_kind: v.subject.kind,
    signer_name: v.signer.name,
    signer_contact: v.signer.contact,
    matter: v.matter,
    published: v.published,
    status: v.status,
    // Nothing open: the end of the validity period, for the kinds tracked by one (voluntary).
    next_due_at: ended ? null : (instant(next?.due) ?? instant(v.validUntil)),
    overdue: v.overdue,
    escalation_level: v.escalationLevel,
    valid_until: instant(v.validUntil),
    breach_record_id: v.breach?.recordId ?? null,
    kept_record_id: v.keptRecordId ?? null,
    created_by: v.signedBy,
    signed_at: v.signedAt,
    closed_at: instant(v.closedAt),
    revision: v.revision,
    snapshot: JSON.stringify(v),
  };
}

/**
 * Columns fixed at signing (the API writes them): never overwritten by a later view. The query
 * code hash and the idempotency key and hash are not in a view at all, so no update names them.
 */
const INTAKE_COLUMNS = new Set(['id', 'case_no', 'created_by', 'signed_at']);

/**
 * The commitment's read model (the case kit's writer for `commitment`): upserts
 * `commitment_case` when the view's revision is newer than the stored one (a stale view is
 * ignored), then its `commitment_item` rows, and appends the timeline entries not stored yet.
 */
export const writeCommitmentCase: CaseReadModelWriter = async (tx, input: PublishCaseInput) => {
  const view = input.view as CommitmentView;
  const columns = caseColumns(view);
  const written = await upsertCaseRow(tx, 'commitment_case', columns, INTAKE_COLUMNS);
  if (written && view.items.length > 0) {
    await tx.query(
      `INSERT INTO commitment_item (case_id, no, name, due_at, supplied_at, overdue)
         SELECT $1, i.no, i.name, i.due_at, i.supplied_at, i.overdue
         FROM jsonb_to_recordset($2::jsonb)
           AS i(no integer, name text, due_at timestamptz, supplied_at timestamptz, overdue boolean)
         ON CONFLICT (case_id, no) DO UPDATE
           SET due_at = EXCLUDED.due_at, supplied_at = EXCLUDED.supplied_at, overdue = EXCLUDED.overdue`,
      [
        view.caseId,
        JSON.stringify(
          view.items.map((i) => ({
            no: i.no,
            name: i.name,
            due_at: instant(i.deadline?.due),
            supplied_at: instant(i.suppliedAt),
            overdue: !i.suppliedAt && !!i.deadline?.overdueAt,
          })),
        ),
      ],
    );
  }
  // The timeline is append-only (trigger): entries already stored are left alone.
  await appendTimeline(tx, 'commitment_event', input.caseId, input.entries);
};

/** Names of the commitment's steps (item-N, verify, report-N, validity), as the case kit runs them. */
function commitmentStepName(v: CommitmentView, step: string): string {
  const [kind, no] = step.split('-');
  if (kind === 'item') return `补交材料：${v.items.find((i) => String(i.no) === no)?.name ?? `第${no}项`}`;
  if (kind === 'report') return `违诺线索核实（第${no}条）`;
  if (step === 'verify') return '事后核查';
  if (step === 'validity') return '承诺有效期';
  return step;
}

/**
 * The commitment's entry of the supervision index: the accepting department runs it; its
 * current step is the earliest open deadline (an item, the verification, a reported breach).
 */
export const indexCommitmentCase: CaseIndexMapping<CommitmentView> = (v) => {
  const ended = v.closedAt !== undefined || COMMITMENT_ENDED.includes(v.status);
  const name = (step: string) => commitmentStepName(v, step);
  return {
    procedure: 'commitment',
    caseId: v.caseId,
    caseNo: v.caseNo,
    jurisdiction: v.jurisdiction,
    officeDepartment: v.department,
    providerDepartment: null,
    status: v.status,
    statusName: COMMITMENT_STATUS_NAMES_ZH[v.status],
    currentStep: ended ? null : indexStep(nextDeadline(v), name),
    overdue: v.overdue,
    escalationLevel: v.escalationLevel,
    receivedAt: v.signedAt,
    closedAt: indexInstant(v.closedAt),
    caseDueAt: null,
    closedSteps: indexClosedSteps(v, name),
    revision: v.revision,
  };
};

/** The commitment procedure on the case kit (see CaseProcedure). */
export const commitmentProcedure: CaseProcedure<CommitmentView> = {
  procedure: 'commitment',
  name: '信用承诺',
  workflowType: 'commitment',
  stateQuery: commitmentStateQuery,
  write: writeCommitmentCase,
  index: indexCommitmentCase,
};
