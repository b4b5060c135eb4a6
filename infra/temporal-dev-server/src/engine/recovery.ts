import { CLOSED_STATUSES, EventType } from '../enums';
import type { Msg } from '../proto';
import type { ExecutionRecord } from '../storage/storage';
import type { Engine } from './engine';
import { isClosed, type ActivityState, type ChildState, type Run, type UpdateState } from './run';

/**
 * Loads what storage holds into a freshly created engine, so that a restart of the server loses
 * nothing: namespaces and search attributes, every run with its history, and for open runs their
 * timers, timeouts, retries and queued tasks put back to work. Workers reconnect on their own and
 * get full histories (stickiness is not restored: their caches may be gone).
 *
 * Known limit: a signal or cancellation to an external workflow initiated in the last moment
 * before a crash (Initiated event stored, outcome not yet) is not re-sent.
 */
export async function recover(engine: Engine): Promise<{ runs: number; open: number }> {
  const storage = engine.storage;
  for (const ns of await storage.loadNamespaces()) {
    engine.namespaces.set(ns.name, ns.description);
    engine.visibility.registry.add(ns.name, ns.searchAttributes);
  }
  const runs: Run[] = [];
  for (const record of await storage.loadExecutions()) {
    const history = await storage.readHistory(record.runKey);
    const run = runFromRecord(record, history);
    if (history.length > 0) engine.store.append(run.key, 1, history);
    runs.push(run);
  }
  runs.sort((a, b) => a.startTime - b.startTime);
  for (const run of runs) engine.adopt(run);
  const open = runs.filter((run) => !isClosed(run));
  for (const run of open) resume(engine, run);
  // After the runs: a schedule checks which of the workflows it started still run.
  await engine.schedules.recover();
  return { runs: runs.length, open: open.length };
}

function resume(engine: Engine, run: Run): void {
  engine.armRunTimeout(run);
  engine.workflowTasks.restore(run);
  for (const timerId of run.timers.keys()) engine.timers.arm(run, timerId);
  for (const activity of run.activities.values()) engine.activities.restore(run, activity);
  for (const child of run.children.values()) {
    if (child.runId !== undefined) continue;
    // Initiated before the crash but not started yet: start it now, from its Initiated event.
    const initiated = engine.events.read(run, child.initiatedEventId, child.initiatedEventId + 1)[0];
    if (initiated?.eventType !== EventType.START_CHILD_WORKFLOW_EXECUTION_INITIATED) continue;
    const attributes = initiated.startChildWorkflowExecutionInitiatedEventAttributes as Msg;
    engine.later(() => engine.children.startInitiated(run, child, attributes, 'temporal-dev-server'));
  }
}

/** The inverse of persistence.executionRecord: a run's mutable state from its stored record. */
function runFromRecord(record: ExecutionRecord, history: Msg[]): Run {
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
    closeEvent: CLOSED_STATUSES.has(record.status) ? history[history.length - 1] : undefined,
    continuedAsNewRunId: s.continuedAsNewRunId,
    historyWaiters: [],
    historySizeBytes: s.historySizeBytes,
  };
}
