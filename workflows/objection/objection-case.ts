import { proxyActivities } from '@temporalio/workflow';
import type {
  createRegistryActivities,
  RecordStepInput,
} from '../../activities/registry/registry-activities';
import { CaseKit } from '../case/case-kit';
import { applicantChannel } from '../case/notices';
import type { StepTimer } from '../case/step-clock';
import type { EscalationPolicy, Limit, ObjectionPolicy } from '../policies/types';
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
import type { ObjectionActivities } from './activities-contract';
import type { ObjectionSnapshot, ObjectionStepName, StepDeadline } from './state';
import { STEP_NAMES_ZH } from './state';
import { OBJECTION_ACTION_NAMES_ZH, OBJECTION_TRANSITIONS, type ObjectionAction } from './transitions';
import { ENDED_STATUSES, STATUS_NAMES_ZH, type ObjectionStart } from './types';

export const registry = proxyActivities<ReturnType<typeof createRegistryActivities>>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', maximumInterval: '5m' },
});
export const { openRestorationTask } = proxyActivities<ObjectionActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', maximumInterval: '5m' },
});

export type ObjectionKit = CaseKit<ObjectionSnapshot, ObjectionAction>;

/** One objection case: its state, its kit and the objection's own vocabulary on top of it. */
export interface ObjectionCase {
  kit: ObjectionKit;
  s: ObjectionSnapshot;
  rules: ObjectionPolicy;
  escalation: EscalationPolicy;
}

/** The case state at receipt, and the kit that runs it. */
export function openObjectionCase(start: ObjectionStart): ObjectionCase {
  const rules = start.policy.document.objection;
  const s: ObjectionSnapshot = {
    caseId: start.caseId,
    caseNo: start.caseNo,
    revision: 0,
    status: 'received',
    jurisdiction: start.jurisdiction,
    policyVersion: start.policy.version,
    officeDepartment: start.officeDepartment,
    officeName: start.officeName,
    providerDepartment: start.providerDepartment,
    applicant: start.applicant,
    channel: start.channel,
    recordId: start.recordId,
    recordDescription: start.recordDescription,
    grounds: start.grounds,
    groundsText: start.groundsText,
    attachments: [...start.attachments],
    receivedBy: start.receivedBy,
    receivedAt: start.receivedAt,
    caseDueProvisional: false,
    overdue: false,
    escalationLevel: 0,
    clockStops: [],
    suspension: rules.suspension,
    recordMarked: false,
    recordHidden: false,
    suspendedMeasureIds: [],
    extensions: {},
    outcomeApplied: false,
    timeline: [],
  };
  const kit: ObjectionKit = new CaseKit({
    procedure: 'objection',
    label: `异议案件${s.caseNo}`,
    state: s,
    transitions: OBJECTION_TRANSITIONS,
    actionNames: OBJECTION_ACTION_NAMES_ZH,
    statusNames: STATUS_NAMES_ZH,
    ended: ENDED_STATUSES,
    refusals: {
      ended: 'OBJECTION_ENDED',
      wrongStatus: 'OBJECTION_WRONG_STATUS',
      invalidInput: 'OBJECTION_INVALID_INPUT',
    },
    supervisorDepartment: s.officeDepartment,
    searchAttributes: () => [
      { key: CASE_NO, value: s.caseNo },
      { key: CASE_STATUS, value: s.status },
      { key: CASE_STEP, value: s.step?.step ?? null },
      { key: CASE_JURISDICTION, value: s.jurisdiction },
      {
        key: CASE_DEPARTMENTS,
        value: s.status === 'forwarded' ? [s.officeDepartment, s.providerDepartment] : [s.officeDepartment],
      },
      { key: CASE_OVERDUE, value: s.overdue },
      { key: CASE_STEP_DUE_AT, value: s.step?.due ? new Date(s.step.due) : null },
      { key: CASE_ESCALATION_LEVEL, value: s.escalationLevel },
    ],
  });
  return { kit, s, rules, escalation: start.policy.document.escalation };
}

/** The policy's limit of a step (a step without one is due with the whole case). */
export function limitOf(c: ObjectionCase, step: ObjectionStepName): Limit | undefined {
  const { rules } = c;
  return {
    materials: rules.materialsLapse,
    forward: rules.forward,
    verify: rules.verify,
    notify: rules.notify,
  }[step];
}

