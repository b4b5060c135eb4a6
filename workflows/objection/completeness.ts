import { condition } from '@temporalio/workflow';
import { runStep, type ObjectionCase } from './objection-case';
import { STEP_NAMES_ZH } from './state';

export type IntakeEnd = 'forward' | 'withdrawn' | 'lapsed';

/**
 * The office's intake: completeness (补正 rounds, each stopping the clocks until the materials
 * arrive or the applicant's time lapses) until the case is forwarded or withdrawn. The forward
 * step's clock runs meanwhile.
 */
export async function checkCompleteness(c: ObjectionCase): Promise<IntakeEnd> {
  const { kit, s } = c;
  let end: IntakeEnd | undefined;
  const intakeOver = () =>
    end !== undefined || !['received', 'awaiting-materials'].includes(s.status) || s.pending !== undefined;
  const forwardClock = runStep(c, 'forward', s.receivedAt, intakeOver, {
    current: () => s.status === 'received',
  });
  while (!end) {
    await condition(() => s.pending !== undefined || s.status === 'awaiting-materials');
    if (kit.requested('withdraw')) end = 'withdrawn';
    else if (kit.requested('forward')) end = 'forward';
    else if (await materialsLapse(c)) end = 'lapsed';
  }
  await forwardClock?.done;
  return end;
}

/** One 补正 round: true when the applicant's time ran out (and no withdrawal came first). */
async function materialsLapse(c: ObjectionCase): Promise<boolean> {
  const { kit, s } = c;
  const pending = s.pendingMaterials!;
  let due = false;
  const over = () => s.status !== 'awaiting-materials' || kit.requested('withdraw') !== undefined || due;
  const clock = kit.runStep({
    key: 'materials',
    name: STEP_NAMES_ZH.materials,
    startsAt: pending.requestedAt,
    limit: c.rules.materialsLapse,
    assignee: 'applicant',
    department: s.officeDepartment,
    isDone: over,
    extendedBy: () => 0,
    show: (deadline) => {
      if (s.pendingMaterials !== pending) return;
      pending.lapsesAt = deadline.due;
      s.step = deadline;
    },
    onDue: () => {
      due = true;
    },
  });
  await condition(over);
  await clock.done;
  return due && s.status === 'awaiting-materials' && kit.requested('withdraw') === undefined;
}
