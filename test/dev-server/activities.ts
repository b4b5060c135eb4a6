import { CompleteAsyncError, Context } from '@temporalio/activity';

export async function greet(name: string): Promise<string> {
  return `hello ${name}`;
}

const attempts = new Map<string, number>();
export async function flaky(failures: number): Promise<number> {
  const info = Context.current().info;
  const key = info.workflowExecution?.workflowId ?? info.activityId;
  attempts.set(key, (attempts.get(key) ?? 0) + 1);
  if (info.attempt <= failures) throw new Error(`transient failure ${info.attempt}`);
  return info.attempt;
}

export async function alwaysFails(): Promise<string> {
  throw new Error('always fails');
}

export async function slow(ms: number): Promise<string> {
  await new Promise((r) => setTimeout(r, ms));
  return `slept ${ms}`;
}

export async function heartbeating(seconds: number): Promise<string> {
  const ctx = Context.current();
  if (seconds < 0) {
    // Never heartbeats: the server's heartbeat timeout must end it.
    await ctx.sleep(15_000);
    return 'should have timed out';
  }
  for (let i = 0; i < seconds * 10; i++) {
    ctx.heartbeat(i);
    await ctx.sleep(100);
  }
  return 'finished';
}

/** Resumes from the last heartbeat's details on a retry. */
export async function resumesFromHeartbeat(): Promise<string> {
  const ctx = Context.current();
  const from = (ctx.info.heartbeatDetails as number | undefined) ?? 0;
  ctx.heartbeat(from + 1);
  if (ctx.info.attempt === 1) throw new Error('crash after recording progress');
  return `attempt ${ctx.info.attempt} resumed after ${from}`;
}

/** Completed later by id, from outside the worker (asynchronous activity completion). */
export async function completedElsewhere(): Promise<string> {
  Context.current().heartbeat();
  throw new CompleteAsyncError();
}

/** Every execution of `recordsSideEffect` in this process: workflow id and attempt. */
export const sideEffects: Array<{ workflowId: string; attempt: number }> = [];

/** A side effect (recorded in this process), then a wait of `ms`. */
export async function recordsSideEffect(ms: number): Promise<string> {
  const { attempt, workflowExecution } = Context.current().info;
  const workflowId = workflowExecution?.workflowId ?? '';
  sideEffects.push({ workflowId, attempt });
  await Context.current().sleep(ms);
  return `effect of ${workflowId}`;
}
