import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { Clock } from '../clock';
import { DEFAULT_DYNAMIC_CONFIG, type DynamicConfig } from '../dynamic-config';
import {
  ContinueAsNewInitiator,
  EventType,
  ExecutionStatus,
  IdConflictPolicy,
  IdReusePolicy,
  RetryState,
  TaskQueueKind,
  TimeoutType,
  UpdateStage,
} from '../enums';
import { alreadyCompleted, invalidArgument, RpcError, workflowNotFound } from '../errors';
import { durationMs, type Msg, toDuration, toTimestamp } from '../proto';
import { type ActivityTask, isClosed, queueKey, type Run, type WftTask } from './run';
import { Schedules } from '../schedules/schedules';
import { InMemoryStorage } from '../storage/memory-storage';
import type { Storage } from '../storage/storage';
import { TaskQueues } from '../task-queues';
import { SearchAttributeRegistry, Visibility } from '../visibility/visibility';
import { Activities } from './activities';
import { decideRetry, normalizeRetryPolicy } from './retry-policy';
import { Children } from './children';
import { CronSchedule } from './cron';
import { Commands } from './commands';
import { EventLog } from './history';
import { DEFAULT_HISTORY_CACHE_SIZE, HistoryCache } from './history-cache';
import { Persistence } from './persistence';
import { runFromRecord } from './recovery';
import { Queries } from './queries';
import { TimeSkipping } from './time-skipping';
import { Timers } from './timers';
import { Updates } from './updates';
import { WorkflowTasks } from './workflow-tasks';

/** Default workflow task timeout, as the real server. */
const DEFAULT_WFT_TIMEOUT_MS = 10_000;
/** How long a long poll waits before answering empty. */
export const POLL_INTERVAL_MS = 60_000;

export interface EngineOptions {
  /** History length and size at which workers are told to continue as new (real server defaults). */
  suggestContinueAsNew?: { events: number; bytes: number };
  /** Durable storage every change is written through (default: in memory). */
  storage?: Storage;
  /** --dynamic-config-value keys (dynamic-config.ts); the real server's defaults for the rest. */
  dynamicConfig?: Partial<DynamicConfig>;
  clock?: Clock;
  log?: (line: string) => void;
  /** Told when writing to storage failed (see Persistence). */
  onStorageFailure?: (err: unknown) => void;
  /** Runs whose whole history is kept in memory (LRU; default 10,000): see HistoryCache. */
  historyCacheSize?: number;
  /**
   * Closed runs kept in memory once written (LRU; default 0: a closed run leaves memory when its
   * close is stored, and is read back from storage when asked for).
   */
  closedRunCacheSize?: number;
}

/**
 * The Temporal execution engine: the runs (their mutable state), their lifecycle (start, signal,
 * cancel, terminate, time out, continue as new, close) and lookups. Each kind of pending thing has
 * its own state machine in its own module (workflow tasks, activities, timers, children, queries,
 * updates); history is appended in one place (EventLog). gRPC handlers call into it.
 */
export class Engine {
  readonly clock: Clock;
  /** Histories: the events not yet written and those of recently used runs (see HistoryCache). */
  readonly store: HistoryCache;
  readonly storage: Storage;
  readonly persistence: Persistence;
  readonly namespaces = new Map<string, Msg>();
  /** namespace/workflowId → the runs in memory (open ones, closed ones in use), oldest first. */
  readonly executions = new Map<string, Run[]>();
  readonly runsById = new Map<string, Run>();
  /** Closed runs in memory, least recently used first (they leave it in trimClosedRuns). */
  private readonly closedRuns = new Map<string, Run>();
  private readonly closedRunCacheSize: number;
  private trimScheduled = false;
  readonly workflowQueues: TaskQueues<WftTask>;
  readonly activityQueues: TaskQueues<ActivityTask>;
  readonly visibility = new Visibility(new SearchAttributeRegistry());
  readonly log: (line: string) => void;
  readonly suggestContinueAsNew: { events: number; bytes: number };
  readonly config: DynamicConfig;

