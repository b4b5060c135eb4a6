import { CLOSED_STATUSES, EventType } from '../enums';
import type { Msg } from '../proto';
import type { ExecutionRecord } from '../storage/storage';
import type { Engine } from './engine';
import { type ActivityState, type ChildState, type Run, type UpdateState } from './run';

/** Open runs read from storage per query at start. */
const RECOVERY_PAGE = 2000;

/**
 * Loads what storage holds into a freshly created engine, so that a restart of the server loses
 * nothing: namespaces and search attributes, and the open runs' mutable state (in pages), their
 * timers, timeouts, retries and queued tasks put back to work. Closed runs and histories stay in
 * storage until asked for (Engine.loadRun, HistoryCache), so the time this takes grows with the
 * open runs only. Workers reconnect on their own and get full histories (stickiness is not
 * restored: their caches may be gone).
 */
export async function recover(engine: Engine): Promise<{ open: number }> {
  const storage = engine.storage;
  for (const ns of await storage.loadNamespaces()) {
    engine.namespaces.set(ns.name, ns.description);
    engine.visibility.registry.add(ns.name, ns.searchAttributes);
  }
  const runs: Run[] = [];
  for (let afterRunKey: string | undefined; ;) {
    const page = await storage.loadExecutions({ openOnly: true, afterRunKey, limit: RECOVERY_PAGE });
    for (const record of page) runs.push(runFromRecord(record));
    if (page.length < RECOVERY_PAGE) break;
    afterRunKey = page[page.length - 1].runKey;
  }
  // Items due at the same time fire in the order they are armed: oldest runs first.
  runs.sort((a, b) => a.startTime - b.startTime);
  for (const run of runs) engine.adopt(run);
  for (const run of runs) await resume(engine, run);
  // After the runs: a schedule checks which of the workflows it started still run.
  await engine.schedules.recover();
  return { open: runs.length };
}

async function resume(engine: Engine, run: Run): Promise<void> {
  engine.armRunTimeout(run);
  engine.workflowTasks.restore(run);
  for (const timerId of run.timers.keys()) engine.timers.arm(run, timerId);
  for (const activity of run.activities.values()) engine.activities.restore(run, activity);
  for (const child of run.children.values()) {
    if (child.runId !== undefined) continue;
    // Initiated before the crash but not started yet: start it now, from its Initiated event.
    const initiated = (
      await engine.events.readAsync(run, child.initiatedEventId, child.initiatedEventId + 1)
    )[0];
    if (initiated?.eventType !== EventType.START_CHILD_WORKFLOW_EXECUTION_INITIATED) continue;
    const attributes = initiated.startChildWorkflowExecutionInitiatedEventAttributes as Msg;
    engine.later(() => engine.children.startInitiated(run, child, attributes, 'temporal-dev-server'));
  }
}

/**
 * The inverse of persistence.executionRecord: a run's mutable state from its stored record
 * (`closeEvent`: a closed run's last event).
 */
export function runFromRecord(record: ExecutionRecord, closeEvent?: Msg): Run {
  const s = record.state;
  const wft = s.workflowTask as Msg | undefined;
  return {
    namespace: record.namespace,
    workflowId: record.workflowId,
    runId: record.runId,
    key: record.runKey,
    status: record.status,
    nextEventId: record.nextEventId,
    firstExecutionRunId: s.firstExecutionRunId,
    attempt: s.attempt,
    retryPolicy: s.retryPolicy,
    executionExpiration: s.executionExpiration,
    startRequest: s.startRequest,
    workflowType: s.workflowType,
    taskQueue: s.taskQueue,
    startTime: s.startTime,
    executionTime: s.executionTime,
    closeTime: s.closeTime,
    taskTimeoutMs: s.taskTimeoutMs,
    runTimeoutMs: s.runTimeoutMs,
    executionTimeoutMs: s.executionTimeoutMs,
    memo: s.memo,
    searchAttributes: s.searchAttributes,
    requestIds: new Set(s.requestIds as string[]),
    parent: s.parent,
    wft: wft && {
      ref: 0,
      scheduledEventId: wft.scheduledEventId,
      startedEventId: wft.startedEventId,
      attempt: wft.attempt,
      sticky: wft.sticky,
      scheduledTime: wft.scheduledTime,
      startedTime: wft.startedTime,
      speculative: wft.speculative,
      transient: wft.transient,
      transientEvents: wft.transientEvents && [...wft.transientEvents],
      deliveredUpdates: [...wft.deliveredUpdates],
      nextEventIdBefore: wft.nextEventIdBefore,
      previousStartedBefore: wft.previousStartedBefore,
    },
    buffered: [...s.bufferedEvents],
    needsWft: s.needsWorkflowTask,
    previousStartedEventId: s.previousStartedEventId,
    lastCompletedWftEventId: s.lastCompletedWorkflowTaskEventId,
    stickyQueue: s.stickyQueue,
    stickyScheduleToStartMs: s.stickyScheduleToStartMs,
    activities: new Map(
      (s.activities as ActivityState[]).map((a) => [a.scheduledEventId, { ...a, timers: [] }]),
    ),
    timers: new Map(
      (s.timers as Msg[]).map((t) => [
        t.timerId as string,
        { startedEventId: t.startedEventId, fireAt: t.fireAt, handle: 0 },
      ]),
    ),
    children: new Map((s.children as ChildState[]).map((c) => [c.initiatedEventId, { ...c }])),
    queries: new Map(),
    updates: new Map(
      (s.updates as Msg[]).map((u) => [
        u.id as string,
        { ...u, delivered: !!u.delivered, waiters: [] } as unknown as UpdateState,
      ]),
    ),
    cancelRequested: s.cancelRequested,
    closeEvent: CLOSED_STATUSES.has(record.status) ? closeEvent : undefined,
    continuedAsNewRunId: s.continuedAsNewRunId,
    historyWaiters: [],
    historySizeBytes: s.historySizeBytes,
  };
}
