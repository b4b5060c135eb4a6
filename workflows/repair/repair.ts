import { condition } from '@temporalio/workflow';
import { applyApproval, applyRefusal, applyRevocation } from './effects';
import { registerRepairHandlers } from './handlers';
import { receiveAndCheck, untilAccepted } from './intake';
import { daysFromToday, openRepairCase, type RepairCase } from './repair-case';
import type { RepairStart, RepairView } from './types';

const HISTORY_LIMIT = 2000;

/**
 * 信用修复: one repair application of one dishonesty record, on the case kit.
 * application → eligibility (tier, minimum publicity, bars) → 补正 → 受理 (office, with its clock)
 * → the identifying department's decision (谁认定、谁修复, with its clock) → approval: every
 * effect applied and the 修复决定书, then the 信用修复承诺 runs (a commitment of its own); its
 * breach, or materials found false, revoke the repair. See workflows/repair/transitions.ts and
 * docs/repair-procedure.md.
 */
export async function creditRepair(start: RepairStart): Promise<RepairView> {
  const c = openRepairCase(start);
  const { kit, s } = c;
  registerRepairHandlers(c);
  kit.start();

  if (!start.resume) {
    if (!(await receiveAndCheck(c))) return kit.finish();
    const accept = runAcceptClock(c);
    const accepted = await untilAccepted(c);
    await accept.done;
    if (accepted) {
      const decide = runDecideClock(c);
      await condition(() => s.status !== 'accepted');
      await decide.done;
      if (s.status === 'approved') await applyApproval(c);
      else if (s.status === 'refused') await applyRefusal(c);
    }
  }
  // Approved (or revoked since): the 信用修复承诺 runs; its end or a revocation decides the rest.
  if (s.decision?.approved && s.closedAt === undefined) {
    const limit = start.historyLimit ?? HISTORY_LIMIT;
    await condition(
      () => s.revocation !== undefined || s.commitment?.endedAs !== undefined || kit.historyFull(limit),
    );
    if (!s.revocation && s.commitment?.endedAs === 'breached') {
      kit.transition('revoke');
      s.revocation = {
        cause: 'commitment-breached',
        reason: `信用修复承诺（${s.commitment.caseNo}）违约`,
        by: 'system',
        at: new Date().toISOString(),
        barredUntil: daysFromToday(c.rules.barAfterRevocation),
      };
      kit.record('revoked', 'system', `违背信用修复承诺，撤销信用修复`);
    }
    if (s.revocation) await applyRevocation(c);
    else if (s.commitment?.endedAs === 'kept') close(c);
    else
      return kit.continueAsNew<typeof creditRepair>(() => [{ ...start, resume: { ...s, run: s.run + 1 } }]);
  }
  return kit.finish();
}

function close(c: RepairCase): void {
  const { kit, s } = c;
  kit.transition('close');
  s.closedAt = new Date().toISOString();
  kit.record('closed', 'system', '信用修复承诺期满履约，信用修复案件办结');
}

/** 受理: the office's step, its clock stopped while waiting for 补正. */
function runAcceptClock(c: RepairCase) {
  const { kit, s, rules, escalation } = c;
  return kit.runStep<'accept'>({
    key: 'accept',
    name: '受理',
    startsAt: s.receivedAt,
    limit: rules.acceptWithin,
    escalation,
    assignee: s.receivedBy,
    department: s.office,
    isDone: () => s.status !== 'received' && s.status !== 'awaiting-materials',
    extendedBy: () => 0,
    clockStops: () => s.clockStops,
    show: (deadline) => {
      if (s.status === 'received') s.step = deadline;
    },
  });
}

/** 认定部门决定: the identifying department's step (谁认定、谁修复). */
function runDecideClock(c: RepairCase) {
  const { kit, s, rules, escalation } = c;
  return kit.runStep<'decide'>({
    key: 'decide',
    name: '认定部门审核决定',
    startsAt: s.acceptedAt!,
    limit: rules.decideWithin,
    escalation,
    assignee: `provider@${s.record.department}`,
    department: s.record.department,
    isDone: () => s.status !== 'accepted',
    extendedBy: () => 0,
    show: (deadline) => {
      s.step = deadline;
    },
  });
}
