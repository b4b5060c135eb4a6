import { patched, proxyActivities } from '@temporalio/workflow';
import type {
  createRegistryActivities,
  RecordStepInput,
} from '../../activities/registry/registry-activities';
import { CaseKit } from '../case/case-kit';
import { periodEnd, todayInBeijing } from '../case/periods';
import type { EscalationPolicy, Limit, RepairPolicy } from '../policies/types';
import {
  CASE_DEPARTMENTS,
  CASE_ESCALATION_LEVEL,
  CASE_JURISDICTION,
  CASE_NO,
  CASE_OVERDUE,
  CASE_STATUS,
  CASE_STEP,
  CASE_STEP_DUE_AT,
} from '../search-attributes';
import type { RepairActivities } from './activities-contract';
import { repairRules } from './eligibility';
import { REPAIR_ACTION_NAMES_ZH, REPAIR_TRANSITIONS, type RepairAction } from './transitions';
import { REPAIR_ENDED, REPAIR_STATUS_NAMES_ZH, type RepairStart, type RepairState } from './types';

/** The registry steps a repair takes on its record (activities/registry/registry-activities.ts). */
type RepairRegistry = Pick<
  ReturnType<typeof createRegistryActivities>,
  | 'repairRecord'
  | 'liftRecordMeasures'
  | 'exitRecordListEntries'
  | 'unrepairRecord'
  | 'reapplyRecordMeasures'
  | 'restoreListEntries'
>;

export const registry = proxyActivities<RepairRegistry>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', maximumInterval: '5m' },
});
export const repairs = proxyActivities<RepairActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', maximumInterval: '5m' },
});

export type RepairKit = CaseKit<RepairState, RepairAction>;

/** One repair case: its state, its kit and the policy's rules. */
export interface RepairCase {
  kit: RepairKit;
  s: RepairState;
  rules: RepairPolicy;
  escalation: EscalationPolicy;
  start: RepairStart;
}

/** Patch id: the office's own name on a repair's notices and letters. */
export const REPAIR_OFFICE_NAME_PATCH = 'repair-office-name';

export function openRepairCase(start: RepairStart): RepairCase {
  const s: RepairState = start.resume ?? {
    caseId: start.caseId,
    caseNo: start.caseNo,
    revision: 0,
    status: 'received',
    jurisdiction: start.jurisdiction,
    overdue: false,
    escalationLevel: 0,
    timeline: [],
    policyVersion: start.policy.version,
    office: start.office,
    // The office that handles the case signs its notices and letters (谁认定、谁修复: usually the
    // record's department); cases begun before this patch signed with the policy's issuer.
    officeName: patched(REPAIR_OFFICE_NAME_PATCH) ? start.office : start.policy.document.name,
    channel: start.channel,
    subject: start.subject,
    applicant: start.applicant,
    record: start.record,
    materials: [...start.materials],
    clockStops: [],
    receivedBy: start.receivedBy,
    receivedAt: start.receivedAt,
    run: 1,
  };
  const kit: RepairKit = new CaseKit({
    procedure: 'repair',
    label: `信用修复申请${s.caseNo}`,
    state: s,
    transitions: REPAIR_TRANSITIONS,
    actionNames: REPAIR_ACTION_NAMES_ZH,
    statusNames: REPAIR_STATUS_NAMES_ZH,
    ended: REPAIR_ENDED,
    refusals: {
      ended: 'REPAIR_ENDED',
      wrongStatus: 'REPAIR_WRONG_STATUS',
      invalidInput: 'REPAIR_INVALID_INPUT',
    },
    supervisorDepartment: s.office,
    resumed: start.resume !== undefined,
    searchAttributes: () => [
      { key: CASE_NO, value: s.caseNo },
      { key: CASE_STATUS, value: s.status },
      { key: CASE_STEP, value: s.step?.step ?? null },
      { key: CASE_JURISDICTION, value: s.jurisdiction },
      { key: CASE_DEPARTMENTS, value: [...new Set([s.office, s.record.department])] },
      { key: CASE_OVERDUE, value: s.overdue },
      { key: CASE_STEP_DUE_AT, value: s.step?.due ? new Date(s.step.due) : null },
      { key: CASE_ESCALATION_LEVEL, value: s.escalationLevel },
    ],
  });
  return { kit, s, rules: repairRules(start.policy), escalation: start.policy.document.escalation, start };
}

/** The last day of a period from today (statutory calendar). */
export const daysFromToday = (period: Limit): string => periodEnd(todayInBeijing(), period);

/** The registry input of a step this case takes on its record. */
export function recordStep(c: RepairCase, reason: string): RecordStepInput {
  return {
    recordId: c.s.record.id,
    caseRef: `repair:${c.s.caseId}`,
    actor: 'system',
    reason: `信用修复案件${c.s.caseNo}：${reason}`,
  };
}

/** Tells the applicant (by the channel their contact reaches), once per key. */
export async function tellApplicant(
  c: RepairCase,
  key: string,
  notice: { kind: string; title: string; body: string },
): Promise<void> {
  await c.kit.tellContact(`applicant:${key}`, c.s.applicant.contact, notice);
}
