import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { Clock } from '../clock';
import {
  attributesKey,
  CancelExternalFailedCause,
  CommandType,
  EventType,
  ExecutionStatus,
  IdConflictPolicy,
  IdReusePolicy,
  ParentClosePolicy,
  QueryResultType,
  RetryState,
  SignalExternalFailedCause,
  StartChildFailedCause,
  TaskQueueKind,
  TimeoutType,
  UpdateStage,
  WorkflowTaskFailedCause,
} from '../enums';
import { alreadyCompleted, invalidArgument, notFound, RpcError, workflowNotFound } from '../errors';
import { durationMs, encode, Msg, packAny, toDuration, toTimestamp, type, unpackAny } from '../proto';
import { isCloseCommand, validateCommands } from './command-validation';
import {
  ActivityState,
  ActivityTask,
  ChildState,
  decodeToken,
  encodeToken,
  isClosed,
  queueKey,
  Run,
  TaskToken,
  UpdateState,
  WftTask,
  WorkflowTask,
} from './run';
import { InMemoryStorage } from '../storage/memory-storage';
import type { Storage } from '../storage/storage';
import { HistoryStore, InMemoryHistoryStore } from './history-cache';
import { Persistence } from './persistence';
import { TaskQueues } from '../task-queues';
import { SearchAttributeRegistry, Visibility } from '../visibility/visibility';

const HISTORY_EVENT = type('temporal.api.history.v1.HistoryEvent');

/** Default workflow task timeout, as the real server. */
const DEFAULT_WFT_TIMEOUT_MS = 10_000;
/** How long a long poll waits before answering empty. */
export const POLL_INTERVAL_MS = 60_000;

const DEFAULT_RETRY = { initialIntervalMs: 1000, backoffCoefficient: 2 };

export interface EngineOptions {
  /** History length and size at which workers are told to continue as new (real server defaults). */
  suggestContinueAsNew?: { events: number; bytes: number };
  /** Durable storage every change is written through (default: in memory). */
  storage?: Storage;
  clock?: Clock;
  log?: (line: string) => void;
}

/**
 * The Temporal execution engine: mutable state of every run, history appends, workflow and
 * activity tasks, timers, signals, queries, updates, children. gRPC handlers call into it.
 */
export class Engine {
  readonly clock: Clock;
  readonly store: HistoryStore;
  readonly storage: Storage;
  private readonly persistence: Persistence;
  readonly namespaces = new Map<string, Msg>();
  /** namespace/workflowId → runs, oldest first. */
  private readonly executions = new Map<string, Run[]>();
  private readonly runsById = new Map<string, Run>();
  readonly workflowQueues: TaskQueues<WftTask>;
  readonly activityQueues: TaskQueues<ActivityTask>;
  readonly visibility = new Visibility(new SearchAttributeRegistry());
  private readonly log: (line: string) => void;
  private readonly suggestContinueAsNew: { events: number; bytes: number };
  private taskIdSeq = 1;
  /**
   * Time skipping (TestService): enabled in the test-server form. Starts locked; while unlocked
   * and no workflow or activity task is outstanding, the clock jumps to the next due item.
   */
  private readonly timeSkipping = { enabled: false, locks: 1, checkPending: false };

