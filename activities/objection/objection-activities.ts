import type { DataSource } from 'typeorm';
import type {
  ObjectionActivities,
  RestorationTaskInput,
} from '../../workflows/objection/activities-contract';
import { providerOf } from '../../workflows/objection/notices';
import type { PublishCaseInput } from '../../workflows/case/types';
import { objectionStateQuery } from '../../workflows/objection/messages';
import { STEP_NAMES_ZH, type ObjectionStepName, type ObjectionView } from '../../workflows/objection/state';
import { STATUS_NAMES_ZH } from '../../workflows/objection/types';
import { indexClosedSteps, indexInstant, indexStep, type CaseIndexMapping } from '../case/case-index';
import {
  appendTimeline,
  upsertCaseRow,
  type CaseProcedure,
  type CaseReadModelWriter,
} from '../case/publish-case';
import type { NotifyInput, NotifyResult } from '../notifications/notifications';

export interface ObjectionActivityDeps {
  dataSource: DataSource;
  /** The shared notification activity (stored first, delivered by the channel's adapter). */
  notify: (input: NotifyInput) => Promise<NotifyResult>;
}

/** An ISO instant, or null for an absent or empty one (a step without a limit has due ''). */
const instant = (value: string | undefined): string | null => (value ? value : null);

/** The row's columns as they follow from a snapshot, in insert order. */
function caseColumns(s: ObjectionView): Record<string, unknown> {
  return {
    id: s.caseId,
    case_no: s.caseNo,
    jurisdiction: s.jurisdiction,
    policy_version: s.policyVersion,
    office_department: s.officeDepartment,
    provider_department: s.providerDepartment,
    subject_code: s.applicant.subjectCode,
    subject_name: s.applicant.subjectName,
    applicant_name: s.applicant.name,
    applicant_contact: s.applicant.contact,
    channel: s.channel,
    record_id: s.recordId,
    record_description: s.recordDescription,
    grounds: s.grounds,
    grounds_text: s.groundsText,
    attachments: JSON.stringify(s.attachments),
    status: s.status,
    current_step: s.step?.step ?? null,
    step_due_at: instant(s.step?.due),
    case_due_at: instant(s.caseDue),
    due_provisional: s.step ? s.step.provisional : s.caseDueProvisional,
    overdue: s.overdue,
    escalation_level: s.escalationLevel,
    assignee: s.step?.assignee ?? null,
    step_department: s.step?.department ?? null,
    step_started_at: instant(s.step?.startedAt),
    step_remind_at: instant(s.step?.remindAt),
    step_second_level_at: instant(s.step?.secondLevelAt),
    step_overdue_at: instant(s.step?.overdueAt),
    outcome: s.outcome ?? null,
    provider_opinion: s.reply?.opinion ?? null,
    reply_letter: s.replyLetter ?? null,
    created_by: s.receivedBy,
    received_at: s.receivedAt,
    closed_at: instant(s.closedAt),
    revision: s.revision,
    snapshot: JSON.stringify(s),
  };
}

/** Columns fixed at intake: never overwritten by a later snapshot. */
const INTAKE_COLUMNS = new Set(['id', 'case_no', 'created_by', 'received_at']);

/**
 * The objection's read model (the case kit's writer for `objection`): upserts `objection_case`
 * from the view when its revision is newer than the stored one, and appends the timeline
 * entries not stored yet (by `seq`). A stale view is ignored, never an error.
 */
export const writeObjectionCase: CaseReadModelWriter = async (tx, input: PublishCaseInput) => {
  const snapshot = input.view as ObjectionView;
  const columns = caseColumns(snapshot);
  // A case registered through the API already has its row (revision 0); one started
  // elsewhere gets it here. Only a newer revision replaces what is stored.
  await upsertCaseRow(tx, 'objection_case', columns, INTAKE_COLUMNS);
  // The timeline is append-only (trigger): entries already stored are left alone.
  await appendTimeline(tx, 'objection_event', input.caseId, input.entries);
};

const stepName = (step: string) => STEP_NAMES_ZH[step as ObjectionStepName] ?? step;

/**
 * The objection's entry of the supervision index: the office runs it, the provider verifies
 * (谁认定、谁核查), the policy may set a limit for the whole case (叶县 5, 新郑 12 working days).
 */
export const indexObjectionCase: CaseIndexMapping<ObjectionView> = (v) => ({
  procedure: 'objection',
  caseId: v.caseId,
  caseNo: v.caseNo,
  jurisdiction: v.jurisdiction,
  officeDepartment: v.officeDepartment,
  providerDepartment: v.providerDepartment,
  status: v.status,
  statusName: STATUS_NAMES_ZH[v.status],
  currentStep: v.closedAt ? null : indexStep(v.step, stepName),
  overdue: v.overdue,
  escalationLevel: v.escalationLevel,
  receivedAt: v.receivedAt,
  closedAt: indexInstant(v.closedAt),
  caseDueAt: indexInstant(v.caseDue),
  closedSteps: indexClosedSteps(v, stepName),
  revision: v.revision,
});

/** The objection procedure on the case kit (see CaseProcedure). */
export const objectionProcedure: CaseProcedure<ObjectionView> = {
  procedure: 'objection',
  name: '异议处理',
  workflowType: 'objection',
  stateQuery: objectionStateQuery,
  write: writeObjectionCase,
  index: indexObjectionCase,
};

/** The 恢复信誉 task (ObjectionActivities), idempotent under activity retries. */
export function createObjectionActivities(deps: ObjectionActivityDeps): ObjectionActivities {
  async function openRestorationTask(
    input: RestorationTaskInput,
  ): Promise<{ taskId: string; created: boolean }> {
    const inserted: { id: string }[] = await deps.dataSource.query(
      `INSERT INTO restoration_task
         (case_id, case_no, record_id, subject_code, subject_name, department, lifted_measure_ids, reason, opened_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (case_id) DO NOTHING
       RETURNING id`,
      [
        input.caseId,
        input.caseNo,
        input.recordId,
        input.subjectCode,
        input.subjectName,
        input.department,
        input.liftedMeasureIds,
        input.reason,
        input.actor,
      ],
    );
    const [task]: { id: string }[] = inserted.length
      ? inserted
      : await deps.dataSource.query(`SELECT id FROM restoration_task WHERE case_id = $1`, [input.caseId]);
    // Told once per case: the notification's key makes a retried activity find the first one.
    await deps.notify({
      dedupeKey: `${input.caseId}:restoration-task`,
      channel: 'internal',
      recipient: providerOf(input.department),
      caseId: input.caseId,
      kind: 'objection.restoration.opened',
      title: `【恢复信誉】异议案件${input.caseNo}`,
      body:
        `异议案件${input.caseNo}核查认定对${input.subjectName}（${input.subjectCode}）实施的惩戒措施有误，` +
        `请${input.department}依规恢复其信誉、消除不良影响` +
        (input.liftedMeasureIds.length > 0 ? `（已解除惩戒措施 ${input.liftedMeasureIds.length} 项）` : '') +
        `。事由：${input.reason}`,
    });
    return { taskId: task.id, created: inserted.length > 0 };
  }

  return { openRestorationTask };
}
