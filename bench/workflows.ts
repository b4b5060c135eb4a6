import { condition, defineSignal, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type * as activities from './activities';

const { touch } = proxyActivities<typeof activities>({ startToCloseTimeout: '30s' });
export const go = defineSignal('go');

/** One activity, one timer and one signal: the benchmark's unit of work. */
export async function benchCase(): Promise<void> {
  let released = false;
  setHandler(go, () => {
    released = true;
  });
  await touch();
  await sleep('50ms');
  await condition(() => released);
}

/** An open case waiting on a long timer (idle cost). */
export async function idleCase(): Promise<void> {
  await sleep('30 days');
}
