import {
  condition,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createDeadlineActivities } from '../../activities/deadlines/deadline-activities';
import type { DeadlineResult } from '../../workflows/calendar';
import { runStepTimer, type StepPlan } from '../../workflows/case/step-clock';
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
export const stepPlansQuery = defineQuery<StepPlan[]>('stepPlans');

/** A 5-working-day step whose extensions arrive as signals (the kit's step clock, bare). */
export async function extendableStep(startsAt: string): Promise<string> {
  let finished = false;
  let extendedBy = 0;
  const plans: StepPlan[] = [];
  setHandler(finishSignal, () => {
    finished = true;
  });
  setHandler(extendSignal, (days) => {
    extendedBy += days;
  });
  setHandler(stepPlansQuery, () => plans);
  await runStepTimer(
    { step: 'verify', startsAt, limit: { value: 5, unit: 'working-days' } },
    {
      isDone: () => finished,
      extendedBy: () => extendedBy,
      clockStops: () => [],
      onPlan: async (plan) => {
        plans.push(plan);
      },
      onMilestone: async () => undefined,
    },
  );
  return 'done';
}
