import type { StepDeadline } from '../case/types';
import { NATIONAL_RECTIFICATION } from '../policies/presets';
import type { Limit, PolicyVersion, RectificationConsequence, RectificationPolicy } from '../policies/types';
import { limitText } from '../commitment/templates';
import type { InterviewKind, RectificationBasis, RectificationState } from './types';

/**
 * The rectification's rules, pure: the policy's values, the first deadline by tier, the ladder
 * (整改 → 提示约谈 → 警示约谈 → 后续措施), and the next open deadline the read model shows.
 */

/** The policy's rectification rules, or the national (service) defaults for a version without them. */
export function rectificationRules(policy: PolicyVersion): RectificationPolicy {
  return { ...NATIONAL_RECTIFICATION, ...policy.document.rectification };
}

/** The first deadline: the policy's for the record's national tier, else its default. */
export function defaultDeadline(rules: RectificationPolicy, basis: Pick<RectificationBasis, 'tier'>): Limit {
  return (basis.tier && rules.deadlines[basis.tier]) || rules.defaultDeadline;
}

/** What comes after a deadline passed unrectified, given the interviews already held. */
export function nextRung(
  held: number,
  consequence: RectificationConsequence,
): { interview: InterviewKind } | { propose: true } | { close: true } {
  if (held === 0) return { interview: 'reminder' };
  if (held === 1) return { interview: 'warning' };
  return consequence.kind === 'none' ? { close: true } : { propose: true };
}

/** The consequence in a sentence (列入重点关注名单，期限1年). */
export function consequenceText(c: RectificationConsequence): string {
  switch (c.kind) {
    case 'watch-list':
      return `列入${c.listName}，期限${limitText(c.validity)}`;
    case 'measures':
      return `实施失信约束措施（措施清单编码：${c.measureCodes.join('、')}）`;
    case 'none':
      return '不再采取后续措施';
  }
}

/**
 * The earliest open deadline of the case (the subject's term, a report's verification, the
 * interview to schedule or record, the supervisor's decision), or undefined. Pure: the read
 * model uses it too.
 */
export function nextDeadline(
  s: Pick<RectificationState, 'terms' | 'reports' | 'interviews' | 'consequence'>,
): StepDeadline<string> | undefined {
  const term = s.terms.at(-1);
  const open = [
    term && !term.passedAt ? term.deadline : undefined,
    ...s.reports.filter((r) => !r.verification).map((r) => r.deadline),
    ...s.interviews
      .filter((i) => !i.record)
      .map((i) => (i.schedules.length > 0 ? i.recordDeadline : i.scheduleDeadline)),
    s.consequence && !s.consequence.decision ? s.consequence.deadline : undefined,
  ].filter((d): d is StepDeadline<string> => !!d?.due);
  return open.sort((a, b) => Date.parse(a.due) - Date.parse(b.due))[0];
}

/** The subject's current deadline (the last term's due time), when it runs. */
export function currentTermDue(s: Pick<RectificationState, 'terms'>): string | undefined {
  const term = s.terms.at(-1);
  return term && !term.passedAt && term.deadline?.due ? term.deadline.due : undefined;
}
