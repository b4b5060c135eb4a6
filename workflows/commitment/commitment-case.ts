import { proxyActivities } from '@temporalio/workflow';
import type { createDeadlineActivities } from '../../activities/deadlines/deadline-activities';
import { shanghaiDate } from '../calendar';
import { CaseKit } from '../case/case-kit';
import { todayInBeijing } from '../case/periods';
import { addLimit } from '../case/step-clock';
import type { CommitmentPolicy, EscalationPolicy, Limit } from '../policies/types';
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
import type { CommitmentActivities } from './activities-contract';
import { nextDeadline } from './next-deadline';
import { commitmentRules } from './rules';
import { LATEST_TEMPLATE_VERSION, renderCommitment } from './templates';
import { COMMITMENT_TRANSITIONS, COMMITMENT_ACTION_NAMES_ZH, type CommitmentAction } from './transitions';
import {
  VALIDITY_KINDS,
  COMMITMENT_ENDED,
  COMMITMENT_STATUS_NAMES_ZH,
  type CommitmentStart,
  type CommitmentState,
} from './types';

export const commitments = proxyActivities<CommitmentActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', maximumInterval: '5m' },
});
const { loadCalendar } = proxyActivities<ReturnType<typeof createDeadlineActivities>>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
});

export type CommitmentKit = CaseKit<CommitmentState, CommitmentAction>;

/** One commitment: its state, its kit, and the policy's rules it runs by. */
export interface CommitmentCase {
  kit: CommitmentKit;
  s: CommitmentState;
  rules: CommitmentPolicy;
  escalation: EscalationPolicy;
  /** Remind the signer this long before an item is due (the policy's longest lead that fits). */
  reminders: Limit[];
  start: CommitmentStart;
}

/** The case state at signing (or as the previous run carried it), and the kit that runs it. */
export function openCommitmentCase(start: CommitmentStart): CommitmentCase {
  const rules = commitmentRules(start.policy);
  const s = start.resume ?? initialState(start, rules);
  const kit: CommitmentKit = new CaseKit({
    procedure: 'commitment',
    label: `信用承诺${s.caseNo}`,
    state: s,
    transitions: COMMITMENT_TRANSITIONS,
    actionNames: COMMITMENT_ACTION_NAMES_ZH,
    statusNames: COMMITMENT_STATUS_NAMES_ZH,
    ended: COMMITMENT_ENDED,
    refusals: {
      ended: 'COMMITMENT_ENDED',
      wrongStatus: 'COMMITMENT_WRONG_STATUS',
      invalidInput: 'COMMITMENT_INVALID_INPUT',
    },
    supervisorDepartment: s.department,
    resumed: start.resume !== undefined,
    searchAttributes: () => {
      const next = nextDeadline(s);
      return [
        { key: CASE_NO, value: s.caseNo },
        { key: CASE_STATUS, value: s.status },
        { key: CASE_STEP, value: next?.step ?? null },
        { key: CASE_JURISDICTION, value: s.jurisdiction },
        { key: CASE_DEPARTMENTS, value: [s.department] },
        { key: CASE_OVERDUE, value: s.overdue },
        { key: CASE_STEP_DUE_AT, value: next?.due ? new Date(next.due) : null },
        { key: CASE_ESCALATION_LEVEL, value: s.escalationLevel },
      ];
    },
  });
  return {
    kit,
    s,
    rules,
    escalation: start.policy.document.escalation,
    reminders: start.policy.document.commitmentReminders,
    start,
  };
}

function initialState(start: CommitmentStart, rules: CommitmentPolicy): CommitmentState {
  const items = (start.items ?? []).map((item, n) => ({
    no: n + 1,
    name: item.name.trim(),
    limit: item.limit,
    extendedBy: 0,
  }));
  const validity = VALIDITY_KINDS.includes(start.kind)
    ? (start.validity ?? rules.voluntaryValidity)
    : undefined;
  const validUntil = validity ? addLimit(start.signedAt, validity, {}).due : undefined;
  const officeName = start.policy.document.name;
  const version = rules.templateVersions[start.kind] ?? LATEST_TEMPLATE_VERSION[start.kind];
  return {
    caseId: start.caseId,
    caseNo: start.caseNo,
    revision: 0,
    status: 'checking',
    jurisdiction: start.jurisdiction,
    overdue: false,
    escalationLevel: 0,
    timeline: [],
    kind: start.kind,
    policyVersion: start.policy.version,
    department: start.department,
    officeName,
    subject: start.subject,
    signer: start.signer,
    matter: start.matter,
    text: renderCommitment(start.kind, version, {
      subjectName: start.subject.name,
      subjectCode: start.subject.code,
      signerName: start.signer.name,
      signerCapacity: start.signer.capacity,
      matter: start.matter,
      department: start.department,
      officeName,
      signedAt: start.signedAt,
      items,
      validUntil,
    }),
    published: start.published ?? rules.publishedKinds.includes(start.kind),
    signedAt: start.signedAt,
    signedBy: start.signedBy,
    ...(validity && validUntil ? { validity, validUntil } : {}),
    items,
    ...(start.kind === 'notice-commitment' ? { verification: { limit: rules.verifyWithin } } : {}),
    reports: [],
    run: 1,
    ...(start.repairWorkflowId ? { repairWorkflowId: start.repairWorkflowId } : {}),
  };
}

/** The day a period from now ends, on the calendar in force (loaded only for working days). */
export async function dayAfter(period: Limit): Promise<string> {
  const now = new Date().toISOString();
  const year = Number(todayInBeijing().slice(0, 4));
  const calendar = period.unit === 'working-days' ? await loadCalendar([year, year + 1, year + 2]) : {};
  return shanghaiDate(addLimit(now, period, calendar).due);
}

/** Tells the signer (by the channel their contact reaches), once per key. */
export async function tellSigner(
  c: CommitmentCase,
  key: string,
  notice: { kind: string; title: string; body: string },
): Promise<void> {
  await c.kit.tellContact(`signer:${key}`, c.s.signer.contact, notice);
}

/** `commitment:<caseId>`: how registry rows and credit checks name this case. */
export const caseRef = (c: CommitmentCase): string => `commitment:${c.s.caseId}`;