  constructor(options: EngineOptions = {}) {
    this.clock = options.clock ?? new Clock();
    this.clock.onError = (err) =>
      this.log(
        `internal error in a timer: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    this.store = new InMemoryHistoryStore();
    this.log = options.log ?? (() => undefined);
    this.storage = options.storage ?? new InMemoryStorage();
    this.persistence = new Persistence(this.storage, (run, from) => this.history(run, from), this.log);
    this.suggestContinueAsNew = options.suggestContinueAsNew ?? { events: 4 * 1024, bytes: 4 * 1024 * 1024 };
    this.workflowQueues = new TaskQueues<WftTask>(
      (t) => this.isWftTaskLive(t),
      (t, identity) => this.dispatchWorkflowTask(t, identity),
    );
    this.activityQueues = new TaskQueues<ActivityTask>(
      (t) => this.isActivityTaskLive(t),
      (t, identity) => this.dispatchActivityTask(t, identity),
    );
  }

  /**
   * Runs `fn` on a later turn of the event loop (children start, external signals: asynchronous on
   * the real server too). A failure there is logged, never allowed to take the server down.
   */
  private later(fn: () => void): void {
    setImmediate(() => {
      try {
        fn();
      } catch (err) {
        this.log(
          `internal error in a deferred step: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        );
      }
    });
  }

  // ---------------------------------------------------------------- namespaces

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

  // ---------------------------------------------------------------- lookups

  private runsOf(namespace: string, workflowId: string): Run[] {
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

  runsInNamespace(namespace: string): Run[] {
    return [...this.runsById.values()].filter((r) => r.namespace === namespace);
  }

  // ---------------------------------------------------------------- history

  private appendEvent(run: Run, eventType: number, attributes: Msg, options: { direct?: boolean } = {}): Msg {
    const event: Msg = {
      eventTime: toTimestamp(this.clock.now()),
      eventType,
      taskId: this.taskIdSeq++,
      [attributesKey(eventType)]: attributes,
    };
    // While a workflow task is running, new external events wait until it completes, so the
    // worker always sees Started → Completed back to back.
    if (!options.direct && run.wft?.startedEventId !== undefined) {
      run.buffered.push(event);
      this.persistence.touch(run);
      return event;
    }
    this.commitEvent(run, event);
    return event;
  }

  private commitEvent(run: Run, event: Msg): void {
    event.eventId = run.nextEventId;
    this.store.append(run.key, run.nextEventId, [event]);
    run.nextEventId++;
    run.historySizeBytes += encode(HISTORY_EVENT, event).length;
    this.persistence.touch(run, event.eventId);
    const waiters = run.historyWaiters.splice(0);
    for (const w of waiters) w();
  }

  private flushBuffered(run: Run): boolean {
    if (run.buffered.length === 0) return false;
    for (const event of run.buffered.splice(0)) this.commitEvent(run, event);
    return true;
  }

  history(run: Run, fromEventId = 1, toEventId?: number): Msg[] {
    return this.store.read(run.key, fromEventId, toEventId);
  }

  waitForHistory(run: Run, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      run.historyWaiters.push(done);
    });
  }

  // ---------------------------------------------------------------- start

  startWorkflow(
    req: Msg,
    extra: { parent?: Run['parent']; continuedFrom?: Run; signal?: Msg } = {},
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
    let runTimeoutMs = durationMs(req.workflowRunTimeout);
    if (executionTimeoutMs && (!runTimeoutMs || runTimeoutMs > executionTimeoutMs))
      runTimeoutMs = executionTimeoutMs;
    const run: Run = {
      namespace,
      workflowId,
      runId,
      firstExecutionRunId,
      key: `${namespace}/${workflowId}/${runId}`,
      workflowType: req.workflowType,
      taskQueue: req.taskQueue.name,
      status: ExecutionStatus.RUNNING,
      startTime: now,
      executionTime: now + (durationMs(req.workflowStartDelay) ?? 0),
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

    this.appendEvent(run, EventType.WORKFLOW_EXECUTION_STARTED, {
      workflowType: req.workflowType,
      taskQueue: { name: run.taskQueue, kind: TaskQueueKind.NORMAL },
      input: req.input,
      header: req.header,
      workflowExecutionTimeout: executionTimeoutMs ? toDuration(executionTimeoutMs) : undefined,
      workflowRunTimeout: runTimeoutMs ? toDuration(runTimeoutMs) : undefined,
      workflowTaskTimeout: toDuration(run.taskTimeoutMs),
      continuedExecutionRunId: extra.continuedFrom?.runId,
      originalExecutionRunId: runId,
      firstExecutionRunId,
      identity: req.identity,
      attempt: 1,
      memo: req.memo,
      searchAttributes: req.searchAttributes,
      parentWorkflowNamespace: extra.parent?.namespace,
      parentWorkflowExecution: extra.parent
        ? { workflowId: extra.parent.workflowId, runId: extra.parent.runId }
        : undefined,
      parentInitiatedEventId: extra.parent?.initiatedEventId,
      lastCompletionResult: req.lastCompletionResult,
      continuedFailure: req.continuedFailure,
      workflowExecutionExpirationTime: executionTimeoutMs ? toTimestamp(now + executionTimeoutMs) : undefined,
    });
    if (extra.signal) {
      this.appendEvent(run, EventType.WORKFLOW_EXECUTION_SIGNALED, extra.signal);
    }
    if (runTimeoutMs) {
      run.runTimer = this.clock.schedule(now + runTimeoutMs, () => this.timeOutRun(run));
    }
    const delay = run.executionTime - now;
    if (delay > 0) this.clock.schedule(run.executionTime, () => this.scheduleWft(run));
    else this.scheduleWft(run);
    this.log(`started ${workflowId} (${req.workflowType.name}) run ${runId}`);
    return { run, started: true };
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

  // ---------------------------------------------------------------- workflow tasks

  private scheduleWft(run: Run, options: { attempt?: number; speculative?: boolean } = {}): void {
    if (isClosed(run)) return;
    if (run.wft) {
      if (run.wft.startedEventId !== undefined) run.needsWft = true;
      else if (!options.speculative) run.wft.speculative = false;
      return;
    }
    run.needsWft = false;
    const sticky = run.stickyQueue !== undefined;
    const nextEventIdBefore = run.nextEventId;
    const event = this.appendEvent(
      run,
      EventType.WORKFLOW_TASK_SCHEDULED,
      {
        taskQueue: sticky
          ? { name: run.stickyQueue, kind: TaskQueueKind.STICKY, normalName: run.taskQueue }
          : { name: run.taskQueue, kind: TaskQueueKind.NORMAL },
        startToCloseTimeout: toDuration(run.taskTimeoutMs),
        attempt: options.attempt ?? 1,
      },
      { direct: true },
    );
    run.wft = {
      scheduledEventId: event.eventId,
      attempt: options.attempt ?? 1,
      sticky,
      scheduledTime: this.clock.now(),
      deliveredUpdates: [],
      speculative: options.speculative ?? false,
      nextEventIdBefore,
      previousStartedBefore: run.previousStartedEventId,
    };
    this.enqueueWft(run);
  }

  private enqueueWft(run: Run): void {
    const wft = run.wft!;
    const task: WftTask = { kind: 'workflow', run, scheduledEventId: wft.scheduledEventId };
    if (wft.sticky && run.stickyQueue) {
      this.workflowQueues.add(queueKey(run.namespace, run.stickyQueue), task);
      const timeout = run.stickyScheduleToStartMs ?? 5000;
      wft.timer = this.clock.schedule(this.clock.now() + timeout, () =>
        this.stickyScheduleToStartTimeout(run, wft),
      );
    } else {
      this.workflowQueues.add(queueKey(run.namespace, run.taskQueue), task);
    }
  }

  /** The sticky worker did not pick the task up in time: hand it to the normal queue. */
  private stickyScheduleToStartTimeout(run: Run, wft: WorkflowTask): void {
    if (run.wft !== wft || wft.startedEventId !== undefined || isClosed(run)) return;
    this.resetSticky(run);
  }

  private resetSticky(run: Run): void {
    run.stickyQueue = undefined;
    this.persistence.touch(run);
    const wft = run.wft;
    if (wft && wft.startedEventId === undefined && wft.sticky) {
      this.clock.cancel(wft.timer);
      wft.sticky = false;
      this.workflowQueues.add(queueKey(run.namespace, run.taskQueue), {
        kind: 'workflow',
        run,
        scheduledEventId: wft.scheduledEventId,
      });
    }
  }

  private isWftTaskLive(task: WftTask): boolean {
    if (task.kind === 'query') {
      const q = task.run.queries.get(task.queryId);
      return q !== undefined && !q.dispatched;
    }
    const wft = task.run.wft;
    return (
      !isClosed(task.run) &&
      wft !== undefined &&
      wft.scheduledEventId === task.scheduledEventId &&
      wft.startedEventId === undefined
    );
  }

  private dispatchWorkflowTask(task: WftTask, identity: string): Msg {
    const run = task.run;
    if (task.kind === 'query') return this.dispatchQueryTask(run, task.queryId);
    const wft = run.wft!;
    this.clock.cancel(wft.timer);
    const started = this.appendEvent(
      run,
      EventType.WORKFLOW_TASK_STARTED,
      {
        scheduledEventId: wft.scheduledEventId,
        identity,
        requestId: randomUUID(),
        historySizeBytes: run.historySizeBytes,
        suggestContinueAsNew:
          run.nextEventId > this.suggestContinueAsNew.events ||
          run.historySizeBytes > this.suggestContinueAsNew.bytes,
      },
      { direct: true },
    );
    wft.startedEventId = started.eventId;
    wft.startedTime = this.clock.now();
    wft.timer = this.clock.schedule(this.clock.now() + run.taskTimeoutMs, () =>
      this.wftStartToCloseTimeout(run, wft),
    );

    const messages: Msg[] = [];
    for (const update of run.updates.values()) {
      if (update.stage !== UpdateStage.ADMITTED || update.delivered) continue;
      update.delivered = true;
      wft.deliveredUpdates.push(update.id);
      messages.push({
        id: `${update.id}/request`,
        protocolInstanceId: update.id,
        eventId: started.eventId - 1,
        body: packAny('temporal.api.update.v1.Request', update.request),
      });
    }
    const from = wft.sticky ? run.previousStartedEventId + 1 : 1;
    return {
      taskToken: encodeToken({
        k: 'w',
        ns: run.namespace,
        wid: run.workflowId,
        rid: run.runId,
        s: wft.scheduledEventId,
        a: wft.attempt,
      }),
      workflowExecution: { workflowId: run.workflowId, runId: run.runId },
      workflowType: run.workflowType,
      previousStartedEventId: run.previousStartedEventId,
      startedEventId: started.eventId,
      attempt: wft.attempt,
      history: { events: this.history(run, from) },
      workflowExecutionTaskQueue: { name: run.taskQueue, kind: TaskQueueKind.NORMAL },
      scheduledTime: toTimestamp(wft.scheduledTime),
      startedTime: toTimestamp(wft.startedTime),
      messages,
    };
  }

  private wftStartToCloseTimeout(run: Run, wft: WorkflowTask): void {
    if (run.wft !== wft || isClosed(run)) return;
    this.appendEvent(
      run,
      EventType.WORKFLOW_TASK_TIMED_OUT,
      {
        scheduledEventId: wft.scheduledEventId,
        startedEventId: wft.startedEventId,
        timeoutType: TimeoutType.START_TO_CLOSE,
      },
      { direct: true },
    );
    this.failedWft(run, wft);
  }

  /** After a failed or timed-out task: undelivered updates go out again, the task is retried. */
  private failedWft(run: Run, wft: WorkflowTask): void {
    this.clock.cancel(wft.timer);
    for (const id of wft.deliveredUpdates) {
      const u = run.updates.get(id);
      if (u && u.stage === UpdateStage.ADMITTED) u.delivered = false;
    }
    run.wft = undefined;
    run.stickyQueue = undefined;
    this.flushBuffered(run);
    this.scheduleWft(run, { attempt: wft.attempt + 1 });
  }

  private requireWft(token: TaskToken): { run: Run; wft: WorkflowTask } {
    const run = this.runsById.get(token.rid);
    if (!run || isClosed(run)) throw notFound('Workflow task not found.');
    const wft = run.wft;
    if (!wft || wft.scheduledEventId !== token.s || wft.startedEventId === undefined) {
      throw notFound('Workflow task not found.');
    }
    return { run, wft };
  }

  respondWorkflowTaskFailed(req: Msg): void {
    const token = decodeToken(req.taskToken);
    const { run, wft } = this.requireWft(token);
    this.appendEvent(
      run,
      EventType.WORKFLOW_TASK_FAILED,
      {
        scheduledEventId: wft.scheduledEventId,
        startedEventId: wft.startedEventId,
        cause: req.cause,
        failure: req.failure,
        identity: req.identity,
      },
      { direct: true },
    );
    if (req.cause === WorkflowTaskFailedCause.RESET_STICKY_TASK_QUEUE) run.stickyQueue = undefined;
    this.failedWft(run, wft);
  }

  respondWorkflowTaskCompleted(req: Msg): Msg {
    const token = decodeToken(req.taskToken);
    const { run, wft } = this.requireWft(token);
    this.persistence.touch(run);
    const commands: Msg[] = req.commands ?? [];
    const messages: Msg[] = req.messages ?? [];

    if (req.stickyAttributes?.workerTaskQueue?.name) {
      run.stickyQueue = req.stickyAttributes.workerTaskQueue.name;
      run.stickyScheduleToStartMs = durationMs(req.stickyAttributes.scheduleToStartTimeout) ?? 5000;
    } else {
      run.stickyQueue = undefined;
    }
    for (const [id, result] of Object.entries((req.queryResults ?? {}) as Record<string, Msg>)) {
      this.answerQuery(run, id, result);
    }

    const violation = validateCommands(commands, messages, {
      pendingActivityIds: [...run.activities.values()].map((a) => a.activityId),
      pendingTimerIds: run.timers.keys(),
      validateSearchAttributes: (sa) => this.visibility.registry.validate(run.namespace, sa),
    });
    if (violation) {
      // As the real server: the task fails as a whole (none of its commands is applied), it is
      // retried, and the worker learns why from the error.
      this.appendEvent(
        run,
        EventType.WORKFLOW_TASK_FAILED,
        {
          scheduledEventId: wft.scheduledEventId,
          startedEventId: wft.startedEventId,
          cause: violation.cause,
          failure: { message: violation.message, source: 'Server' },
          identity: req.identity,
        },
        { direct: true },
      );
      this.failedWft(run, wft);
      throw invalidArgument(violation.message);
    }

    const closing = commands.some(isCloseCommand);
    if (closing && run.buffered.length > 0) {
      // New events arrived while the worker decided to close: it must see them first.
      this.appendEvent(
        run,
        EventType.WORKFLOW_TASK_FAILED,
        {
          scheduledEventId: wft.scheduledEventId,
          startedEventId: wft.startedEventId,
          cause: WorkflowTaskFailedCause.UNHANDLED_COMMAND,
          identity: req.identity,
        },
        { direct: true },
      );
      this.failedWft(run, wft);
      return {};
    }

    if (
      wft.speculative &&
      commands.length === 0 &&
      run.buffered.length === 0 &&
      run.nextEventId === wft.startedEventId! + 1 &&
      messages.length > 0 &&
      messages.every((m) => unpackAny(m.body)?.typeName === 'temporal.api.update.v1.Rejection')
    ) {
      return this.dropSpeculative(run, wft, messages);
    }

    this.clock.cancel(wft.timer);
    const completed = this.appendEvent(
      run,
      EventType.WORKFLOW_TASK_COMPLETED,
      {
        scheduledEventId: wft.scheduledEventId,
        startedEventId: wft.startedEventId,
        identity: req.identity,
        binaryChecksum: req.binaryChecksum,
        sdkMetadata: req.sdkMetadata,
        meteringMetadata: req.meteringMetadata,
        workerVersion: req.workerVersionStamp,
      },
      { direct: true },
    );
    run.previousStartedEventId = wft.startedEventId!;
    run.lastCompletedWftEventId = completed.eventId;
    run.wft = undefined;

    const byId = new Map(messages.map((m) => [m.id as string, m]));
    for (const command of commands) {
      if (isClosed(run)) break;
      if (command.commandType === CommandType.PROTOCOL_MESSAGE) {
        const id = command.protocolMessageCommandAttributes?.messageId;
        const message = byId.get(id);
        if (!message) throw invalidArgument(`protocol message ${id} not found in the request`);
        byId.delete(id);
        this.handleProtocolMessage(run, message, completed.eventId);
      } else {
        this.handleCommand(run, command, completed.eventId, req.identity);
      }
    }
    for (const message of byId.values()) {
      if (!isClosed(run)) this.handleProtocolMessage(run, message, completed.eventId);
    }

    if (isClosed(run)) return {};
    const hadBuffered = this.flushBuffered(run);
    const pendingUpdates = [...run.updates.values()].some(
      (u) => u.stage === UpdateStage.ADMITTED && !u.delivered,
    );
    if (hadBuffered || run.needsWft || req.forceCreateNewWorkflowTask || pendingUpdates) {
      run.needsWft = false;
      this.scheduleWft(run);
    } else {
      this.dispatchPendingQueries(run);
    }
    return {};
  }

  /**
   * Every update of a speculative task was rejected: the task leaves no events. The worker is told
   * (resetHistoryEventId) to roll its view of history back to where it was.
   */
  private dropSpeculative(run: Run, wft: WorkflowTask, rejections: Msg[]): Msg {
    this.clock.cancel(wft.timer);
    for (const message of rejections) this.handleProtocolMessage(run, message, 0);
    this.store.truncate(run.key, wft.nextEventIdBefore);
    this.persistence.touch(run, wft.nextEventIdBefore);
    run.nextEventId = wft.nextEventIdBefore;
    run.previousStartedEventId = wft.previousStartedBefore;
    run.wft = undefined;
    if ([...run.updates.values()].some((u) => u.stage === UpdateStage.ADMITTED && !u.delivered)) {
      this.scheduleWft(run, { speculative: true });
    } else {
      this.dispatchPendingQueries(run);
    }
    return { resetHistoryEventId: wft.nextEventIdBefore - 1 };
  }

  // ---------------------------------------------------------------- commands

  private handleCommand(run: Run, command: Msg, completedEventId: number, identity: string): void {
    const t = command.commandType;
    switch (t) {
      case CommandType.SCHEDULE_ACTIVITY_TASK:
        return this.scheduleActivity(
          run,
          command.scheduleActivityTaskCommandAttributes ?? {},
          completedEventId,
        );
      case CommandType.REQUEST_CANCEL_ACTIVITY_TASK:
        return this.requestCancelActivity(
          run,
          command.requestCancelActivityTaskCommandAttributes ?? {},
          completedEventId,
        );
      case CommandType.START_TIMER:
        return this.startTimer(run, command.startTimerCommandAttributes ?? {}, completedEventId);
      case CommandType.CANCEL_TIMER:
        return this.cancelTimer(run, command.cancelTimerCommandAttributes ?? {}, completedEventId);
      case CommandType.COMPLETE_WORKFLOW_EXECUTION:
        this.appendEvent(run, EventType.WORKFLOW_EXECUTION_COMPLETED, {
          result: command.completeWorkflowExecutionCommandAttributes?.result,
          workflowTaskCompletedEventId: completedEventId,
        });
        return this.close(run, ExecutionStatus.COMPLETED);
      case CommandType.FAIL_WORKFLOW_EXECUTION:
        this.appendEvent(run, EventType.WORKFLOW_EXECUTION_FAILED, {
          failure: command.failWorkflowExecutionCommandAttributes?.failure,
          retryState: RetryState.RETRY_POLICY_NOT_SET,
          workflowTaskCompletedEventId: completedEventId,
        });
        return this.close(run, ExecutionStatus.FAILED);
      case CommandType.CANCEL_WORKFLOW_EXECUTION:
        this.appendEvent(run, EventType.WORKFLOW_EXECUTION_CANCELED, {
          details: command.cancelWorkflowExecutionCommandAttributes?.details,
          workflowTaskCompletedEventId: completedEventId,
        });
        return this.close(run, ExecutionStatus.CANCELED);
      case CommandType.CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
        return this.continueAsNew(
          run,
          command.continueAsNewWorkflowExecutionCommandAttributes ?? {},
          completedEventId,
        );
      case CommandType.RECORD_MARKER: {
        const a = command.recordMarkerCommandAttributes ?? {};
        this.appendEvent(run, EventType.MARKER_RECORDED, {
          markerName: a.markerName,
          details: a.details,
          header: a.header,
          failure: a.failure,
          workflowTaskCompletedEventId: completedEventId,
        });
        return;
      }
      case CommandType.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const sa = command.upsertWorkflowSearchAttributesCommandAttributes?.searchAttributes ?? {};
        run.searchAttributes = {
          indexedFields: { ...(run.searchAttributes.indexedFields ?? {}), ...(sa.indexedFields ?? {}) },
        };
        for (const [k, v] of Object.entries((sa.indexedFields ?? {}) as Record<string, Msg>)) {
          if (!v?.data || Buffer.from(v.data).length === 0 || Buffer.from(v.data).toString() === 'null') {
            delete run.searchAttributes.indexedFields[k];
          }
        }
        this.appendEvent(run, EventType.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, {
          searchAttributes: sa,
          workflowTaskCompletedEventId: completedEventId,
        });
        return;
      }
      case CommandType.MODIFY_WORKFLOW_PROPERTIES: {
        const memo = command.modifyWorkflowPropertiesCommandAttributes?.upsertedMemo ?? {};
        run.memo = { fields: { ...(run.memo.fields ?? {}), ...(memo.fields ?? {}) } };
        this.appendEvent(run, EventType.WORKFLOW_PROPERTIES_MODIFIED, {
          upsertedMemo: memo,
          workflowTaskCompletedEventId: completedEventId,
        });
        return;
      }
      case CommandType.START_CHILD_WORKFLOW_EXECUTION:
        return this.startChild(
          run,
          command.startChildWorkflowExecutionCommandAttributes ?? {},
          completedEventId,
          identity,
        );
      case CommandType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION:
        return this.signalExternal(
          run,
          command.signalExternalWorkflowExecutionCommandAttributes ?? {},
          completedEventId,
        );
      case CommandType.REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION:
        return this.cancelExternal(
          run,
          command.requestCancelExternalWorkflowExecutionCommandAttributes ?? {},
          completedEventId,
        );
      default:
        throw new RpcError(status.UNIMPLEMENTED, `command type ${t} is not supported by temporal-dev-server`);
    }
  }

  // ---------------------------------------------------------------- timers

  private startTimer(run: Run, a: Msg, completedEventId: number): void {
    const timerId: string = a.timerId;
    const ms = durationMs(a.startToFireTimeout) ?? 0;
    const started = this.appendEvent(run, EventType.TIMER_STARTED, {
      timerId,
      startToFireTimeout: a.startToFireTimeout,
      workflowTaskCompletedEventId: completedEventId,
    });
    const handle = this.clock.schedule(this.clock.now() + ms, () => {
      const timer = run.timers.get(timerId);
      if (!timer || isClosed(run)) return;
      run.timers.delete(timerId);
      this.appendEvent(run, EventType.TIMER_FIRED, { timerId, startedEventId: timer.startedEventId });
      this.scheduleWft(run);
    });
    run.timers.set(timerId, { startedEventId: started.eventId, fireAt: this.clock.now() + ms, handle });
  }

  private cancelTimer(run: Run, a: Msg, completedEventId: number): void {
    const timer = run.timers.get(a.timerId);
    if (!timer) return;
    this.clock.cancel(timer.handle);
    run.timers.delete(a.timerId);
    this.appendEvent(run, EventType.TIMER_CANCELED, {
      timerId: a.timerId,
      startedEventId: timer.startedEventId,
      workflowTaskCompletedEventId: completedEventId,
    });
  }

  // ---------------------------------------------------------------- activities

  private scheduleActivity(run: Run, a: Msg, completedEventId: number): void {
    if (!a.activityId) throw invalidArgument('ActivityId is not set on ScheduleActivityTaskCommand.');
    if (!a.activityType?.name)
      throw invalidArgument('ActivityType is not set on ScheduleActivityTaskCommand.');
    // Timeouts filled in as the real server does.
    let scheduleToClose = durationMs(a.scheduleToCloseTimeout);
    let startToClose = durationMs(a.startToCloseTimeout);
    let scheduleToStart = durationMs(a.scheduleToStartTimeout);
    let heartbeat = durationMs(a.heartbeatTimeout);
    if (run.runTimeoutMs && (!scheduleToClose || scheduleToClose > run.runTimeoutMs))
      scheduleToClose = run.runTimeoutMs;
    if (!startToClose && !scheduleToClose) {
      throw invalidArgument(
        'A valid StartToClose or ScheduleToCloseTimeout is not set on ScheduleActivityTaskCommand.',
      );
    }
    if (!startToClose) startToClose = scheduleToClose!;
    if (scheduleToClose && startToClose > scheduleToClose) startToClose = scheduleToClose;
    if (scheduleToClose && (!scheduleToStart || scheduleToStart > scheduleToClose))
      scheduleToStart = scheduleToClose;
    if (heartbeat && heartbeat > startToClose) heartbeat = startToClose;
    const rp = a.retryPolicy ?? {};
    const initialMs = durationMs(rp.initialInterval) ?? DEFAULT_RETRY.initialIntervalMs;
    const retryPolicy = {
      initialInterval: toDuration(initialMs),
      backoffCoefficient:
        rp.backoffCoefficient && rp.backoffCoefficient >= 1
          ? rp.backoffCoefficient
          : DEFAULT_RETRY.backoffCoefficient,
      maximumInterval: toDuration(durationMs(rp.maximumInterval) ?? initialMs * 100),
      maximumAttempts: rp.maximumAttempts ?? 0,
      nonRetryableErrorTypes: rp.nonRetryableErrorTypes ?? [],
    };
    const taskQueue = a.taskQueue?.name || run.taskQueue;
    const event = this.appendEvent(run, EventType.ACTIVITY_TASK_SCHEDULED, {
      activityId: a.activityId,
      activityType: a.activityType,
      taskQueue: { name: taskQueue, kind: TaskQueueKind.NORMAL },
      header: a.header,
      input: a.input,
      scheduleToCloseTimeout: scheduleToClose ? toDuration(scheduleToClose) : undefined,
      scheduleToStartTimeout: scheduleToStart ? toDuration(scheduleToStart) : undefined,
      startToCloseTimeout: toDuration(startToClose),
      heartbeatTimeout: heartbeat ? toDuration(heartbeat) : undefined,
      workflowTaskCompletedEventId: completedEventId,
      retryPolicy,
    });
    const now = this.clock.now();
    const activity: ActivityState = {
      scheduledEventId: event.eventId,
      activityId: a.activityId,
      activityType: a.activityType,
      taskQueue,
      input: a.input,
      header: a.header,
      scheduleToCloseMs: scheduleToClose,
      scheduleToStartMs: scheduleToStart,
      startToCloseMs: startToClose,
      heartbeatMs: heartbeat,
      retryPolicy,
      attempt: 1,
      scheduledTime: now,
      currentAttemptScheduledTime: now,
      cancelRequested: false,
      queued: false,
      timers: [],
    };
    run.activities.set(event.eventId, activity);
    if (scheduleToClose) {
      activity.scheduleToCloseTimer = this.clock.schedule(now + scheduleToClose, () =>
        this.activityTimedOut(run, activity, TimeoutType.SCHEDULE_TO_CLOSE),
      );
    }
    this.enqueueActivity(run, activity);
  }

  private enqueueActivity(run: Run, activity: ActivityState): void {
    const attempt = activity.attempt;
    activity.queued = true;
    activity.retryAt = undefined;
    this.persistence.touch(run);
    if (activity.scheduleToStartMs) {
      activity.timers.push(
        this.clock.schedule(this.clock.now() + activity.scheduleToStartMs, () => {
          if (activity.attempt === attempt && activity.startedTime === undefined) {
            this.activityTimedOut(run, activity, TimeoutType.SCHEDULE_TO_START);
          }
        }),
      );
    }
    this.activityQueues.add(queueKey(run.namespace, activity.taskQueue), {
      run,
      scheduledEventId: activity.scheduledEventId,
      attempt,
    });
  }

  private isActivityTaskLive(task: ActivityTask): boolean {
    const activity = task.run.activities.get(task.scheduledEventId);
    return (
      !isClosed(task.run) &&
      activity !== undefined &&
      activity.attempt === task.attempt &&
      activity.startedTime === undefined
    );
  }

  private dispatchActivityTask(task: ActivityTask, identity: string): Msg {
    const run = task.run;
    const activity = run.activities.get(task.scheduledEventId)!;
    const now = this.clock.now();
    this.persistence.touch(run);
    activity.queued = false;
    activity.startedTime = now;
    activity.startedIdentity = identity;
    this.clearAttemptTimers(activity);
    const attempt = activity.attempt;
    activity.timers.push(
      this.clock.schedule(now + activity.startToCloseMs, () => {
        if (activity.attempt === attempt) this.activityTimedOut(run, activity, TimeoutType.START_TO_CLOSE);
      }),
    );
    if (activity.heartbeatMs) this.armHeartbeat(run, activity);
    return {
      taskToken: encodeToken({
        k: 'a',
        ns: run.namespace,
        wid: run.workflowId,
        rid: run.runId,
        s: activity.scheduledEventId,
        a: attempt,
      }),
      workflowNamespace: run.namespace,
      workflowType: run.workflowType,
      workflowExecution: { workflowId: run.workflowId, runId: run.runId },
      activityType: activity.activityType,
      activityId: activity.activityId,
      header: activity.header,
      input: activity.input,
      heartbeatDetails: activity.heartbeatDetails,
      scheduledTime: toTimestamp(activity.scheduledTime),
      currentAttemptScheduledTime: toTimestamp(activity.currentAttemptScheduledTime),
      startedTime: toTimestamp(now),
      attempt,
      // The worker requires this field; zero means "no limit".
      scheduleToCloseTimeout: toDuration(activity.scheduleToCloseMs ?? 0),
      startToCloseTimeout: toDuration(activity.startToCloseMs),
      heartbeatTimeout: activity.heartbeatMs ? toDuration(activity.heartbeatMs) : undefined,
      retryPolicy: activity.retryPolicy,
    };
  }

  private armHeartbeat(run: Run, activity: ActivityState): void {
    const attempt = activity.attempt;
    const since = this.clock.now();
    activity.timers.push(
      this.clock.schedule(since + activity.heartbeatMs!, () => {
        if (activity.attempt !== attempt || activity.startedTime === undefined) return;
        const last = activity.lastHeartbeatTime ?? activity.startedTime;
        if (last <= since) this.activityTimedOut(run, activity, TimeoutType.HEARTBEAT);
      }),
    );
  }

  private clearAttemptTimers(activity: ActivityState): void {
    for (const t of activity.timers.splice(0)) this.clock.cancel(t);
  }

  private requireActivity(token: TaskToken): { run: Run; activity: ActivityState } {
    const run = this.runsById.get(token.rid);
    const activity = run?.activities.get(token.s ?? -1);
    if (
      !run ||
      isClosed(run) ||
      !activity ||
      activity.attempt !== token.a ||
      activity.startedTime === undefined
    ) {
      throw notFound('Activity task not found.');
    }
    return { run, activity };
  }

  activityById(req: Msg): TaskToken {
    const namespace = this.requireNamespace(req.namespace);
    const run = this.findRun(namespace, { workflowId: req.workflowId, runId: req.runId });
    const activity = [...run.activities.values()].find((a) => a.activityId === req.activityId);
    if (!activity) throw notFound('Activity task not found.');
    return {
      k: 'a',
      ns: namespace,
      wid: run.workflowId,
      rid: run.runId,
      s: activity.scheduledEventId,
      a: activity.attempt,
    };
  }

  private finishActivity(run: Run, activity: ActivityState): number {
    this.clearAttemptTimers(activity);
    this.clock.cancel(activity.scheduleToCloseTimer);
    run.activities.delete(activity.scheduledEventId);
    const started = this.appendEvent(run, EventType.ACTIVITY_TASK_STARTED, {
      scheduledEventId: activity.scheduledEventId,
      identity: activity.startedIdentity,
      requestId: randomUUID(),
      attempt: activity.attempt,
      lastFailure: activity.lastFailure,
    });
    return started.eventId;
  }

  respondActivityTaskCompleted(token: TaskToken, req: Msg): void {
    const { run, activity } = this.requireActivity(token);
    const startedEventId = this.finishActivity(run, activity);
    this.appendEvent(run, EventType.ACTIVITY_TASK_COMPLETED, {
      result: req.result,
      scheduledEventId: activity.scheduledEventId,
      startedEventId,
      identity: req.identity,
    });
    this.scheduleWft(run);
  }

  respondActivityTaskFailed(token: TaskToken, req: Msg): void {
    const { run, activity } = this.requireActivity(token);
    if (req.lastHeartbeatDetails) activity.heartbeatDetails = req.lastHeartbeatDetails;
    const failure: Msg = req.failure ?? { message: 'activity failed' };
    const retry = this.retryDecision(activity, failure);
    if (retry.retry) {
      activity.lastFailure = failure;
      this.retryActivity(run, activity, retry.backoffMs);
      return;
    }
    const startedEventId = this.finishActivity(run, activity);
    this.appendEvent(run, EventType.ACTIVITY_TASK_FAILED, {
      failure,
      scheduledEventId: activity.scheduledEventId,
      startedEventId,
      identity: req.identity,
      retryState: retry.state,
    });
    this.scheduleWft(run);
  }

  respondActivityTaskCanceled(token: TaskToken, req: Msg): void {
    const { run, activity } = this.requireActivity(token);
    const startedEventId = this.finishActivity(run, activity);
    this.appendEvent(run, EventType.ACTIVITY_TASK_CANCELED, {
      details: req.details,
      latestCancelRequestedEventId: activity.cancelRequestedEventId,
      scheduledEventId: activity.scheduledEventId,
      startedEventId,
      identity: req.identity,
    });
    this.scheduleWft(run);
  }

  recordHeartbeat(token: TaskToken, details: Msg | undefined): { cancelRequested: boolean } {
    const { run, activity } = this.requireActivity(token);
    this.persistence.touch(run);
    if (details) activity.heartbeatDetails = details;
    activity.lastHeartbeatTime = this.clock.now();
    if (activity.heartbeatMs) this.armHeartbeat(run, activity);
    return { cancelRequested: activity.cancelRequested };
  }

  private retryDecision(
    activity: ActivityState,
    failure: Msg,
  ): { retry: true; backoffMs: number } | { retry: false; state: number } {
    const info = failure.applicationFailureInfo;
    if (info?.nonRetryable) return { retry: false, state: RetryState.NON_RETRYABLE_FAILURE };
    if (info?.type && (activity.retryPolicy.nonRetryableErrorTypes as string[]).includes(info.type)) {
      return { retry: false, state: RetryState.NON_RETRYABLE_FAILURE };
    }
    const max = activity.retryPolicy.maximumAttempts as number;
    if (max > 0 && activity.attempt >= max)
      return { retry: false, state: RetryState.MAXIMUM_ATTEMPTS_REACHED };
    const initial = durationMs(activity.retryPolicy.initialInterval)!;
    const maxInterval = durationMs(activity.retryPolicy.maximumInterval)!;
    let backoffMs = Math.min(
      initial * Math.pow(activity.retryPolicy.backoffCoefficient, activity.attempt - 1),
      maxInterval,
    );
    const nextDelay = durationMs(info?.nextRetryDelay);
    if (nextDelay) backoffMs = nextDelay;
    if (
      activity.scheduleToCloseMs &&
      this.clock.now() + backoffMs >= activity.scheduledTime + activity.scheduleToCloseMs
    ) {
      return { retry: false, state: RetryState.TIMEOUT };
    }
    return { retry: true, backoffMs };
  }

  private retryActivity(run: Run, activity: ActivityState, backoffMs: number): void {
    this.clearAttemptTimers(activity);
    activity.startedTime = undefined;
    activity.startedIdentity = undefined;
    activity.lastHeartbeatTime = undefined;
    activity.queued = false;
    const nextAttempt = activity.attempt + 1;
    activity.attempt = nextAttempt;
    activity.retryAt = this.clock.now() + backoffMs;
    this.persistence.touch(run);
    activity.timers.push(
      this.clock.schedule(activity.retryAt, () => {
        if (
          activity.attempt !== nextAttempt ||
          !run.activities.has(activity.scheduledEventId) ||
          isClosed(run)
        )
          return;
        activity.currentAttemptScheduledTime = this.clock.now();
        this.enqueueActivity(run, activity);
      }),
    );
  }

  private activityTimedOut(run: Run, activity: ActivityState, timeoutType: number): void {
    if (isClosed(run) || !run.activities.has(activity.scheduledEventId)) return;
    const failure: Msg = {
      message: `activity ${Object.keys(TimeoutType).find((k) => TimeoutType[k as keyof typeof TimeoutType] === timeoutType)} timeout`,
      source: 'Server',
      timeoutFailureInfo: { timeoutType, lastHeartbeatDetails: activity.heartbeatDetails },
      cause: activity.lastFailure,
    };
    if (timeoutType === TimeoutType.START_TO_CLOSE || timeoutType === TimeoutType.HEARTBEAT) {
      const retry = this.retryDecision(activity, failure);
      if (retry.retry) {
        activity.lastFailure = failure;
        this.retryActivity(run, activity, retry.backoffMs);
        return;
      }
    }
    const wasStarted = activity.startedTime !== undefined;
    this.clearAttemptTimers(activity);
    this.clock.cancel(activity.scheduleToCloseTimer);
    run.activities.delete(activity.scheduledEventId);
    let startedEventId = 0;
    if (wasStarted) {
      startedEventId = this.appendEvent(run, EventType.ACTIVITY_TASK_STARTED, {
        scheduledEventId: activity.scheduledEventId,
        identity: activity.startedIdentity,
        requestId: randomUUID(),
        attempt: activity.attempt,
        lastFailure: activity.lastFailure,
      }).eventId;
    }
    this.appendEvent(run, EventType.ACTIVITY_TASK_TIMED_OUT, {
      failure,
      scheduledEventId: activity.scheduledEventId,
      startedEventId,
      retryState: RetryState.TIMEOUT,
    });
    this.scheduleWft(run);
  }

  private requestCancelActivity(run: Run, a: Msg, completedEventId: number): void {
    const activity = run.activities.get(a.scheduledEventId);
    if (!activity) return;
    const requested = this.appendEvent(run, EventType.ACTIVITY_TASK_CANCEL_REQUESTED, {
      scheduledEventId: a.scheduledEventId,
      workflowTaskCompletedEventId: completedEventId,
    });
    activity.cancelRequested = true;
    activity.cancelRequestedEventId = requested.eventId;
    if (activity.startedTime === undefined) {
      this.clearAttemptTimers(activity);
      this.clock.cancel(activity.scheduleToCloseTimer);
      run.activities.delete(activity.scheduledEventId);
      this.appendEvent(run, EventType.ACTIVITY_TASK_CANCELED, {
        latestCancelRequestedEventId: requested.eventId,
        scheduledEventId: activity.scheduledEventId,
        startedEventId: 0,
      });
      run.needsWft = true;
    }
  }

  // ---------------------------------------------------------------- signals, cancel, terminate

  signal(run: Run, req: Msg): void {
    if (isClosed(run)) throw alreadyCompleted();
    if (req.requestId) {
      if (run.requestIds.has(`signal:${req.requestId}`)) return;
      run.requestIds.add(`signal:${req.requestId}`);
    }
    this.appendEvent(run, EventType.WORKFLOW_EXECUTION_SIGNALED, {
      signalName: req.signalName,
      input: req.input,
      identity: req.identity,
      header: req.header,
    });
    this.scheduleWft(run);
  }

  requestCancel(run: Run, req: Msg): void {
    if (isClosed(run)) throw alreadyCompleted();
    if (run.cancelRequested) return;
    run.cancelRequested = true;
    this.appendEvent(run, EventType.WORKFLOW_EXECUTION_CANCEL_REQUESTED, {
      cause: req.reason,
      identity: req.identity,
      externalWorkflowExecution: req.externalWorkflowExecution,
      externalInitiatedEventId: req.externalInitiatedEventId,
    });
    this.scheduleWft(run);
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
      this.flushBuffered(run);
    }
    this.appendEvent(run, EventType.WORKFLOW_EXECUTION_TERMINATED, { reason, details, identity });
    this.close(run, ExecutionStatus.TERMINATED);
  }

  private timeOutRun(run: Run): void {
    if (isClosed(run)) return;
    if (run.wft) {
      this.clock.cancel(run.wft.timer);
      run.wft = undefined;
      this.flushBuffered(run);
    }
    this.appendEvent(run, EventType.WORKFLOW_EXECUTION_TIMED_OUT, { retryState: RetryState.TIMEOUT });
    this.close(run, ExecutionStatus.TIMED_OUT);
  }

  private continueAsNew(run: Run, a: Msg, completedEventId: number): void {
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
      },
      { continuedFrom: run, parent: run.parent },
    ).run;
    run.continuedAsNewRunId = next.runId;
    // The new run is the latest: re-order so lookups by workflow id find it.
    this.appendEvent(run, EventType.WORKFLOW_EXECUTION_CONTINUED_AS_NEW, {
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
    this.close(run, ExecutionStatus.CONTINUED_AS_NEW, { keepParent: true });
  }

  private close(run: Run, statusCode: number, options: { keepParent?: boolean } = {}): void {
    run.status = statusCode;
    run.closeTime = this.clock.now();
    run.closeEvent = this.history(run, run.nextEventId - 1)[0];
    this.clock.cancel(run.runTimer);
    if (run.wft) {
      this.clock.cancel(run.wft.timer);
      run.wft = undefined;
    }
    for (const timer of run.timers.values()) this.clock.cancel(timer.handle);
    run.timers.clear();
    for (const activity of run.activities.values()) {
      this.clearAttemptTimers(activity);
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
    this.dispatchPendingQueries(run);
    for (const child of run.children.values()) this.applyParentClosePolicy(run, child);
    if (run.parent && !options.keepParent) this.notifyParent(run);
    if (run.parent && options.keepParent && statusCode !== ExecutionStatus.CONTINUED_AS_NEW)
      this.notifyParent(run);
    this.log(`closed ${run.workflowId} run ${run.runId} with status ${statusCode}`);
  }

  // ---------------------------------------------------------------- children and external

  private startChild(parent: Run, a: Msg, completedEventId: number, identity: string): void {
    const namespace = a.namespace || parent.namespace;
    const initiated = this.appendEvent(parent, EventType.START_CHILD_WORKFLOW_EXECUTION_INITIATED, {
      namespace,
      workflowId: a.workflowId,
      workflowType: a.workflowType,
      taskQueue: a.taskQueue,
      input: a.input,
      workflowExecutionTimeout: a.workflowExecutionTimeout,
      workflowRunTimeout: a.workflowRunTimeout,
      workflowTaskTimeout: a.workflowTaskTimeout,
      parentClosePolicy: a.parentClosePolicy,
      control: a.control,
      workflowTaskCompletedEventId: completedEventId,
      workflowIdReusePolicy: a.workflowIdReusePolicy,
      retryPolicy: a.retryPolicy,
      cronSchedule: a.cronSchedule,
      header: a.header,
      memo: a.memo,
      searchAttributes: a.searchAttributes,
    });
    const child: ChildState = {
      initiatedEventId: initiated.eventId,
      namespace,
      workflowId: a.workflowId,
      workflowType: a.workflowType,
      parentClosePolicy: a.parentClosePolicy ?? ParentClosePolicy.TERMINATE,
    };
    parent.children.set(initiated.eventId, child);
    // The real server starts the child asynchronously after the parent's task completes.
    this.later(() => {
      if (isClosed(parent)) return;
      try {
        const { run } = this.startWorkflow(
          {
            namespace,
            workflowId: a.workflowId,
            workflowType: a.workflowType,
            taskQueue: a.taskQueue?.name ? a.taskQueue : { name: parent.taskQueue },
            input: a.input,
            workflowExecutionTimeout: a.workflowExecutionTimeout,
            workflowRunTimeout: a.workflowRunTimeout,
            workflowTaskTimeout: a.workflowTaskTimeout,
            identity,
            requestId: randomUUID(),
            workflowIdReusePolicy: a.workflowIdReusePolicy,
            header: a.header,
            memo: a.memo,
            searchAttributes: a.searchAttributes,
          },
          {
            parent: {
              namespace: parent.namespace,
              workflowId: parent.workflowId,
              runId: parent.runId,
              initiatedEventId: initiated.eventId,
            },
          },
        );
        child.runId = run.runId;
        const started = this.appendEvent(parent, EventType.CHILD_WORKFLOW_EXECUTION_STARTED, {
          namespace,
          initiatedEventId: initiated.eventId,
          workflowExecution: { workflowId: run.workflowId, runId: run.runId },
          workflowType: a.workflowType,
          header: a.header,
        });
        child.startedEventId = started.eventId;
      } catch (err) {
        parent.children.delete(initiated.eventId);
        this.appendEvent(parent, EventType.START_CHILD_WORKFLOW_EXECUTION_FAILED, {
          namespace,
          workflowId: a.workflowId,
          workflowType: a.workflowType,
          cause: StartChildFailedCause.WORKFLOW_ALREADY_EXISTS,
          control: a.control,
          initiatedEventId: initiated.eventId,
          workflowTaskCompletedEventId: completedEventId,
        });
        if (!(err instanceof RpcError)) this.log(`child start failed: ${String(err)}`);
      }
      this.scheduleWft(parent);
    });
  }

  private notifyParent(child: Run): void {
    const parentRef = child.parent!;
    const parent = this.runsById.get(parentRef.runId);
    if (!parent || isClosed(parent)) return;
    const state = parent.children.get(parentRef.initiatedEventId);
    if (!state) return;
    const startedEventId = state.startedEventId ?? 0;
    const common = {
      namespace: child.namespace,
      workflowExecution: { workflowId: child.workflowId, runId: child.runId },
      workflowType: child.workflowType,
      initiatedEventId: parentRef.initiatedEventId,
      startedEventId,
    };
    const close = child.closeEvent ?? {};
    // The parent learns of the result only after it has learnt that the child started.
    const deliver = () => {
      if (isClosed(parent)) return;
      parent.children.delete(parentRef.initiatedEventId);
      switch (child.status) {
        case ExecutionStatus.COMPLETED:
          this.appendEvent(parent, EventType.CHILD_WORKFLOW_EXECUTION_COMPLETED, {
            ...common,
            result: close.workflowExecutionCompletedEventAttributes?.result,
          });
          break;
        case ExecutionStatus.FAILED:
          this.appendEvent(parent, EventType.CHILD_WORKFLOW_EXECUTION_FAILED, {
            ...common,
            failure: close.workflowExecutionFailedEventAttributes?.failure,
            retryState: RetryState.NON_RETRYABLE_FAILURE,
          });
          break;
        case ExecutionStatus.CANCELED:
          this.appendEvent(parent, EventType.CHILD_WORKFLOW_EXECUTION_CANCELED, {
            ...common,
            details: close.workflowExecutionCanceledEventAttributes?.details,
          });
          break;
        case ExecutionStatus.TERMINATED:
          this.appendEvent(parent, EventType.CHILD_WORKFLOW_EXECUTION_TERMINATED, common);
          break;
        case ExecutionStatus.TIMED_OUT:
          this.appendEvent(parent, EventType.CHILD_WORKFLOW_EXECUTION_TIMED_OUT, {
            ...common,
            retryState: RetryState.TIMEOUT,
          });
          break;
        default:
          return;
      }
      this.scheduleWft(parent);
    };
    if (state.startedEventId !== undefined) deliver();
    else this.later(deliver);
  }

  private applyParentClosePolicy(parent: Run, child: ChildState): void {
    if (!child.runId) return;
    const run = this.runsById.get(child.runId);
    if (!run || isClosed(run)) return;
    if (
      child.parentClosePolicy === ParentClosePolicy.TERMINATE ||
      child.parentClosePolicy === ParentClosePolicy.UNSPECIFIED
    ) {
      this.terminate(run, 'by parent close policy', undefined, 'temporal-dev-server');
    } else if (child.parentClosePolicy === ParentClosePolicy.REQUEST_CANCEL) {
      this.requestCancel(run, { reason: 'by parent close policy' });
    }
  }

  private signalExternal(run: Run, a: Msg, completedEventId: number): void {
    const namespace = a.namespace || run.namespace;
    const initiated = this.appendEvent(run, EventType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, {
      namespace,
      workflowExecution: a.execution,
      signalName: a.signalName,
      input: a.input,
      control: a.control,
      childWorkflowOnly: a.childWorkflowOnly,
      header: a.header,
      workflowTaskCompletedEventId: completedEventId,
    });
    this.later(() => {
      if (isClosed(run)) return;
      try {
        const target = this.findRun(namespace, a.execution);
        this.signal(target, {
          signalName: a.signalName,
          input: a.input,
          header: a.header,
          identity: `workflow:${run.workflowId}`,
        });
        this.appendEvent(run, EventType.EXTERNAL_WORKFLOW_EXECUTION_SIGNALED, {
          initiatedEventId: initiated.eventId,
          namespace,
          workflowExecution: { workflowId: target.workflowId, runId: target.runId },
          control: a.control,
        });
      } catch {
        this.appendEvent(run, EventType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED, {
          cause: SignalExternalFailedCause.EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
          workflowTaskCompletedEventId: completedEventId,
          namespace,
          workflowExecution: a.execution,
          initiatedEventId: initiated.eventId,
          control: a.control,
        });
      }
      this.scheduleWft(run);
    });
  }

  private cancelExternal(run: Run, a: Msg, completedEventId: number): void {
    const namespace = a.namespace || run.namespace;
    const execution = { workflowId: a.workflowId, runId: a.runId };
    const initiated = this.appendEvent(run, EventType.REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, {
      namespace,
      workflowExecution: execution,
      control: a.control,
      childWorkflowOnly: a.childWorkflowOnly,
      reason: a.reason,
      workflowTaskCompletedEventId: completedEventId,
    });
    this.later(() => {
      if (isClosed(run)) return;
      try {
        const target = this.findRun(namespace, execution);
        if (isClosed(target)) throw alreadyCompleted();
        this.requestCancel(target, {
          reason: a.reason,
          identity: `workflow:${run.workflowId}`,
          externalWorkflowExecution: { workflowId: run.workflowId, runId: run.runId },
          externalInitiatedEventId: initiated.eventId,
        });
        this.appendEvent(run, EventType.EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED, {
          initiatedEventId: initiated.eventId,
          namespace,
          workflowExecution: { workflowId: target.workflowId, runId: target.runId },
        });
      } catch {
        this.appendEvent(run, EventType.REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED, {
          cause: CancelExternalFailedCause.EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
          workflowTaskCompletedEventId: completedEventId,
          namespace,
          workflowExecution: execution,
          initiatedEventId: initiated.eventId,
          control: a.control,
        });
      }
      this.scheduleWft(run);
    });
  }

  // ---------------------------------------------------------------- queries

  query(run: Run, query: Msg): Promise<Msg> {
    return new Promise((resolve, reject) => {
      const id = randomUUID();
      run.queries.set(id, { id, query, resolve, reject, dispatched: false });
      this.dispatchPendingQueries(run);
    });
  }

  cancelQuery(run: Run, id: string | undefined): void {
    if (id) run.queries.delete(id);
  }

  /** Queries go to a worker as query-only tasks whenever no workflow task is outstanding. */
  private dispatchPendingQueries(run: Run): void {
    if (run.wft && !isClosed(run)) return;
    for (const q of run.queries.values()) {
      if (q.dispatched) continue;
      const sticky = !isClosed(run) && run.stickyQueue !== undefined;
      const queue = sticky ? run.stickyQueue! : run.taskQueue;
      this.workflowQueues.add(queueKey(run.namespace, queue), { kind: 'query', run, queryId: q.id });
    }
  }

  private dispatchQueryTask(run: Run, queryId: string): Msg {
    const q = run.queries.get(queryId)!;
    q.dispatched = true;
    const sticky = !isClosed(run) && run.stickyQueue !== undefined;
    const from = sticky ? run.previousStartedEventId + 1 : 1;
    return {
      taskToken: encodeToken({ k: 'q', ns: run.namespace, wid: run.workflowId, rid: run.runId, q: queryId }),
      workflowExecution: { workflowId: run.workflowId, runId: run.runId },
      workflowType: run.workflowType,
      previousStartedEventId: run.previousStartedEventId,
      startedEventId: run.previousStartedEventId,
      history: {
        events: this.history(
          run,
          from,
          run.lastCompletedWftEventId ? run.lastCompletedWftEventId + 1 : undefined,
        ),
      },
      query: q.query,
      workflowExecutionTaskQueue: { name: run.taskQueue, kind: TaskQueueKind.NORMAL },
      attempt: 1,
    };
  }

  respondQueryTaskCompleted(req: Msg): void {
    const token = decodeToken(req.taskToken);
    const run = this.runsById.get(token.rid);
    if (!run || token.k !== 'q' || !token.q || !run.queries.has(token.q))
      throw notFound('Query task not found.');
    this.answerQuery(run, token.q, {
      resultType: req.completedType,
      answer: req.queryResult,
      errorMessage: req.errorMessage,
      failure: req.failure,
    });
  }

  private answerQuery(run: Run, id: string, result: Msg): void {
    const q = run.queries.get(id);
    if (!q) return;
    run.queries.delete(id);
    if (result.resultType === QueryResultType.FAILED) {
      q.reject(
        new RpcError(status.INVALID_ARGUMENT, result.errorMessage || 'query failed', {
          typeName: 'temporal.api.errordetails.v1.QueryFailedFailure',
          value: { failure: result.failure },
        }),
      );
    } else {
      q.resolve({ queryResult: result.answer });
    }
  }

  // ---------------------------------------------------------------- updates

  /** Admits an update (or finds the one with the same id) and resolves once it reaches `stage`. */
  async update(run: Run, request: Msg, stage: number, timeoutMs: number): Promise<Msg> {
    const id: string = request?.meta?.updateId;
    if (!id) throw invalidArgument('Update ID is not set on request.');
    if (!request?.input?.name) throw invalidArgument('Update name is not set on request.');
    let u = run.updates.get(id);
    if (!u) {
      if (isClosed(run)) throw alreadyCompleted();
      u = { id, request, stage: UpdateStage.ADMITTED, delivered: false, waiters: [] };
      run.updates.set(id, u);
      this.persistence.touch(run);
      this.scheduleWft(run, { speculative: true });
    }
    const state = u;
    // ADMITTED answers once the update is admitted; an unspecified stage means ACCEPTED.
    const wanted = stage === UpdateStage.UNSPECIFIED ? UpdateStage.ACCEPTED : stage;
    if (state.stage < wanted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        state.waiters.push(done);
      });
    }
    return this.updateResponse(run, state);
  }

  pollUpdate(run: Run, updateId: string, stage: number, timeoutMs: number): Promise<Msg> {
    const u = run.updates.get(updateId);
    if (!u) throw new RpcError(status.NOT_FOUND, `update ${updateId} not found`);
    return this.update(run, u.request, stage, timeoutMs);
  }

  private updateResponse(run: Run, u: UpdateState): Msg {
    return {
      updateRef: { workflowExecution: { workflowId: run.workflowId, runId: run.runId }, updateId: u.id },
      outcome: u.stage === UpdateStage.COMPLETED ? u.outcome : undefined,
      stage: u.stage,
    };
  }

  private handleProtocolMessage(run: Run, message: Msg, _completedEventId: number): void {
    const body = unpackAny(message.body);
    const u = run.updates.get(message.protocolInstanceId);
    if (!body || !u) return;
    const notify = () => u.waiters.splice(0).forEach((w) => w());
    switch (body.typeName) {
      case 'temporal.api.update.v1.Acceptance': {
        const event = this.appendEvent(run, EventType.WORKFLOW_EXECUTION_UPDATE_ACCEPTED, {
          protocolInstanceId: u.id,
          acceptedRequestMessageId: body.value.acceptedRequestMessageId,
          acceptedRequestSequencingEventId: body.value.acceptedRequestSequencingEventId,
          acceptedRequest: u.request,
        });
        u.acceptedEventId = event.eventId;
        u.stage = UpdateStage.ACCEPTED;
        notify();
        return;
      }
      case 'temporal.api.update.v1.Rejection':
        u.outcome = { failure: body.value.failure };
        u.stage = UpdateStage.COMPLETED;
        notify();
        return;
      case 'temporal.api.update.v1.Response':
        this.appendEvent(run, EventType.WORKFLOW_EXECUTION_UPDATE_COMPLETED, {
          meta: body.value.meta ?? { updateId: u.id },
          acceptedEventId: u.acceptedEventId,
          outcome: body.value.outcome,
        });
        u.outcome = body.value.outcome;
        u.stage = UpdateStage.COMPLETED;
        notify();
        return;
      default:
        throw invalidArgument(`unsupported protocol message ${body.typeName}`);
    }
  }

  // ---------------------------------------------------------------- workers

  shutdownWorker(namespace: string, stickyQueue: string | undefined): void {
    if (!stickyQueue) return;
    for (const run of this.runsById.values()) {
      if (run.namespace === namespace && run.stickyQueue === stickyQueue) this.resetSticky(run);
    }
    this.workflowQueues.release(queueKey(namespace, stickyQueue));
  }

  queueKey(namespace: string, name: string): string {
    return queueKey(namespace, name);
  }

  stop(): void {
    this.clock.stop();
  }

  // ---------------------------------------------------------------- time skipping

  enableTimeSkipping(): void {
    this.timeSkipping.enabled = true;
    this.clock.onFired = () => this.scheduleSkipCheck();
  }

  lockTimeSkipping(): void {
    this.timeSkipping.locks++;
  }

  unlockTimeSkipping(): void {
    if (this.timeSkipping.locks === 0) {
      throw new RpcError(status.FAILED_PRECONDITION, 'time skipping is not locked');
    }
    this.timeSkipping.locks--;
    this.scheduleSkipCheck();
  }

  /** Resolves once the server clock reaches `at` (in virtual time when skipping is unlocked). */
  sleepUntil(at: number): Promise<void> {
    if (this.clock.now() >= at) return Promise.resolve();
    return new Promise((resolve) => {
      this.clock.schedule(at, resolve);
      this.scheduleSkipCheck();
    });
  }

  /** Called after anything that may have made the server idle. */
  scheduleSkipCheck(): void {
    const ts = this.timeSkipping;
    if (!ts.enabled || ts.checkPending) return;
    ts.checkPending = true;
    setImmediate(() => {
      ts.checkPending = false;
      if (ts.locks > 0 || this.hasOutstandingTasks()) return;
      const next = this.clock.nextDue();
      if (next === undefined) return;
      this.clock.advanceTo(next);
      this.scheduleSkipCheck();
    });
  }

  private hasOutstandingTasks(): boolean {
    for (const run of this.runsById.values()) {
      if (isClosed(run)) continue;
      if (run.wft) return true;
      for (const activity of run.activities.values()) {
        if (activity.queued || activity.startedTime !== undefined) return true;
      }
    }
    return false;
  }
}
