import type { Msg } from '../proto';
import type {
  ExecutionRecord,
  NamespaceRecord,
  RunMutation,
  ScheduleRecord,
  Storage,
  TaskRecord,
  TimerRecord,
  VisibilityRecord,
} from '../storage/storage';
import { isClosed, type Run } from './run';

/**
 * Writes the engine's changes through to storage. Every change to a run marks it dirty; at the end
 * of the current engine step the dirty runs become one commit (one transaction), built from their
 * state at that moment. One commit is written at a time, so each run's expected next event id is
 * the one the previous commit left; the changes made while a commit is being written go together
 * into the next one (group commit: under load, one transaction carries many steps). Request
 * handlers wait for `durable()` before answering, so an answered request is never lost by a
 * storage that survives restarts.
 */
export class Persistence {
  private readonly dirty = new Set<Run>();
  private namespaces: NamespaceRecord[] = [];
  /** Schedules changed (a record) or deleted (null) since the last write began, by namespace/id. */
  private schedules = new Map<
    string,
    { namespace: string; scheduleId: string; record: ScheduleRecord | null }
  >();
  /** Per run: the lowest event id changed since the last commit was built. */
  private readonly changedFrom = new Map<string, number>();
  /** Per run: the next event id storage has (or will have, once the commit being written is done). */
  private readonly storedNextEventId = new Map<string, number>();
  private writing = false;
  /** Runs in the commit being written. */
  private writingKeys = new Set<string>();
  /** The latest write started. */
  private last: Promise<void> = Promise.resolve();
  /** The write that will carry the changes not yet written, for those who wait on it. */
  private next: { promise: Promise<void>; resolve(): void; reject(err: unknown): void } | undefined;
  private scheduled = false;

  constructor(
    private readonly storage: Storage,
    private readonly history: (run: Run, fromEventId: number) => Msg[],
    private readonly log: (line: string) => void,
    /**
     * Told when a write failed: the engine's state is then ahead of storage, and that run's next
     * commits would be refused. A durable server stops here and recovers from storage at restart.
     */
    private readonly failed: (err: unknown) => void = () => undefined,
    /** Told, per run, when storage holds its events before `nextEventId` (a commit succeeded). */
    private readonly committed: (runKey: string, nextEventId: number) => void = () => undefined,
  ) {}

  /** Runs that left memory (see Engine.evict): a late change to one is not written. */
  private readonly gone = new WeakSet<Run>();

  /** The run changed; `fromEventId` when its history changed from that event on. */
  touch(run: Run, fromEventId?: number): void {
    if (this.gone.has(run)) {
      this.log(`internal error: a change to ${run.key} after it left memory is not stored`);
      return;
    }
    this.dirty.add(run);
    if (fromEventId !== undefined) {
      const known = this.changedFrom.get(run.key);
      if (known === undefined || fromEventId < known) this.changedFrom.set(run.key, fromEventId);
    }
    this.schedule();
  }

  /** A run loaded from storage after a restart: storage is at its next event id. */
  restored(run: Run): void {
    this.storedNextEventId.set(run.key, run.nextEventId);
  }

  /** Whether the run has changes not yet written (or being written). */
  isDirty(run: Run): boolean {
    return this.dirty.has(run) || this.writingKeys.has(run.key);
  }

  /** The run left memory; storage holds all of it. */
  forget(run: Run): void {
    this.gone.add(run);
    this.storedNextEventId.delete(run.key);
    this.changedFrom.delete(run.key);
  }

  saveNamespace(record: NamespaceRecord): void {
    this.namespaces.push(record);
    this.schedule();
  }

  /** A schedule changed: its whole state is written with the next commit (after the runs it started). */
  saveSchedule(record: ScheduleRecord): void {
    const key = `${record.namespace}/${record.scheduleId}`;
    this.schedules.set(key, { namespace: record.namespace, scheduleId: record.scheduleId, record });
    this.schedule();
  }

  deleteSchedule(namespace: string, scheduleId: string): void {
    this.schedules.set(`${namespace}/${scheduleId}`, { namespace, scheduleId, record: null });
    this.schedule();
  }

  /** Resolves once every change made so far is in storage; rejects if writing it failed. */
  durable(): Promise<void> {
    if (!this.pending()) return this.last;
    this.flush();
    if (!this.pending()) return this.last;
    if (!this.next) {
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.next = { promise, resolve, reject };
    }
    return this.next.promise;
  }

  private pending(): boolean {
    return this.dirty.size > 0 || this.namespaces.length > 0 || this.schedules.size > 0;
  }

