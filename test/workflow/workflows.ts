import {
  condition,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createDeadlineActivities } from '../../activities/deadlines/deadline-activities';
import type { ClockStop, DeadlineResult } from '../../workflows/calendar';
import { startStepTimer, type StepPlan } from '../../workflows/case/step-clock';
import { calendarChangedSignal, waitForStep } from '../../workflows/deadlines/working-day-deadline';

export { calendarChangeFanOut } from '../../workflows/calendar-change/calendar-change-fan-out';

export const finishSignal = defineSignal('finish');
export const deadlinesQuery = defineQuery<DeadlineResult[]>('deadlines');
export const calendarChangesQuery = defineQuery<number[][]>('calendarChanges');

const activities = proxyActivities<ReturnType<typeof createDeadlineActivities>>({
  startToCloseTimeout: '30s',
});

/** One step with a working-day limit, as a procedure's step uses it. */
export async function stepWithDeadline(startsAt: string, workingDays: number): Promise<string> {
  let finished = false;
  const seen: DeadlineResult[] = [];
  setHandler(finishSignal, () => {
    finished = true;
  });
  setHandler(deadlinesQuery, () => seen);
  return waitForStep(
    { step: 'verify', startsAt, workingDays },
    () => finished,
    (d) => seen.push(d),
  );
}

/**
 * A step whose plan (start, due time, latest instant) is given: records it as open and keeps the
 * calendar changes it is told about, until finished.
 */
export async function stepWithPlan(plan: {
  startsAt: string;
  due: string;
  horizon: string;
}): Promise<string> {
  let finished = false;
  const changes: number[][] = [];
  setHandler(finishSignal, () => {
    finished = true;
  });
  setHandler(calendarChangedSignal, ({ years }) => {
    changes.push(years);
  });
  setHandler(calendarChangesQuery, () => changes);
  const { workflowId } = workflowInfo();
  await activities.recordDeadline({
    workflowId,
    step: 'verify',
    workingDays: 5,
    provisional: false,
    ...plan,
  });
  await condition(() => finished);
  await activities.clearDeadline({ workflowId, step: 'verify' });
  return 'done';
}

export const extendSignal = defineSignal<[number]>('extend');
/** 补正 requested (the clock stops at the given instant) and supplied (it runs again). */
export const stopClockSignal = defineSignal<[string]>('stopClock');
export const resumeClockSignal = defineSignal<[string]>('resumeClock');
/** Whether the plan on file reflects every extension and stop so far (or the clock is stopped). */
export const stepSettledQuery = defineQuery<boolean>('stepSettled');
export const stepPlansQuery = defineQuery<StepPlan[]>('stepPlans');

/** A 5-working-day step whose extensions arrive as signals (the kit's step clock, bare). */
export async function extendableStep(startsAt: string): Promise<string> {
  let finished = false;
  let extendedBy = 0;
  const plans: StepPlan[] = [];
  // The case's own list, grown in place as the procedures' handlers do.
  const stops: ClockStop[] = [];
  setHandler(finishSignal, () => {
    finished = true;
  });
  setHandler(extendSignal, (days) => {
    extendedBy += days;
  });
  setHandler(stopClockSignal, (from) => {
    stops.push({ from });
  });
  setHandler(resumeClockSignal, (to) => {
    stops[stops.length - 1].to = to;
  });
  setHandler(stepPlansQuery, () => plans);
  const timer = startStepTimer(
    { step: 'verify', startsAt, limit: { value: 5, unit: 'working-days' } },
    {
      isDone: () => finished,
      extendedBy: () => extendedBy,
      clockStops: () => stops,
      onPlan: async (plan) => {
        plans.push(plan);
      },
      onMilestone: async () => undefined,
    },
  );
  setHandler(stepSettledQuery, () => timer.settled());
  await timer.done;
  return 'done';
}