  readonly events = new EventLog(this);
  readonly workflowTasks = new WorkflowTasks(this);
  readonly commands = new Commands(this);
  readonly timers = new Timers(this);
  readonly activities = new Activities(this);
  readonly children = new Children(this);
  readonly queries = new Queries(this);
  readonly updates = new Updates(this);
  readonly timeSkipping = new TimeSkipping(this);
  readonly schedules = new Schedules(this);

  constructor(options: EngineOptions = {}) {
    this.clock = options.clock ?? new Clock();
    this.clock.onError = (err) =>
      this.log(
        `internal error in a timer: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    this.log = options.log ?? (() => undefined);
    this.storage = options.storage ?? new InMemoryStorage();
    this.store = new HistoryCache(this.storage, options.historyCacheSize ?? DEFAULT_HISTORY_CACHE_SIZE);
    this.closedRunCacheSize = options.closedRunCacheSize ?? 0;
    this.persistence = new Persistence(
      this.storage,
      (run, from) => this.events.read(run, from),
      this.log,
      options.onStorageFailure,
      (runKey, nextEventId) => this.store.durable(runKey, nextEventId),
    );
    this.config = {
      ...DEFAULT_DYNAMIC_CONFIG,
      ...(options.suggestContinueAsNew && {
        suggestContinueAsNewEvents: options.suggestContinueAsNew.events,
        suggestContinueAsNewBytes: options.suggestContinueAsNew.bytes,
      }),
      ...options.dynamicConfig,
    };
    this.suggestContinueAsNew = {
      events: this.config.suggestContinueAsNewEvents,
      bytes: this.config.suggestContinueAsNewBytes,
    };
    this.workflowQueues = new TaskQueues<WftTask>(
      (t) => this.workflowTasks.isLive(t),
      (t, identity) => this.workflowTasks.dispatch(t, identity),
    );
    this.activityQueues = new TaskQueues<ActivityTask>(
      (t) => this.activities.isLive(t),
      (t, identity) => this.activities.dispatch(t, identity),
    );
  }

  /**
   * Runs `fn` on a later turn of the event loop (children start, external signals: asynchronous on
   * the real server too); a step that returns a promise is pending until it settles. A failure
   * there is logged, never allowed to take the server down.
   */
  later(fn: () => unknown): void {
    // Pending work for time skipping: until it has run (a child started, a signal delivered), the
    // server is not idle, even with no task outstanding.
    this.deferredSteps++;
    setImmediate(async () => {
      try {
        await fn();
      } catch (err) {
        this.log(
          `internal error in a deferred step: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        );
      } finally {
        this.deferredSteps--;
        this.timeSkipping.scheduleSkipCheck();
      }
    });
  }

  /** Steps handed to later() that have not run yet. */
  deferredSteps = 0;

  registerNamespace(name: string, retentionMs = 24 * 3600 * 1000, description = ''): void {
    if (this.namespaces.has(name)) {
      throw new RpcError(status.ALREADY_EXISTS, `Namespace ${name} already exists.`, {
        typeName: 'temporal.api.errordetails.v1.NamespaceAlreadyExistsFailure',
        value: {},
      });
    }
    this.namespaces.set(name, {
      namespaceInfo: { name, state: 1, id: randomUUID(), description, ownerEmail: '' },
      config: { workflowExecutionRetentionTtl: toDuration(retentionMs) },
      isGlobalNamespace: false,
    });
    this.saveNamespace(name);
  }

  /** Writes a namespace and its custom search attributes through to storage. */
  saveNamespace(name: string): void {
    const description = this.namespaces.get(name);
    if (!description) return;
    this.persistence.saveNamespace({
      name,
      description,
      searchAttributes: Object.fromEntries(this.visibility.registry.of(name)),
    });
  }

  /** Resolves once every change made so far is in storage (awaited before answering a request). */
  durable(): Promise<void> {
    return this.persistence.durable();
  }

  requireNamespace(name: string | undefined): string {
    if (!name) throw invalidArgument('Namespace not set on request.');
    if (!this.namespaces.has(name)) {
      throw new RpcError(status.NOT_FOUND, `Namespace ${name} is not found.`, {
        typeName: 'temporal.api.errordetails.v1.NamespaceNotFoundFailure',
        value: { namespace: name },
      });
    }
    return name;
  }

  /**
   * Brings the run a request names back into memory if it is closed and only in storage: the run
   * named by `execution.runId`, or the workflow id's latest run. Request handlers await it before
   * looking the run up with findRun; it stays in memory for the rest of that step at least.
   */
  async loadRun(namespace: string, execution: Msg | undefined): Promise<void> {
    const workflowId: string | undefined = execution?.workflowId;
    if (!workflowId || !this.namespaces.has(namespace)) return;
    const runId: string | undefined = execution?.runId || undefined;
    if (runId) {
      const inMemory = this.runsById.get(runId);
      if (inMemory) return this.useClosed(inMemory);
    } else if (this.runsOf(namespace, workflowId).some((r) => !isClosed(r))) {
      // An open run is the latest one.
      return;
    }
    const record = runId
      ? await this.storage.loadExecution(`${namespace}/${workflowId}/${runId}`)
      : await this.storage.latestExecution(namespace, workflowId);
    if (!record || record.namespace !== namespace || record.workflowId !== workflowId) return;
    const known = this.runsById.get(record.runId);
    if (known) return this.useClosed(known);
    // Open runs are all in memory: what is only in storage is closed.
    const closeEvent = (
      await this.store.readAsync(record.runKey, record.nextEventId - 1, record.nextEventId)
    )[0];
    if (this.runsById.has(record.runId)) return this.useClosed(this.runsById.get(record.runId)!);
    const run = runFromRecord(record, closeEvent);
    this.adopt(run);
    this.retire(run);
  }

  /** A closed run was used: it is the most recently used; the least used ones leave memory. */
  private useClosed(run: Run): void {
    if (!this.closedRuns.has(run.runId)) return;
    this.closedRuns.delete(run.runId);
    this.closedRuns.set(run.runId, run);
    this.scheduleTrim();
  }

  /** A closed run whose close is stored: from now on it may leave memory. */
  private retire(run: Run): void {
    if (!isClosed(run) || this.runsById.get(run.runId) !== run) return;
    this.closedRuns.delete(run.runId);
    this.closedRuns.set(run.runId, run);
    this.scheduleTrim();
  }

  /**
   * After the current step (the request that loaded a run still uses it), closed runs beyond the
   * cache size leave memory, least recently used first; not one a query is pending on or whose
   * changes are not stored yet (it goes at a later trim).
   */
  scheduleTrim(): void {
    if (this.trimScheduled) return;
    this.trimScheduled = true;
    setImmediate(() => {
      this.trimScheduled = false;
      this.trimClosedRuns();
    });
  }

  private trimClosedRuns(): void {
    for (const run of this.closedRuns.values()) {
      if (this.closedRuns.size <= this.closedRunCacheSize) return;
      if (run.queries.size > 0 || this.persistence.isDirty(run)) continue;
      this.evict(run);
    }
  }

  private evict(run: Run): void {
    this.closedRuns.delete(run.runId);
    if (this.runsById.get(run.runId) !== run) return;
    this.runsById.delete(run.runId);
    const key = `${run.namespace}/${run.workflowId}`;
    const runs = (this.executions.get(key) ?? []).filter((r) => r !== run);
    if (runs.length > 0) this.executions.set(key, runs);
    else this.executions.delete(key);
    this.store.forget(run.key);
    this.persistence.forget(run);
  }

  /** Closed runs in memory now (for tests and the benchmark). */
  get closedRunsInMemory(): number {
    return this.closedRuns.size;
  }

  /**
   * Deletes the runs closed longer ago than their namespace's retention period
   * (workflowExecutionRetentionTtl; 0 keeps them), as the real server's retention timers do.
   */
  async sweepRetention(): Promise<number> {
    let deleted = 0;
    for (const [namespace, description] of this.namespaces) {
      const retentionMs = durationMs(description.config?.workflowExecutionRetentionTtl) ?? 0;
      if (retentionMs <= 0) continue;
      const keys = await this.storage.deleteClosedRuns(namespace, this.clock.now() - retentionMs);
      deleted += keys.length;
      const gone = new Set(keys);
      for (const run of [...this.closedRuns.values()]) {
        if (gone.has(run.key) && run.queries.size === 0) this.evict(run);
      }
    }
    if (deleted > 0) this.log(`retention: deleted ${deleted} closed runs`);
    return deleted;
  }

  runsOf(namespace: string, workflowId: string): Run[] {
    return this.executions.get(`${namespace}/${workflowId}`) ?? [];
  }

  /** The run named, or the latest run of the workflow id when runId is empty. */
  findRun(namespace: string, execution: Msg | undefined): Run {
    const workflowId = execution?.workflowId;
    if (!workflowId) throw invalidArgument('WorkflowId is not set on request.');
    const runId = execution?.runId;
    if (runId) {
      const run = this.runsById.get(runId);
      if (!run || run.workflowId !== workflowId || run.namespace !== namespace)
        throw workflowNotFound(workflowId, runId);
      return run;
    }
    const runs = this.runsOf(namespace, workflowId);
    if (runs.length === 0) throw workflowNotFound(workflowId);
    return runs[runs.length - 1];
  }

  allRuns(): Iterable<Run> {
    return this.runsById.values();
  }

  startWorkflow(
    req: Msg,
    extra: {
      parent?: Run['parent'];
      continuedFrom?: Run;
      signal?: Msg;
      /** A retry of `continuedFrom` under its retry policy. */
      retry?: { backoffMs: number; failure: Msg };
      /** The next run of `continuedFrom`'s cron schedule. */
      cron?: { backoffMs: number; lastCompletionResult?: Msg; failure?: Msg };
      /** Eager start: the first task is kept for the caller, not queued (when it is due at once). */
      eager?: boolean;
    } = {},
  ): {
    run: Run;
    started: boolean;
  } {
    const namespace = this.requireNamespace(req.namespace);
    const workflowId: string = req.workflowId;
    if (!workflowId) throw invalidArgument('WorkflowId is not set on request.');
    if (!req.workflowType?.name) throw invalidArgument('WorkflowType is not set on request.');
    if (!req.taskQueue?.name) throw invalidArgument('TaskQueue is not set on request.');
    if (!extra.continuedFrom) this.visibility.registry.validate(namespace, req.searchAttributes);
    const requestId: string | undefined = req.requestId || undefined;
    const runs = this.runsOf(namespace, workflowId);
    const latest = runs[runs.length - 1];

    if (requestId && !extra.continuedFrom) {
      const same = runs.find((r) => r.requestIds.has(requestId));
      if (same) return { run: same, started: same === latest && !isClosed(same) };
    }
    if (latest && !isClosed(latest) && !extra.continuedFrom) {
      const conflict = req.workflowIdConflictPolicy ?? IdConflictPolicy.UNSPECIFIED;
      if (conflict === IdConflictPolicy.USE_EXISTING) {
        if (requestId) latest.requestIds.add(requestId);
        this.persistence.touch(latest);
        return { run: latest, started: false };
      }
      if (
        conflict === IdConflictPolicy.TERMINATE_EXISTING ||
        req.workflowIdReusePolicy === IdReusePolicy.TERMINATE_IF_RUNNING
      ) {
        this.terminate(
          latest,
          'terminated by a new start with the same workflow id',
          undefined,
          'temporal-dev-server',
        );
      } else {
        throw this.alreadyStarted(latest, requestId);
      }
    } else if (latest && !extra.continuedFrom) {
      const reuse = req.workflowIdReusePolicy ?? IdReusePolicy.UNSPECIFIED;
      if (reuse === IdReusePolicy.REJECT_DUPLICATE) throw this.alreadyStarted(latest, requestId);
      if (
        reuse === IdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY &&
        (latest.status === ExecutionStatus.COMPLETED || latest.status === ExecutionStatus.CONTINUED_AS_NEW)
      ) {
        throw this.alreadyStarted(latest, requestId);
      }
    }

    const now = this.clock.now();
    const runId = randomUUID();
    const firstExecutionRunId = extra.continuedFrom?.firstExecutionRunId ?? runId;
    const executionTimeoutMs = durationMs(req.workflowExecutionTimeout);
    const executionExpiration =
      extra.continuedFrom?.executionExpiration ?? (executionTimeoutMs ? now + executionTimeoutMs : undefined);
    let runTimeoutMs = durationMs(req.workflowRunTimeout);
    if (executionExpiration && (!runTimeoutMs || now + runTimeoutMs > executionExpiration))
      runTimeoutMs = Math.max(1, executionExpiration - now);
    const attempt = extra.retry ? extra.continuedFrom!.attempt + 1 : 1;
    const retryPolicy = req.retryPolicy ? normalizeRetryPolicy(req.retryPolicy) : undefined;
    const cronSchedule: string | undefined = req.cronSchedule || undefined;
    // As the real server: a cron workflow's first run waits for the first cron time.
    const firstCronBackoffMs =
      cronSchedule && !extra.continuedFrom
        ? Math.max(0, new CronSchedule(cronSchedule).backoffMs(now, now) ?? 0)
        : 0;
    const startDelayMs =
      extra.retry?.backoffMs ??
      extra.cron?.backoffMs ??
      (durationMs(req.workflowStartDelay) || firstCronBackoffMs);
    const lastCompletionResult = extra.cron ? extra.cron.lastCompletionResult : req.lastCompletionResult;
    const run: Run = {
      namespace,
      workflowId,
      runId,
      firstExecutionRunId,
      key: `${namespace}/${workflowId}/${runId}`,
      attempt,
      retryPolicy,
      executionExpiration,
      startRequest: {
        workflowType: req.workflowType,
        taskQueue: req.taskQueue,
        input: req.input,
        header: req.header,
        memo: req.memo,
        searchAttributes: req.searchAttributes,
        workflowRunTimeout: req.workflowRunTimeout,
        workflowTaskTimeout: req.workflowTaskTimeout,
        retryPolicy: req.retryPolicy,
        cronSchedule,
        lastCompletionResult,
      },
      workflowType: req.workflowType,
      taskQueue: req.taskQueue.name,
      status: ExecutionStatus.RUNNING,
      startTime: now,
      executionTime: now + startDelayMs,
      nextEventId: 1,
      taskTimeoutMs: Math.min(durationMs(req.workflowTaskTimeout) ?? DEFAULT_WFT_TIMEOUT_MS, 120_000),
      runTimeoutMs,
      executionTimeoutMs,
      memo: req.memo ?? {},
      searchAttributes: req.searchAttributes ?? {},
      requestIds: new Set(requestId ? [requestId] : []),
      parent: extra.parent,
      buffered: [],
      needsWft: false,
      previousStartedEventId: 0,
      lastCompletedWftEventId: 0,
      activities: new Map(),
      timers: new Map(),
      children: new Map(),
      queries: new Map(),
      updates: new Map(),
      cancelRequested: false,
      historyWaiters: [],
      historySizeBytes: 0,
    };
    runs.push(run);
    this.executions.set(`${namespace}/${workflowId}`, runs);
    this.runsById.set(runId, run);

    this.events.append(run, EventType.WORKFLOW_EXECUTION_STARTED, {
      workflowType: req.workflowType,
      taskQueue: { name: run.taskQueue, kind: TaskQueueKind.NORMAL },
      input: req.input,
      header: req.header,
      workflowExecutionTimeout: executionTimeoutMs ? toDuration(executionTimeoutMs) : undefined,
      workflowRunTimeout: runTimeoutMs ? toDuration(runTimeoutMs) : undefined,
      workflowTaskTimeout: toDuration(run.taskTimeoutMs),
      continuedExecutionRunId: extra.continuedFrom?.runId,
      initiator: extra.retry
        ? ContinueAsNewInitiator.RETRY
        : extra.cron || (cronSchedule && !extra.continuedFrom)
          ? ContinueAsNewInitiator.CRON_SCHEDULE
          : extra.continuedFrom
            ? ContinueAsNewInitiator.WORKFLOW
            : undefined,
      originalExecutionRunId: runId,
      firstExecutionRunId,
      identity: req.identity,
      attempt,
      retryPolicy,
      firstWorkflowTaskBackoff: startDelayMs > 0 ? toDuration(startDelayMs) : undefined,
      memo: req.memo,
      searchAttributes: req.searchAttributes,
      parentWorkflowNamespace: extra.parent?.namespace,
      parentWorkflowExecution: extra.parent
        ? { workflowId: extra.parent.workflowId, runId: extra.parent.runId }
        : undefined,
      parentInitiatedEventId: extra.parent?.initiatedEventId,
      cronSchedule,
      lastCompletionResult,
      continuedFailure: extra.retry?.failure ?? extra.cron?.failure ?? req.continuedFailure,
      workflowExecutionExpirationTime: executionExpiration ? toTimestamp(executionExpiration) : undefined,
    });
    if (extra.signal) {
      this.events.append(run, EventType.WORKFLOW_EXECUTION_SIGNALED, extra.signal);
    }
    this.armRunTimeout(run);
    const delay = run.executionTime - now;
    if (delay > 0) this.clock.schedule(run.executionTime, () => this.workflowTasks.schedule(run));
    else this.workflowTasks.schedule(run, { eager: extra.eager });
    this.log(`started ${workflowId} (${req.workflowType.name}) run ${runId}`);
    return { run, started: true };
  }

  /** The run timeout on the server clock (at start, and again after a restart). */
  armRunTimeout(run: Run): void {
    if (run.runTimeoutMs) {
      run.runTimer = this.clock.schedule(run.startTime + run.runTimeoutMs, () => this.timeOutRun(run));
    }
  }

  /** Takes in a run loaded from storage (after a restart, or a closed run asked for). */
  adopt(run: Run): void {
    const key = `${run.namespace}/${run.workflowId}`;
    const runs = [...(this.executions.get(key) ?? []), run].sort((a, b) => a.startTime - b.startTime);
    this.executions.set(key, runs);
    this.runsById.set(run.runId, run);
    this.store.adopt(run.key, run.nextEventId);
    this.persistence.restored(run);
  }

  private alreadyStarted(run: Run, requestId?: string): RpcError {
    return new RpcError(
      status.ALREADY_EXISTS,
      `Workflow execution is already running. WorkflowId: ${run.workflowId}, RunId: ${run.runId}.`,
      {
        typeName: 'temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure',
        value: { startRequestId: requestId ?? '', runId: run.runId },
      },
    );
  }

  /**
   * `skipBackoff`: signal-with-start on a run still waiting for its first task (start delay, cron,
   * retry back-off) starts it now; a plain signal waits, as on the real server.
   */
  signal(run: Run, req: Msg, options: { skipBackoff?: boolean } = {}): void {
    if (isClosed(run)) throw alreadyCompleted();
    if (req.requestId) {
      if (run.requestIds.has(`signal:${req.requestId}`)) return;
      run.requestIds.add(`signal:${req.requestId}`);
    }
    this.events.append(run, EventType.WORKFLOW_EXECUTION_SIGNALED, {
      signalName: req.signalName,
      input: req.input,
      identity: req.identity,
      header: req.header,
    });
    if (!options.skipBackoff && this.pendingOnBackoff(run)) return;
    this.workflowTasks.schedule(run);
  }

  /** Started but its first workflow task not due yet (IsWorkflowPendingOnWorkflowTaskBackoff). */
  private pendingOnBackoff(run: Run): boolean {
    return (
      run.executionTime > run.startTime &&
      !run.wft &&
      run.lastCompletedWftEventId === 0 &&
      run.previousStartedEventId === 0 &&
      this.clock.now() < run.executionTime
    );
  }

  requestCancel(run: Run, req: Msg): void {
    if (isClosed(run)) throw alreadyCompleted();
    if (run.cancelRequested) return;
    run.cancelRequested = true;
    this.events.append(run, EventType.WORKFLOW_EXECUTION_CANCEL_REQUESTED, {
      cause: req.reason,
      identity: req.identity,
      externalWorkflowExecution: req.externalWorkflowExecution,
      externalInitiatedEventId: req.externalInitiatedEventId,
    });
    this.workflowTasks.schedule(run);
  }

  terminate(
    run: Run,
    reason: string | undefined,
    details: Msg | undefined,
    identity: string | undefined,
  ): void {
    if (isClosed(run)) throw alreadyCompleted();
    if (run.wft?.startedEventId !== undefined) {
      // The running task is abandoned: its completion will be refused.
      this.clock.cancel(run.wft.timer);
      run.wft = undefined;
      this.events.flushBuffered(run);
    }
    this.events.append(run, EventType.WORKFLOW_EXECUTION_TERMINATED, { reason, details, identity });
    this.close(run, ExecutionStatus.TERMINATED);
  }

  private timeOutRun(run: Run): void {
    if (isClosed(run)) return;
    if (run.wft) {
      this.clock.cancel(run.wft.timer);
      run.wft = undefined;
      this.events.flushBuffered(run);
    }
    const failure = {
      message: 'workflow run timed out',
      timeoutFailureInfo: { timeoutType: TimeoutType.START_TO_CLOSE },
    };
    const expired = run.executionExpiration !== undefined && run.executionExpiration <= this.clock.now();
    let retry = this.retryRun(run, failure);
    if (!retry.next && !expired) {
      const next = this.nextCronRun(run, {
        lastCompletionResult: run.startRequest.lastCompletionResult,
        failure,
      });
      if (next) retry = { ...retry, next };
    }
    this.events.append(run, EventType.WORKFLOW_EXECUTION_TIMED_OUT, {
      retryState: retry.state === RetryState.RETRY_POLICY_NOT_SET ? RetryState.TIMEOUT : retry.state,
      newExecutionRunId: retry.next?.runId,
    });
    this.close(run, ExecutionStatus.TIMED_OUT, { continued: retry.next !== undefined });
  }

  /** The FailWorkflowExecution command: the run fails, or is retried under its retry policy. */
  failRun(run: Run, failure: Msg | undefined, completedEventId: number): void {
    let retry = this.retryRun(run, failure ?? { message: 'workflow failed' });
    if (!retry.next) {
      const next = this.nextCronRun(run, {
        lastCompletionResult: run.startRequest.lastCompletionResult,
        failure,
      });
      if (next) retry = { ...retry, next };
    }
    this.events.append(run, EventType.WORKFLOW_EXECUTION_FAILED, {
      failure,
      retryState: retry.state,
      workflowTaskCompletedEventId: completedEventId,
      newExecutionRunId: retry.next?.runId,
    });
    this.close(run, ExecutionStatus.FAILED, { continued: retry.next !== undefined });
  }

  /**
   * Starts the next attempt of a failed or timed-out run if its retry policy allows (as on the
   * real server: only with a policy, within the execution timeout); the next run starts after the
   * back-off, with the same id, input and options.
   */
  private retryRun(run: Run, failure: Msg): { state: number; next?: Run } {
    if (!run.retryPolicy) return { state: RetryState.RETRY_POLICY_NOT_SET };
    const decision = decideRetry(
      run.retryPolicy,
      run.attempt,
      failure,
      this.clock.now(),
      run.executionExpiration,
    );
    if (!decision.retry) return { state: decision.state };
    const next = this.startWorkflow(
      { ...run.startRequest, namespace: run.namespace, workflowId: run.workflowId },
      { continuedFrom: run, parent: run.parent, retry: { backoffMs: decision.backoffMs, failure } },
    ).run;
    return { state: RetryState.IN_PROGRESS, next };
  }

  /** The CompleteWorkflowExecution command: a cron workflow's next run starts at the next cron time. */
  completeRun(run: Run, result: Msg | undefined, completedEventId: number): void {
    const next = this.nextCronRun(run, { lastCompletionResult: result });
    this.events.append(run, EventType.WORKFLOW_EXECUTION_COMPLETED, {
      result,
      workflowTaskCompletedEventId: completedEventId,
      newExecutionRunId: next?.runId,
    });
    // As the real server: the run is COMPLETED (not continued-as-new), the chain goes on.
    this.close(run, ExecutionStatus.COMPLETED, { continued: next !== undefined });
  }

  /**
   * The next run of a cron workflow (the real server's handleCron): same id, input and options,
   * attempt 1, started now and waiting until the next cron time after this run's scheduled time.
   */
  private nextCronRun(run: Run, carry: { lastCompletionResult?: Msg; failure?: Msg }): Run | undefined {
    const cron: string | undefined = run.startRequest.cronSchedule;
    if (!cron) return undefined;
    const backoffMs = new CronSchedule(cron).backoffMs(run.executionTime, this.clock.now());
    if (backoffMs === undefined) return undefined;
    return this.startWorkflow(
      { ...run.startRequest, namespace: run.namespace, workflowId: run.workflowId },
      { continuedFrom: run, parent: run.parent, cron: { backoffMs, ...carry } },
    ).run;
  }

  continueAsNew(run: Run, a: Msg, completedEventId: number): void {
    const next = this.startWorkflow(
      {
        namespace: run.namespace,
        workflowId: run.workflowId,
        workflowType: a.workflowType?.name ? a.workflowType : run.workflowType,
        taskQueue: a.taskQueue?.name ? a.taskQueue : { name: run.taskQueue },
        input: a.input,
        workflowRunTimeout:
          a.workflowRunTimeout ?? (run.runTimeoutMs ? toDuration(run.runTimeoutMs) : undefined),
        workflowTaskTimeout: a.workflowTaskTimeout ?? toDuration(run.taskTimeoutMs),
        header: a.header,
        memo: a.memo ?? run.memo,
        searchAttributes: a.searchAttributes ?? run.searchAttributes,
        lastCompletionResult: a.lastCompletionResult,
        continuedFailure: a.failure,
        retryPolicy: a.retryPolicy ?? run.startRequest.retryPolicy,
        cronSchedule: a.cronSchedule,
      },
      { continuedFrom: run, parent: run.parent },
    ).run;
    run.continuedAsNewRunId = next.runId;
    // The new run is the latest: re-order so lookups by workflow id find it.
    this.events.append(run, EventType.WORKFLOW_EXECUTION_CONTINUED_AS_NEW, {
      newExecutionRunId: next.runId,
      workflowType: next.workflowType,
      taskQueue: { name: next.taskQueue, kind: TaskQueueKind.NORMAL },
      input: a.input,
      workflowRunTimeout: next.runTimeoutMs ? toDuration(next.runTimeoutMs) : undefined,
      workflowTaskTimeout: toDuration(next.taskTimeoutMs),
      workflowTaskCompletedEventId: completedEventId,
      header: a.header,
      memo: a.memo,
      searchAttributes: a.searchAttributes,
    });
    this.close(run, ExecutionStatus.CONTINUED_AS_NEW, { continued: true });
  }

  /** `continued`: a next run (continue-as-new, retry) takes over, so the parent is not told yet. */
  close(run: Run, statusCode: number, options: { continued?: boolean } = {}): void {
    run.status = statusCode;
    run.closeTime = this.clock.now();
    run.closeEvent = this.events.read(run, run.nextEventId - 1)[0];
    this.clock.cancel(run.runTimer);
    if (run.wft) {
      this.clock.cancel(run.wft.timer);
      run.wft = undefined;
    }
    for (const timer of run.timers.values()) this.clock.cancel(timer.handle);
    run.timers.clear();
    for (const activity of run.activities.values()) {
      this.activities.clearAttemptTimers(activity);
      this.clock.cancel(activity.scheduleToCloseTimer);
    }
    run.activities.clear();
    for (const u of run.updates.values()) {
      if (u.stage !== UpdateStage.COMPLETED) {
        u.outcome = {
          failure: {
            message: 'Workflow Update failed because the Workflow completed before the Update completed.',
            applicationFailureInfo: { type: 'AcceptedUpdateCompletedWorkflow', nonRetryable: true },
          },
        };
        u.stage = UpdateStage.COMPLETED;
        u.waiters.splice(0).forEach((w) => w());
      }
    }
    // Queries on a closed run are answered by replaying its history.
    this.queries.dispatchPending(run);
    for (const child of run.children.values()) this.children.applyParentClosePolicy(run, child);
    if (run.parent && !options.continued) this.children.notifyParent(run);
    // A schedule waiting for this workflow to close (overlap policies) may act now.
    if (!options.continued) this.schedules.onRunClosed(run);
    this.log(`closed ${run.workflowId} run ${run.runId} with status ${statusCode}`);
    // Once its close is stored, the run may leave memory (storage answers for it from then on).
    this.durable().then(
      () => this.retire(run),
      () => undefined,
    );
  }

  shutdownWorker(namespace: string, stickyQueue: string | undefined): void {
    if (!stickyQueue) return;
    for (const run of this.runsById.values()) {
      if (run.namespace === namespace && run.stickyQueue === stickyQueue) this.workflowTasks.resetSticky(run);
    }
    this.workflowQueues.release(queueKey(namespace, stickyQueue));
  }

  queueKey(namespace: string, name: string): string {
    return queueKey(namespace, name);
  }

  stop(): void {
    this.clock.stop();
  }
}