  private schedule(): void {
    if (!this.scheduled) {
      this.scheduled = true;
      // After the current synchronous engine step.
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    // While a commit is being written, changes wait for it and go together into the next one.
    if (this.writing || !this.pending()) return;
    const mutations = [...this.dirty].map((run) => this.mutation(run));
    this.dirty.clear();
    const namespaces = this.namespaces;
    this.namespaces = [];
    const schedules = [...this.schedules.values()];
    this.schedules = new Map();
    const waiting = this.next;
    this.next = undefined;
    this.writing = true;
    this.writingKeys = new Set(mutations.map((m) => m.runKey));
    const result = (async () => {
      for (const record of namespaces) await this.storage.putNamespace(record);
      if (mutations.length > 0) {
        await this.storage.commit(mutations);
        for (const m of mutations) {
          // Events changed again since this commit was built (a dropped speculative task) are not
          // what storage holds.
          const changedSince = this.changedFrom.get(m.runKey);
          this.committed(m.runKey, Math.min(m.execution.nextEventId, changedSince ?? Infinity));
        }
      }
      // After the runs: a schedule never records an action whose workflow storage does not hold
      // (the other way round, a restart finds the workflow id taken and does not start it twice).
      for (const s of schedules) {
        if (s.record) await this.storage.putSchedule(s.record);
        else await this.storage.deleteSchedule(s.namespace, s.scheduleId);
      }
    })();
    this.last = result;
    result.then(
      () => waiting?.resolve(),
      (err: unknown) => {
        this.log(`internal error writing to storage: ${err instanceof Error ? err.message : String(err)}`);
        this.failed(err);
        waiting?.reject(err);
      },
    );
    // A failed write fails the requests waiting on it; later writes still go ahead.
    void result
      .catch(() => undefined)
      .then(() => {
        this.writing = false;
        this.writingKeys = new Set();
        this.flush();
      });
  }

  private mutation(run: Run): RunMutation {
    const expectedNextEventId = this.storedNextEventId.get(run.key) ?? 1;
    const historyFrom = Math.min(this.changedFrom.get(run.key) ?? run.nextEventId, expectedNextEventId);
    this.changedFrom.delete(run.key);
    this.storedNextEventId.set(run.key, run.nextEventId);
    return {
      runKey: run.key,
      expectedNextEventId,
      historyFrom,
      newEvents: this.history(run, historyFrom),
      execution: executionRecord(run),
      timers: timerRecords(run),
      tasks: taskRecords(run),
      visibility: visibilityRecord(run),
    };
  }
}

export function executionRecord(run: Run): ExecutionRecord {
  return {
    runKey: run.key,
    namespace: run.namespace,
    workflowId: run.workflowId,
    runId: run.runId,
    status: run.status,
    nextEventId: run.nextEventId,
    state: {
      firstExecutionRunId: run.firstExecutionRunId,
      attempt: run.attempt,
      retryPolicy: run.retryPolicy,
      executionExpiration: run.executionExpiration,
      startRequest: run.startRequest,
      workflowType: run.workflowType,
      taskQueue: run.taskQueue,
      startTime: run.startTime,
      executionTime: run.executionTime,
      closeTime: run.closeTime,
      taskTimeoutMs: run.taskTimeoutMs,
      runTimeoutMs: run.runTimeoutMs,
      executionTimeoutMs: run.executionTimeoutMs,
      memo: run.memo,
      searchAttributes: run.searchAttributes,
      requestIds: [...run.requestIds],
      parent: run.parent,
      workflowTask: run.wft && {
        scheduledEventId: run.wft.scheduledEventId,
        startedEventId: run.wft.startedEventId,
        attempt: run.wft.attempt,
        sticky: run.wft.sticky,
        scheduledTime: run.wft.scheduledTime,
        startedTime: run.wft.startedTime,
        speculative: run.wft.speculative,
        transient: run.wft.transient,
        transientEvents: run.wft.transientEvents && [...run.wft.transientEvents],
        deliveredUpdates: [...run.wft.deliveredUpdates],
        nextEventIdBefore: run.wft.nextEventIdBefore,
        previousStartedBefore: run.wft.previousStartedBefore,
      },
      bufferedEvents: [...run.buffered],
      needsWorkflowTask: run.needsWft,
      previousStartedEventId: run.previousStartedEventId,
      lastCompletedWorkflowTaskEventId: run.lastCompletedWftEventId,
      stickyQueue: run.stickyQueue,
      stickyScheduleToStartMs: run.stickyScheduleToStartMs,
      activities: [...run.activities.values()].map(
        ({ timers: _handles, scheduleToCloseTimer: _timer, ...a }) => a,
      ),
      timers: [...run.timers.entries()].map(([timerId, t]) => ({
        timerId,
        startedEventId: t.startedEventId,
        fireAt: t.fireAt,
      })),
      children: [...run.children.values()].map((c) => ({ ...c })),
      updates: [...run.updates.values()].map((u) => ({
        id: u.id,
        request: u.request,
        stage: u.stage,
        delivered: u.delivered,
        outcome: u.outcome,
        acceptedEventId: u.acceptedEventId,
      })),
      cancelRequested: run.cancelRequested,
      continuedAsNewRunId: run.continuedAsNewRunId,
      historySizeBytes: run.historySizeBytes,
    },
  };
}

/** Every due item of the run, from its state: what a restart has to arm again. */
export function timerRecords(run: Run): TimerRecord[] {
  if (isClosed(run)) return [];
  const timers: TimerRecord[] = [];
  const add = (kind: TimerRecord['kind'], ref: string | number, at: number | undefined) => {
    if (at !== undefined) timers.push({ runKey: run.key, kind, ref: String(ref), at });
  };
  if (run.runTimeoutMs) add('run-timeout', run.runId, run.startTime + run.runTimeoutMs);
  if (!run.wft && run.executionTime > run.startTime && run.nextEventId <= 2) {
    add('delayed-start', run.runId, run.executionTime);
  }
  for (const [timerId, t] of run.timers) add('user-timer', timerId, t.fireAt);
  const wft = run.wft;
  if (wft?.startedTime !== undefined) {
    add('workflow-task-timeout', wft.scheduledEventId, wft.startedTime + run.taskTimeoutMs);
  } else if (wft?.sticky) {
    add(
      'sticky-schedule-to-start',
      wft.scheduledEventId,
      wft.scheduledTime + (run.stickyScheduleToStartMs ?? 5000),
    );
  }
  for (const a of run.activities.values()) {
    const id = a.scheduledEventId;
    if (a.scheduleToCloseMs) add('activity-timeout', id, a.scheduledTime + a.scheduleToCloseMs);
    if (a.retryAt !== undefined && !a.queued && a.startedTime === undefined)
      add('activity-retry', id, a.retryAt);
    if (a.queued && a.scheduleToStartMs) {
      add('activity-timeout', id, a.currentAttemptScheduledTime + a.scheduleToStartMs);
    }
    if (a.startedTime !== undefined) {
      add('activity-timeout', id, a.startedTime + a.startToCloseMs);
      if (a.heartbeatMs) add('activity-timeout', id, (a.lastHeartbeatTime ?? a.startedTime) + a.heartbeatMs);
    }
  }
  return timers.sort((x, y) => x.at - y.at);
}

/** Tasks of the run that wait in a task queue for a poller, and its undelivered external requests. */
export function taskRecords(run: Run): TaskRecord[] {
  if (isClosed(run)) return [];
  const tasks: TaskRecord[] = [];
  const wft = run.wft;
  if (wft && wft.startedEventId === undefined) {
    tasks.push({
      runKey: run.key,
      kind: 'workflow',
      namespace: run.namespace,
      queue: wft.sticky && run.stickyQueue ? run.stickyQueue : run.taskQueue,
      scheduledEventId: wft.scheduledEventId,
      attempt: wft.attempt,
    });
  }
  for (const request of run.externalRequests?.values() ?? []) {
    tasks.push({
      runKey: run.key,
      kind: request.kind,
      namespace: run.namespace,
      queue: '',
      scheduledEventId: request.initiatedEventId,
      attempt: 1,
    });
  }
  for (const a of run.activities.values()) {
    if (!a.queued) continue;
    tasks.push({
      runKey: run.key,
      kind: 'activity',
      namespace: run.namespace,
      queue: a.taskQueue,
      scheduledEventId: a.scheduledEventId,
      attempt: a.attempt,
    });
  }
  return tasks;
}

export function visibilityRecord(run: Run): VisibilityRecord {
  return {
    namespace: run.namespace,
    workflowId: run.workflowId,
    runId: run.runId,
    workflowType: run.workflowType?.name ?? '',
    status: run.status,
    startTime: run.startTime,
    executionTime: run.executionTime,
    closeTime: run.closeTime,
    taskQueue: run.taskQueue,
    historyLength: run.nextEventId - 1,
    parentWorkflowId: run.parent?.workflowId,
    memo: run.memo,
    searchAttributes: run.searchAttributes,
  };
}