/** Who must act in a step, and the department answerable for it. */
export function assigneeOf(
  c: ObjectionCase,
  step: ObjectionStepName,
): { assignee: string; department: string } {
  const { s } = c;
  if (step === 'materials') return { assignee: 'applicant', department: s.officeDepartment };
  if (step === 'verify')
    return { assignee: `provider@${s.providerDepartment}`, department: s.providerDepartment };
  return { assignee: s.receivedBy, department: s.officeDepartment };
}

/** A step without a limit of its own: shown as due when the whole case is. */
export function dueWithCase(c: ObjectionCase, step: ObjectionStepName, startedAt: string): StepDeadline {
  const { s, rules } = c;
  return {
    step,
    ...assigneeOf(c, step),
    startedAt,
    limit: rules.total ?? { value: 0, unit: 'working-days' },
    extendedBy: s.extensions[step] ?? 0,
    due: s.caseDue ?? '',
    provisional: s.caseDueProvisional,
    escalationLevel: 0,
  };
}

/**
 * Starts an office or provider step: its own clock when the policy gives it a limit, otherwise
 * it is shown as due with the whole case. `current` says when the step is the one on show.
 */
export function runStep(
  c: ObjectionCase,
  step: Exclude<ObjectionStepName, 'materials'>,
  startedAt: string,
  isDone: () => boolean,
  options: { current: () => boolean; onShow?: (deadline: StepDeadline) => void },
): StepTimer | undefined {
  const { s, kit } = c;
  s.step = dueWithCase(c, step, startedAt);
  kit.touch();
  const limit = limitOf(c, step);
  if (!limit) return undefined;
  return kit.runStep<ObjectionStepName>({
    key: step,
    name: STEP_NAMES_ZH[step],
    startsAt: startedAt,
    limit,
    escalation: c.escalation,
    ...assigneeOf(c, step),
    isDone,
    extendedBy: () => s.extensions[step] ?? 0,
    clockStops: step === 'forward' ? () => s.clockStops : undefined,
    show: (deadline) => {
      if (options.current()) s.step = deadline;
      options.onShow?.(deadline);
    },
  });
}

/** The whole case's limit (叶县 5 WD, 新郑 12 WD) beside the step clocks, until the case ends. */
export function runCaseClock(c: ObjectionCase): StepTimer | undefined {
  const { s, kit, rules } = c;
  if (!rules.total) return undefined;
  return kit.runStep({
    key: 'case',
    name: undefined,
    startsAt: s.receivedAt,
    limit: rules.total,
    escalation: c.escalation,
    assignee: s.receivedBy,
    department: s.officeDepartment,
    isDone: () => kit.ended(),
    extendedBy: () => s.extensions.case ?? 0,
    clockStops: () => s.clockStops,
    announceRecompute: false,
    show: (deadline) => {
      s.caseDue = deadline.due;
      s.caseDueProvisional = deadline.provisional;
      if (s.step && s.step.step !== 'materials' && !limitOf(c, s.step.step)) {
        s.step = { ...dueWithCase(c, s.step.step, s.step.startedAt), overdueAt: deadline.overdueAt };
      }
    },
    // When the step in progress falls due at the same time, its own notice says it all.
    quiet: (plan) => s.step !== undefined && s.step.due === plan.due && limitOf(c, s.step.step) !== undefined,
  });
}

/** Tells the applicant (by the channel their contact reaches), once per key. */
export async function tellApplicant(
  c: ObjectionCase,
  key: string,
  notice: { kind: string; title: string; body: string },
  channel = applicantChannel(c.s.applicant.contact),
): Promise<void> {
  await c.kit.tell(`applicant:${key}`, { channel, recipient: c.s.applicant.contact }, notice);
}

/** The registry input of an action this case takes on its record. */
export function recordStep(c: ObjectionCase, reason: string): RecordStepInput {
  return {
    recordId: c.s.recordId,
    caseRef: `objection:${c.s.caseId}`,
    actor: 'system',
    reason: `异议案件${c.s.caseNo}：${reason}`,
  };
}
