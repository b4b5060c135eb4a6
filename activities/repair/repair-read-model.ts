import type { PublishCaseInput } from '../../workflows/case/types';
import { repairStateQuery } from '../../workflows/repair/messages';
import { REPAIR_ENDED, REPAIR_STATUS_NAMES_ZH, type RepairView } from '../../workflows/repair/types';
import { indexClosedSteps, indexInstant, indexStep, type CaseIndexMapping } from '../case/case-index';
import {
  appendTimeline,
  upsertCaseRow,
  type CaseProcedure,
  type CaseReadModelWriter,
} from '../case/publish-case';

const instant = (value: string | undefined): string | null => (value ? value : null);

function caseColumns(v: RepairView): Record<string, unknown> {
  const open = v.closedAt === undefined && v.status !== 'approved';
  return {
    id: v.caseId,
    case_no: v.caseNo,
    jurisdiction: v.jurisdiction,
    policy_version: v.policyVersion,
    office: v.office,
    channel: v.channel,
    subject_code: v.subject.code,
    subject_name: v.subject.name,
    applicant_name: v.applicant.name,
    applicant_contact: v.applicant.contact,
    record_id: v.record.id,
    record_department: v.record.department,
    tier: v.eligibility?.tier ?? null,
    status: v.status,
    current_step: open ? (v.step?.step ?? null) : null,
    step_due_at: open ? instant(v.step?.due) : null,
    overdue: v.overdue,
    escalation_level: v.escalationLevel,
    decided_at: instant(v.decision?.at),
    approved: v.decision?.approved ?? null,
    reapply_from: v.reapplyFrom ?? null,
    barred_until: v.status === 'revoked' ? (v.revocation?.barredUntil ?? null) : null,
    commitment_case_id: v.commitment?.caseId ?? null,
    created_by: v.receivedBy,
    received_at: v.receivedAt,
    closed_at: instant(v.closedAt),
    revision: v.revision,
    snapshot: JSON.stringify(v),
  };
}

const INTAKE_COLUMNS = new Set(['id', 'case_no', 'created_by', 'received_at']);

/**
 * The repair's read model (the case kit's writer for `repair`): the newest revision of
 * `repair_case` wins (a stale view is ignored); timeline entries are appended once by `seq`.
 */
export const writeRepairCase: CaseReadModelWriter = async (tx, input: PublishCaseInput) => {
  const columns = caseColumns(input.view as RepairView);
  await upsertCaseRow(tx, 'repair_case', columns, INTAKE_COLUMNS);
  await appendTimeline(tx, 'repair_event', input.caseId, input.entries);
};

const REPAIR_STEP_NAMES: Record<string, string> = {
  materials: '补正材料',
  accept: '受理',
  decide: '认定部门审核决定',
};
const repairStepName = (step: string) => REPAIR_STEP_NAMES[step] ?? step;

/**
 * The repair's entry of the supervision index: the office registers and accepts, the record's
 * identifying department decides (谁认定、谁修复). An approved repair waiting on its commitment
 * has no step of its own.
 */
export const indexRepairCase: CaseIndexMapping<RepairView> = (v) => {
  const open = v.closedAt === undefined && !REPAIR_ENDED.includes(v.status) && v.status !== 'approved';
  return {
    procedure: 'repair',
    caseId: v.caseId,
    caseNo: v.caseNo,
    jurisdiction: v.jurisdiction,
    officeDepartment: v.office,
    providerDepartment: v.record.department,
    status: v.status,
    statusName: REPAIR_STATUS_NAMES_ZH[v.status],
    currentStep: open ? indexStep(v.step, repairStepName) : null,
    overdue: v.overdue,
    escalationLevel: v.escalationLevel,
    receivedAt: v.receivedAt,
    closedAt: indexInstant(v.closedAt),
    caseDueAt: null,
    closedSteps: indexClosedSteps(v, repairStepName),
    revision: v.revision,
  };
};

/** The repair procedure on the case kit (see CaseProcedure); its workflow type is `creditRepair`. */
export const repairProcedure: CaseProcedure<RepairView> = {
  procedure: 'repair',
  name: '信用修复',
  workflowType: 'creditRepair',
  stateQuery: repairStateQuery,
  write: writeRepairCase,
  index: indexRepairCase,
};
