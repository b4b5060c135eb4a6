import { defineQuery, defineSignal, setHandler } from '@temporalio/workflow';
import type { DeadlineResult } from '../../workflows/calendar';
import { waitForStep } from '../../workflows/deadlines/working-day-deadline';

export const finishSignal = defineSignal('finish');
export const deadlinesQuery = defineQuery<DeadlineResult[]>('deadlines');

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
