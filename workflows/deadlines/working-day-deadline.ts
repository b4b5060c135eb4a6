import { condition, defineSignal, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { createDeadlineActivities } from '../../activities/deadlines/deadline-activities';
import { addWorkingDays, ClockStop, DeadlineResult, yearsSpanned } from '../calendar';

/** Sent when a year's holiday arrangement changes: open deadlines are recomputed and re-armed. */
export const calendarChangedSignal = defineSignal<[{ years: number[] }]>('calendarChanged');

const activities = proxyActivities<ReturnType<typeof createDeadlineActivities>>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
});

// Module state is per workflow execution in Temporal's sandbox.
let calendarVersion = 0;
let listening = false;

function listenForCalendarChanges(): void {
  if (listening) return;
  listening = true;
  setHandler(calendarChangedSignal, () => {
    calendarVersion++;
  });
}

export interface DeadlineSpec {
  /** Name of the step, unique within the workflow (e.g. `verify`). */
  step: string;
  /** When the step's clock started (receipt, forwarding ...). */
  startsAt: string;
  workingDays: number;
  clockStops?: ClockStop[];
}

/** The deadline of a step on the calendar in force now (loaded through an activity). */
export async function computeDeadline(spec: DeadlineSpec): Promise<DeadlineResult> {
  const calendar = await activities.loadCalendar(yearsSpanned(spec.startsAt, spec.workingDays));
  return addWorkingDays(spec.startsAt, spec.workingDays, calendar, { clockStops: spec.clockStops });
}

/**
 * Waits until `isDone()` or until the step's working-day deadline passes, whichever is first.
 * The deadline is recorded as open (so calendar changes reach this workflow) and recomputed, with
 * its timer re-armed, whenever the calendar changes. `onDue` may report the current deadline.
 */
export async function waitForStep(
  spec: DeadlineSpec,
  isDone: () => boolean,
  onDeadline: (deadline: DeadlineResult) => void = () => undefined,
): Promise<'done' | 'due'> {
  listenForCalendarChanges();
  const workflowId = workflowInfo().workflowId;
  for (;;) {
    const seen = calendarVersion;
    const deadline = await computeDeadline(spec);
    onDeadline(deadline);
    await activities.recordDeadline({ workflowId, ...spec, ...deadline });
    const remaining = Date.parse(deadline.due) - Date.now();
    const woke = await condition(() => isDone() || calendarVersion !== seen, Math.max(remaining, 1));
    if (isDone()) {
      await activities.clearDeadline({ workflowId, step: spec.step });
      return 'done';
    }
    if (woke) continue; // the calendar changed: recompute and re-arm
    await activities.clearDeadline({ workflowId, step: spec.step });
    return 'due';
  }
}
