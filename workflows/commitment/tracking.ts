import { chineseDate } from '../case/notices';
import type { EscalationPolicy, Limit } from '../policies/types';
import { tellSigner, type CommitmentCase } from './commitment-case';
import {
  VALIDITY_KINDS,
  type BreachOutcome,
  type BreachReport,
  type CommitmentState,
  type PromisedItem,
} from './types';

/**
 * 履约跟踪: every dated obligation of a commitment is a step clock of the case kit, restarted from
 * the state after continue-as-new:
 * - each promised item (容缺受理): reminder to the caseworker and the signer, overdue at the due
 *   time (the department's supervisor is told, the signer warned), second level (credit office) —
 *   an item still not supplied then is missed, and the commitment is breached. Between the due
 *   time and the second level the department may still record a late supply or extend;
 * - the verification (告知承诺 事后核查): the department's own step, escalated when late;
 * - the review of each reported breach (违诺线索), the department's step;
 * - the validity (自律承诺): it just runs out, and the commitment is then kept.
 */
export function startClocks(c: CommitmentCase): void {
  const { s } = c;
  for (const item of s.items) if (!item.suppliedAt && !item.missedAt) startItemClock(c, item);
  if (s.verification && !s.verification.result) startVerificationClock(c);
  for (const report of s.reports) if (report.status === 'reported') startReportClock(c, report);
  if (s.validity && !s.validityEndedAt) startValidityClock(c);
}

/** The signer's reminder: the policy's longest lead that still falls inside the item's limit. */
export function reminderFor(limit: Limit, reminders: Limit[], fallback: Limit): Limit {
  const fits = reminders
    .filter((r) =>
      limit.unit === 'working-days' && r.unit === 'working-days' ? r.value < limit.value : true,
    )
    .sort((a, b) => b.value - a.value);
  return fits[0] ?? fallback;
}

function itemEscalation(c: CommitmentCase, item: PromisedItem): EscalationPolicy {
  return {
    remindBefore: reminderFor(item.limit, c.reminders, c.escalation.remindBefore),
    secondLevelAfter: c.escalation.secondLevelAfter,
  };
}

function startItemClock(c: CommitmentCase, item: PromisedItem): void {
  const { kit, s } = c;
  kit.runStep({
    key: `item-${item.no}`,
    name: `补交材料“${item.name}”`,
    startsAt: s.signedAt,
    limit: item.limit,
    escalation: itemEscalation(c, item),
    assignee: s.signedBy,
    department: s.department,
    previous: item.deadline,
    isDone: () => item.suppliedAt !== undefined || item.missedAt !== undefined || kit.ended(),
    extendedBy: () => item.extendedBy,
    show: (deadline) => {
      item.deadline = deadline;
    },
    onMilestone: (milestone) => {
      if (milestone === 'second-level' && !item.suppliedAt) item.missedAt = new Date().toISOString();
    },
    alsoTell: async (milestone, deadline) => {
      if (milestone === 'second-level') return; // the breach notice says it
      const due = chineseDate(deadline.due);
      await tellSigner(c, `item-${item.no}:${milestone}:${deadline.due}`, {
        kind: milestone === 'remind' ? 'commitment.item.reminder' : 'commitment.item.overdue',
        title: milestone === 'remind' ? `【履约提醒】${s.caseNo}` : `【逾期提醒】${s.caseNo}`,
        body:
          milestone === 'remind'
            ? `您承诺补交的“${item.name}”将于${due}到期，请按时向${s.department}提交。`
            : `您承诺补交的“${item.name}”已于${due}到期仍未提交，请立即提交；逾期不补交的，将认定违约并录入公共信用信息系统。`,
      });
    },
  });
}

function startVerificationClock(c: CommitmentCase): void {
  const { kit, s } = c;
  const verification = s.verification!;
  kit.runStep({
    key: 'verify',
    name: '事后核查',
    startsAt: s.signedAt,
    limit: verification.limit,
    escalation: c.escalation,
    assignee: s.signedBy,
    department: s.department,
    previous: verification.deadline,
    isDone: () => verification.result !== undefined || kit.ended(),
    extendedBy: () => 0,
    show: (deadline) => {
      verification.deadline = deadline;
    },
  });
}

export function startReportClock(c: CommitmentCase, report: BreachReport): void {
  const { kit, s } = c;
  kit.runStep({
    key: `report-${report.no}`,
    name: `违诺线索核实（第${report.no}条）`,
    startsAt: report.reportedAt,
    limit: c.rules.breachReview,
    escalation: c.escalation,
    assignee: s.signedBy,
    department: s.department,
    previous: report.deadline,
    isDone: () => report.status !== 'reported' || kit.ended(),
    extendedBy: () => 0,
    show: (deadline) => {
      report.deadline = deadline;
    },
  });
}

function startValidityClock(c: CommitmentCase): void {
  const { kit, s } = c;
  kit.runStep({
    key: 'validity',
    name: '承诺有效期',
    startsAt: s.signedAt,
    limit: s.validity!,
    assignee: s.signedBy,
    department: s.department,
    isDone: () => s.validityEndedAt !== undefined || kit.ended(),
    extendedBy: () => 0,
    announceRecompute: false,
    show: (deadline) => {
      s.validUntil = deadline.due;
    },
    onDue: () => {
      s.validityEndedAt = new Date().toISOString();
    },
  });
}

/** What ends a commitment, once it is decided (pure): a breach first, else keeping. */
export type Verdict =
  | { kind: 'breach'; cause: BreachOutcome['cause']; summary: string; measureCodes: string[] }
  | { kind: 'kept'; summary: string };

export function verdict(s: CommitmentState): Verdict | undefined {
  const missed = s.items.filter((i) => i.missedAt && !i.suppliedAt);
  if (missed.length > 0) {
    return {
      kind: 'breach',
      cause: 'item-missed',
      summary: `承诺补交的${missed.map((i) => `“${i.name}”`).join('、')}逾期未提供`,
      measureCodes: [],
    };
  }
  if (s.verification?.result?.truthful === false) {
    return {
      kind: 'breach',
      cause: 'verification-false',
      summary: `经事后核查，承诺内容与实际不符：${s.verification.result.finding}`,
      measureCodes: [],
    };
  }
  const confirmed = s.reports.find((r) => r.status === 'confirmed');
  if (confirmed) {
    return {
      kind: 'breach',
      cause: 'breach-confirmed',
      summary: `经核实，违诺线索属实：${confirmed.description}（${confirmed.decision ?? ''}）`,
      measureCodes: confirmed.measureCodes ?? [],
    };
  }
  if (s.reports.some((r) => r.status === 'reported')) return undefined; // decide them first
  if (s.kind === 'deferred-materials' && s.items.every((i) => i.suppliedAt)) {
    const late = s.items.filter((i) => i.late).length;
    return {
      kind: 'kept',
      summary: `承诺的${s.items.length}项材料已全部补交${late ? `（其中${late}项逾期补交）` : ''}`,
    };
  }
  if (s.kind === 'notice-commitment' && s.verification?.result?.truthful) {
    return { kind: 'kept', summary: `经事后核查，承诺内容属实：${s.verification.result.finding}` };
  }
  if (VALIDITY_KINDS.includes(s.kind) && s.validityEndedAt) {
    return { kind: 'kept', summary: '承诺有效期届满，期间未发现违背承诺的行为' };
  }
  return undefined;
}
