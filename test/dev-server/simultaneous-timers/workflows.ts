import { proxyActivities, sleep } from '@temporalio/workflow';
import type * as activities from '../activities';

/** A queue no worker polls: activities sent there wait until their timeouts fire. */
export const UNSERVED_QUEUE = 'simultaneous-timers-unserved';

const unserved = (timeoutMs: number) =>
  proxyActivities<typeof activities>({
    taskQueue: UNSERVED_QUEUE,
    scheduleToStartTimeout: timeoutMs,
    scheduleToCloseTimeout: timeoutMs,
    startToCloseTimeout: timeoutMs,
    retry: { maximumAttempts: 1 },
  });

/** Two activities whose schedule-to-start and schedule-to-close timeouts fall at the same instant. */
export async function activityTimeoutsAtOnce(): Promise<string> {
  const { greet } = unserved(1000);
  await Promise.allSettled([greet('first'), greet('second')]);
  return 'timed out';
}

/** Three timers started by one workflow task with the same duration: they fall due together. */
export async function timersAtOnce(): Promise<string> {
  await Promise.all([sleep('1 second'), sleep('1 second'), sleep('1 second')]);
  return 'fired';
}

/** A timer started before an activity in the same task, both due at the same instant. */
export async function timerBeforeActivity(): Promise<string> {
  const { greet } = unserved(1000);
  await Promise.allSettled([sleep('1 second'), greet('late')]);
  return 'done';
}
