import { proxyActivities } from '@temporalio/workflow';
import { CaseKit } from '../case/case-kit';
import { caseSearchAttributes } from '../case/search-attributes';
import type { EscalationPolicy, RectificationPolicy } from '../policies/types';
import type { RectificationActivities } from './activities-contract';
import { defaultDeadline, nextDeadline, rectificationRules } from './rules';
import {
  RECTIFICATION_ACTION_NAMES_ZH,
  RECTIFICATION_TRANSITIONS,
  type RectificationAction,
} from './transitions';
import {
  RECTIFICATION_ENDED,
  RECTIFICATION_STATUS_NAMES_ZH,
  type RectificationStart,
  type RectificationState,
} from './types';

export const rectifications = proxyActivities<RectificationActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', maximumInterval: '5m' },
});

export type RectificationKit = CaseKit<RectificationState, RectificationAction>;

/** One rectification: its state, its kit, and the policy's rules it runs by. */
export interface RectificationCase {
  kit: RectificationKit;
  s: RectificationState;
  rules: RectificationPolicy;
  escalation: EscalationPolicy;
}

/** The case state at the order, and the kit that runs it. */
export function openRectificationCase(start: RectificationStart): RectificationCase {
  const rules = rectificationRules(start.policy);
  const s: RectificationState = {
    caseId: start.caseId,
    caseNo: start.caseNo,
    revision: 0,
    status: 'rectifying',
    jurisdiction: start.jurisdiction,
    overdue: false,
    escalationLevel: 0,
    timeline: [],
    policyVersion: start.policy.version,
    department: start.department,
    officeName: start.policy.document.name,
    subject: start.subject,
    contact: start.contact,
    basis: start.basis,
    obligations: start.obligations.map((o) => o.trim()),
    domain: start.domain?.trim() || start.department,
    stage: 'rectification',
    terms: [
      {
        no: 1,
        from: 'order',
        startsAt: start.startedAt,
        limit: start.deadline?.limit ?? defaultDeadline(rules, start.basis),
        ...(start.deadline ? { reason: start.deadline.reason.trim() } : {}),
      },
    ],
    reports: [],
    interviews: [],
    startedBy: start.startedBy,
    startedAt: start.startedAt,
  };
  const kit: RectificationKit = new CaseKit({
    procedure: 'rectification',
    label: `限期整改${s.caseNo}`,
    state: s,
    transitions: RECTIFICATION_TRANSITIONS,
    actionNames: RECTIFICATION_ACTION_NAMES_ZH,
    statusNames: RECTIFICATION_STATUS_NAMES_ZH,
    ended: RECTIFICATION_ENDED,
    refusals: {
      ended: 'RECTIFICATION_ENDED',
      wrongStatus: 'RECTIFICATION_WRONG_STATUS',
      invalidInput: 'RECTIFICATION_INVALID_INPUT',
    },
    supervisorDepartment: s.department,
    searchAttributes: () => caseSearchAttributes(s, nextDeadline(s), [s.department]),
  });
  return { kit, s, rules, escalation: start.policy.document.escalation };
}

/** Tells the subject (by the channel its contact reaches), once per key. */
export async function tellSubject(
  c: RectificationCase,
  key: string,
  notice: { kind: string; title: string; body: string },
): Promise<void> {
  await c.kit.tellContact(`subject:${key}`, c.s.contact.contact, notice);
}

/** `rectification:<caseId>`: how registry rows name this case. */
export const caseRef = (c: RectificationCase): string => `rectification:${c.s.caseId}`;
