import {
  ApplicationFailure,
  ChildWorkflowFailure,
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from '../activities';

const { greet, flaky, slow, alwaysFails, heartbeating } = proxyActivities<typeof activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '50ms', maximumAttempts: 5 },
});

export const approve = defineSignal<[string]>('approve');
export const status = defineQuery<string>('status');
export const setLimit = defineUpdate<number, [number]>('setLimit');

/** Activity, timer, signal, query and update in one workflow. */
export async function everything(name: string): Promise<string> {
  let state = 'waiting';
  let approvedBy = '';
  let limit = 0;
  setHandler(status, () => state);
  setHandler(approve, (by) => {
    approvedBy = by;
  });
  setHandler(
    setLimit,
    (value) => {
      limit = value;
      return limit * 2;
    },
    {
      validator: (value) => {
        if (value < 0) throw new Error('limit must not be negative');
      },
    },
  );
  const greeting = await greet(name);
  await sleep('100ms');
  await condition(() => approvedBy !== '');
  state = 'approved';
  await condition(() => limit > 0);
  const uuid = uuid4();
  return `${greeting}; approved by ${approvedBy}; limit ${limit}; ${patched('p1') ? 'patched' : 'old'}; ${uuid.length}`;
}

export async function retriesThenSucceeds(): Promise<number> {
  return flaky(3);
}

export async function failsActivity(): Promise<string> {
  return alwaysFails();
}

export async function failsItself(): Promise<void> {
  throw ApplicationFailure.nonRetryable('business rule broken', 'RuleError');
}

export async function sleepsLong(): Promise<string> {
  try {
    await sleep('1 day');
    return 'woke';
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => greet('cleanup'));
      throw err;
    }
    throw err;
  }
}

export async function cancelsActivity(): Promise<string> {
  const scope = new CancellationScope();
  const running = scope.run(() => heartbeating(20));
  await sleep('300ms');
  scope.cancel();
  try {
    await running;
    return 'not cancelled';
  } catch (err) {
    return isCancellation(err) ? 'activity cancelled' : `other: ${String(err)}`;
  }
}

export async function slowActivity(ms: number): Promise<string> {
  return slow(ms);
}

export async function parent(): Promise<string> {
  const child = await executeChild(everythingChild, {
    args: ['kid'],
    workflowId: `${workflowInfo().workflowId}-child`,
  });
  return `parent got: ${child}`;
}

export async function everythingChild(name: string): Promise<string> {
  return greet(name);
}

export async function heartbeatTimesOut(): Promise<string> {
  const { heartbeating: hb } = proxyActivities<typeof activities>({
    startToCloseTimeout: '20s',
    heartbeatTimeout: '1s',
    retry: { maximumAttempts: 1 },
  });
  return hb(-1);
}

export async function waitsForSignal(): Promise<string> {
  let got = '';
  setHandler(approve, (by) => {
    got = by;
  });
  await condition(() => got !== '');
  return got;
}

/** One slow activity with a short start-to-close timeout, so a lost worker is noticed quickly. */
export async function survivesWorkerLoss(ms: number): Promise<string> {
  const { slow: slowRetried } = proxyActivities<typeof activities>({
    startToCloseTimeout: '3s',
    retry: { initialInterval: '100ms', maximumAttempts: 5 },
  });
  return slowRetried(ms);
}

export async function heartbeatDetailsSurviveRetry(): Promise<string> {
  const { resumesFromHeartbeat } = proxyActivities<typeof activities>({
    startToCloseTimeout: '5s',
    retry: { initialInterval: '50ms', maximumAttempts: 2 },
  });
  return resumesFromHeartbeat();
}

export async function waitsForExternalCompletion(): Promise<string> {
  const { completedElsewhere } = proxyActivities<typeof activities>({
    startToCloseTimeout: '30s',
    activityId: 'external',
  });
  return completedElsewhere();
}

/** Sleeps for years: finishes in well under a second under time skipping. */
export async function sleepsYears(): Promise<number> {
  const before = Date.now(); // workflow time: deterministic, follows the server clock
  await sleep('1095 days');
  const { greet: greetAfter } = proxyActivities<typeof activities>({ startToCloseTimeout: '10s' });
  await greetAfter('later');
  return Date.now() - before;
}

/** A deadline with a reminder before it: waits for a signal or the deadline, whichever comes first. */
export async function deadlineWithReminder(): Promise<string[]> {
  const log: string[] = [];
  let done = false;
  setHandler(approve, () => {
    done = true;
  });
  if (!(await condition(() => done, '4 days'))) log.push('reminded');
  if (!(await condition(() => done, '1 day'))) log.push('escalated');
  return log;
}

/** Tags itself for supervisors' listings, then waits to be approved. */
export async function taggedCase(status: string): Promise<string> {
  let approvedBy = '';
  setHandler(approve, (by) => {
    approvedBy = by;
  });
  upsertSearchAttributes({ CaseStatus: [status], Overdue: [false] });
  await condition(() => approvedBy !== '');
  upsertSearchAttributes({ CaseStatus: ['closed'] });
  return approvedBy;
}

/** Continues as new `times` times, carrying a counter. */
export async function loops(times: number, seen = 0): Promise<number> {
  if (times > 0) await continueAsNew<typeof loops>(times - 1, seen + 1);
  return seen;
}

/** Runs timers until the server suggests continuing as new. */
export async function growsUntilSuggested(): Promise<number> {
  let timers = 0;
  while (!workflowInfo().continueAsNewSuggested) {
    await sleep(1);
    if (++timers > 200) throw ApplicationFailure.nonRetryable('continue-as-new was never suggested');
  }
  return timers;
}

export const increment = defineUpdate<number, [number]>('increment');

/** Counts updates; finishes at 10. */
export async function counter(): Promise<number> {
  let count = 0;
  setHandler(increment, (by) => {
    count += by;
    return count;
  });
  await condition(() => count >= 10);
  return count;
}

export async function parentOfFailingChild(): Promise<string> {
  try {
    await executeChild(failsItself, { workflowId: `${workflowInfo().workflowId}-child` });
    return 'child succeeded';
  } catch (err) {
    return err instanceof ChildWorkflowFailure
      ? `child failed: ${err.cause?.message}`
      : `other: ${String(err)}`;
  }
}

export async function signalsOther(targetWorkflowId: string): Promise<string> {
  await getExternalWorkflowHandle(targetWorkflowId).signal(approve, 'from another workflow');
  return 'sent';
}

/** Starts a child that waits forever, then completes: the parent close policy decides the child's fate. */
export async function parentLeavesChild(policy: 'TERMINATE' | 'ABANDON'): Promise<string> {
  const child = await startChild(waitsForSignal, {
    workflowId: `${workflowInfo().workflowId}-child`,
    parentClosePolicy: policy === 'TERMINATE' ? ParentClosePolicy.TERMINATE : ParentClosePolicy.ABANDON,
  });
  return child.workflowId;
}

export async function cancelsOther(targetWorkflowId: string): Promise<string> {
  await getExternalWorkflowHandle(targetWorkflowId).cancel();
  return 'cancel requested';
}

/** A workflow with a bug (a plain Error fails its workflow task) until an approval arrives. */
export async function brokenUntilApproved(): Promise<string> {
  let by = '';
  setHandler(approve, (b) => {
    by = b;
  });
  await condition(() => true);
  if (!by) throw new Error('bug: no approval yet');
  return `fixed by ${by}`;
}

/** Fails (retryably) until its retry policy has brought it to attempt `succeedAt`. */
export async function failsUntilAttempt(succeedAt: number): Promise<number> {
  const { attempt } = workflowInfo();
  if (attempt < succeedAt) throw ApplicationFailure.retryable(`attempt ${attempt} failed`, 'NotYet');
  return attempt;
}

export async function sleepsThenReturns(ms: number): Promise<string> {
  await sleep(ms);
  return 'woke';
}

/**
 * One activity with a side effect, one timer and one signal: what a server crash must not lose.
 * The activity's start-to-close timeout is short, so an attempt lost with the server is retried soon.
 */
export async function survivesServerLoss(activityMs: number, timerMs: number): Promise<string> {
  const { recordsSideEffect } = proxyActivities<typeof activities>({
    startToCloseTimeout: '4s',
    retry: { initialInterval: '100ms', maximumAttempts: 10 },
  });
  let approvedBy = '';
  setHandler(approve, (by) => {
    approvedBy = by;
  });
  const effect = await recordsSideEffect(activityMs);
  await sleep(timerMs);
  await condition(() => approvedBy !== '');
  return `${effect}, slept ${timerMs}, approved by ${approvedBy}`;
}

export const go = defineSignal('go');

/**
 * On `go`: signals another workflow, starts a timer and an activity in one task (the server
 * delivers the external signal after the task, which then needs a new task). `status` tells the
 * stage.
 */
export async function signalsOtherOnGo(targetWorkflowId: string): Promise<string> {
  let stage = 'waiting';
  setHandler(status, () => stage);
  setHandler(go, () => {
    stage = 'going';
  });
  await condition(() => stage === 'going');
  const signalled = getExternalWorkflowHandle(targetWorkflowId).signal(approve, 'go');
  const greeted = greet('query race');
  stage = 'gone';
  await Promise.all([signalled, greeted, sleep('1 day')]);
  return stage;
}

/** A cron workflow: counts its runs through the last completion result, fails on run `failAt`. */
export async function cronCounter(failAt = 0): Promise<number> {
  const last = workflowInfo().lastResult as number | undefined;
  const count = (last ?? 0) + 1;
  if (count === failAt) throw ApplicationFailure.nonRetryable(`run ${count} fails`);
  return count;
}
