import { randomUUID } from 'node:crypto';
import {
  CommandType,
  EventType,
  TaskQueueKind,
  TimeoutType,
  UpdateStage,
  WorkflowTaskFailedCause,
} from '../enums';
import { invalidArgument, notFound } from '../errors';
import { durationMs, type Msg, packAny, toDuration, toTimestamp, unpackAny } from '../proto';
import { isCloseCommand, validateCommands } from './command-validation';
import {
  decodeToken,
  encodeToken,
  isClosed,
  queueKey,
  type Run,
  type TaskToken,
  type WftTask,
  type WorkflowTask,
} from './run';
import type { Engine } from './engine';
import { READ_HISTORY } from './history';

/**
 * The workflow task state machine: scheduled → started → completed | failed | timed out, one
 * outstanding per run; sticky queues with fall-back to the normal queue; speculative tasks that
 * carry only updates and leave no events when every update is rejected.
 */
export class WorkflowTasks {
  private refSeq = 1;
  /** Runs inside afterAll(): whether one of the steps asked for a workflow task. */
  private readonly batching = new Map<Run, boolean>();

  constructor(private readonly e: Engine) {}

  /** `eager`: the task is held for the caller of an eager start (see takeEager), not queued. */
  schedule(run: Run, options: { attempt?: number; speculative?: boolean; eager?: boolean } = {}): void {
    if (isClosed(run)) return;
    if (this.batching.has(run) && options.attempt === undefined && !options.speculative && !options.eager) {
      this.batching.set(run, true);
      return;
    }
    if (run.wft) {
      if (run.wft.startedEventId !== undefined) run.needsWft = true;
      else if (!options.speculative) run.wft.speculative = false;
      return;
    }
    run.needsWft = false;
    const sticky = run.stickyQueue !== undefined;
    const nextEventIdBefore = run.nextEventId;
    const attempt = options.attempt ?? 1;
    const transient = attempt > 1;
    const scheduledEventId = transient
      ? 0
      : this.e.events.append(run, EventType.WORKFLOW_TASK_SCHEDULED, this.scheduledAttributes(run, attempt), {
          direct: true,
        }).eventId;
    run.wft = {
      ref: this.refSeq++,
      transient,
      scheduledEventId,
      attempt,
      sticky,
      scheduledTime: this.e.clock.now(),
      deliveredUpdates: [],
      speculative: options.speculative ?? false,
      nextEventIdBefore,
      previousStartedBefore: run.previousStartedEventId,
      eager: options.eager,
    };
    if (!options.eager) this.enqueue(run);
  }

  /**
   * Runs `steps` (simultaneous timers of one run firing) so that at most one workflow task is
   * scheduled, after all their events: as the real server's timer task, whose TimerFired or
   * ActivityTaskTimedOut events come first and then one WorkflowTaskScheduled.
   */
  afterAll(run: Run, steps: () => void): void {
    if (this.batching.has(run)) return steps();
    this.batching.set(run, false);
    try {
      steps();
    } finally {
      const needed = this.batching.get(run);
      this.batching.delete(run);
      if (needed) this.schedule(run);
    }
  }

  /** The first task of an eagerly started run, started for the caller (its poll response). */
  takeEager(run: Run, identity: string): Msg | undefined {
    const wft = run.wft;
    if (!wft?.eager || wft.startedEventId !== undefined) return undefined;
    wft.eager = false;
    return this.dispatch({ kind: 'workflow', run, ref: wft.ref }, identity);
  }

  /**
   * After a restart of the server: a task a worker holds keeps its timeout; a task waiting in a
   * queue goes to the normal queue (a sticky worker's cache may be gone, so it gets the full
   * history); a run whose first task was not due yet (start delay, retry back-off) gets it later.
   */
  restore(run: Run): void {
    run.stickyQueue = undefined;
    const wft = run.wft;
    if (!wft) {
      if (run.lastCompletedWftEventId === 0) {
        this.e.clock.schedule(run.executionTime, () => this.schedule(run));
      }
      return;
    }
    wft.ref = this.refSeq++;
    if (wft.startedEventId !== undefined) {
      wft.timer = this.e.clock.schedule(wft.startedTime! + run.taskTimeoutMs, () =>
        this.startToCloseTimeout(run, wft),
      );
    } else {
      wft.sticky = false;
      this.enqueue(run);
    }
  }

  private scheduledAttributes(run: Run, attempt: number): Msg {
    return {
      taskQueue: run.stickyQueue
        ? { name: run.stickyQueue, kind: TaskQueueKind.STICKY, normalName: run.taskQueue }
        : { name: run.taskQueue, kind: TaskQueueKind.NORMAL },
      startToCloseTimeout: toDuration(run.taskTimeoutMs),
      attempt,
    };
  }

  private enqueue(run: Run): void {
    const wft = run.wft!;
    const task: WftTask = { kind: 'workflow', run, ref: wft.ref };
    if (wft.sticky && run.stickyQueue) {
      this.e.workflowQueues.add(queueKey(run.namespace, run.stickyQueue), task);
      const timeout = run.stickyScheduleToStartMs ?? 5000;
      wft.timer = this.e.clock.schedule(this.e.clock.now() + timeout, () =>
        this.stickyScheduleToStartTimeout(run, wft),
      );
    } else {
      this.e.workflowQueues.add(queueKey(run.namespace, run.taskQueue), task);
    }
  }

  /** The sticky worker did not pick the task up in time: hand it to the normal queue. */
  private stickyScheduleToStartTimeout(run: Run, wft: WorkflowTask): void {
    if (run.wft !== wft || wft.startedEventId !== undefined || isClosed(run)) return;
    this.resetSticky(run);
  }

  resetSticky(run: Run): void {
    run.stickyQueue = undefined;
    this.e.persistence.touch(run);
    const wft = run.wft;
    if (wft && wft.startedEventId === undefined && wft.sticky) {
      this.e.clock.cancel(wft.timer);
      wft.sticky = false;
      this.e.workflowQueues.add(queueKey(run.namespace, run.taskQueue), {
        kind: 'workflow',
        run,
        ref: wft.ref,
      });
    }
  }

  isLive(task: WftTask): boolean {
    if (task.kind === 'query') {
      const q = task.run.queries.get(task.queryId);
      return q !== undefined && !q.dispatched;
    }
    const wft = task.run.wft;
    return (
      !isClosed(task.run) && wft !== undefined && wft.ref === task.ref && wft.startedEventId === undefined
    );
  }

  dispatch(task: WftTask, identity: string): Msg {
    const run = task.run;
    if (task.kind === 'query') return this.e.queries.dispatch(run, task.queryId);
    const wft = run.wft!;
    this.e.clock.cancel(wft.timer);
    if (wft.transient) {
      wft.transientEvents = [
        this.e.events.build(
          run,
          EventType.WORKFLOW_TASK_SCHEDULED,
          this.scheduledAttributes(run, wft.attempt),
          run.nextEventId,
        ),
      ];
      wft.scheduledEventId = run.nextEventId;
    }
    const startedAttributes = {
      scheduledEventId: wft.scheduledEventId,
      identity,
      requestId: randomUUID(),
      historySizeBytes: run.historySizeBytes,
      suggestContinueAsNew:
        run.nextEventId > this.e.suggestContinueAsNew.events ||
        run.historySizeBytes > this.e.suggestContinueAsNew.bytes,
    };
    const started = wft.transient
      ? this.e.events.build(run, EventType.WORKFLOW_TASK_STARTED, startedAttributes, run.nextEventId + 1)
      : this.e.events.append(run, EventType.WORKFLOW_TASK_STARTED, startedAttributes, { direct: true });
    wft.transientEvents?.push(started);
    wft.startedEventId = started.eventId;
    wft.startedTime = this.e.clock.now();
    wft.timer = this.e.clock.schedule(this.e.clock.now() + run.taskTimeoutMs, () =>
      this.startToCloseTimeout(run, wft),
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
    // The events up to now do not change while the task runs (new ones are buffered).
    const to = run.nextEventId;
    const transientEvents = [...(wft.transientEvents ?? [])];
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
      [READ_HISTORY]: async () => [...(await this.e.events.readAsync(run, from, to)), ...transientEvents],
      workflowExecutionTaskQueue: { name: run.taskQueue, kind: TaskQueueKind.NORMAL },
      scheduledTime: toTimestamp(wft.scheduledTime),
      startedTime: toTimestamp(wft.startedTime),
      messages,
    };
  }

  private startToCloseTimeout(run: Run, wft: WorkflowTask): void {
    if (run.wft !== wft || isClosed(run)) return;
    this.recordFailure(run, wft, EventType.WORKFLOW_TASK_TIMED_OUT, {
      timeoutType: TimeoutType.START_TO_CLOSE,
    });
    this.failed(run, wft);
  }

  /** The Failed or TimedOut event of a task; a transient task's failure leaves no trace. */
  private recordFailure(run: Run, wft: WorkflowTask, eventType: number, attributes: Msg): void {
    if (wft.transient) return;
    this.e.events.append(
      run,
      eventType,
      { scheduledEventId: wft.scheduledEventId, startedEventId: wft.startedEventId, ...attributes },
      { direct: true },
    );
  }

  /**
   * After a failed or timed-out task: undelivered updates go out again, the task is retried (as
   * the next attempt, or as attempt 1 when the server failed it so that the worker sees new events).
   */
  private failed(run: Run, wft: WorkflowTask, options: { firstAttempt?: boolean } = {}): void {
    this.e.clock.cancel(wft.timer);
    for (const id of wft.deliveredUpdates) {
      const u = run.updates.get(id);
      if (u && u.stage === UpdateStage.ADMITTED) u.delivered = false;
    }
    run.wft = undefined;
    run.stickyQueue = undefined;
    this.e.events.flushBuffered(run);
    this.schedule(run, { attempt: options.firstAttempt ? 1 : wft.attempt + 1 });
  }

  private require(token: TaskToken): { run: Run; wft: WorkflowTask } {
    const run = this.e.runsById.get(token.rid);
    if (!run || isClosed(run)) throw notFound('Workflow task not found.');
    const wft = run.wft;
    if (
      !wft ||
      wft.scheduledEventId !== token.s ||
      wft.attempt !== token.a ||
      wft.startedEventId === undefined
    ) {
      throw notFound('Workflow task not found.');
    }
    return { run, wft };
  }

  respondFailed(req: Msg): void {
    const token = decodeToken(req.taskToken);
    const { run, wft } = this.require(token);
    this.recordFailure(run, wft, EventType.WORKFLOW_TASK_FAILED, {
      cause: req.cause,
      failure: req.failure,
      identity: req.identity,
    });
    if (req.cause === WorkflowTaskFailedCause.RESET_STICKY_TASK_QUEUE) run.stickyQueue = undefined;
    this.failed(run, wft);
  }

  respondCompleted(req: Msg): Msg {
    const token = decodeToken(req.taskToken);
    const { run, wft } = this.require(token);
    this.e.persistence.touch(run);
    const commands: Msg[] = req.commands ?? [];
    const messages: Msg[] = req.messages ?? [];

    if (req.stickyAttributes?.workerTaskQueue?.name) {
      run.stickyQueue = req.stickyAttributes.workerTaskQueue.name;
      run.stickyScheduleToStartMs = durationMs(req.stickyAttributes.scheduleToStartTimeout) ?? 5000;
    } else {
      run.stickyQueue = undefined;
    }
    for (const [id, result] of Object.entries((req.queryResults ?? {}) as Record<string, Msg>)) {
      this.e.queries.answer(run, id, result);
    }

    const violation = validateCommands(commands, messages, {
      pendingActivityIds: [...run.activities.values()].map((a) => a.activityId),
      pendingTimerIds: run.timers.keys(),
      validateSearchAttributes: (sa) => this.e.visibility.registry.validate(run.namespace, sa),
    });
    if (violation) {
      // As the real server: the task fails as a whole (none of its commands is applied), it is
      // retried, and the worker learns why from the error.
      this.recordFailure(run, wft, EventType.WORKFLOW_TASK_FAILED, {
        cause: violation.cause,
        failure: { message: violation.message, source: 'Server' },
        identity: req.identity,
      });
      this.failed(run, wft);
      throw invalidArgument(violation.message);
    }

    const closing = commands.some(isCloseCommand);
    if (closing && run.buffered.length > 0) {
      // New events arrived while the worker decided to close: it must see them first.
      this.recordFailure(run, wft, EventType.WORKFLOW_TASK_FAILED, {
        cause: WorkflowTaskFailedCause.UNHANDLED_COMMAND,
        identity: req.identity,
      });
      // Not the worker's fault: the next task is a fresh first attempt, as on the real server.
      this.failed(run, wft, { firstAttempt: true });
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

    this.e.clock.cancel(wft.timer);
    // A transient task that completes becomes history, with the events the worker saw.
    for (const event of wft.transientEvents ?? []) this.e.events.appendBuilt(run, event);
    const completed = this.e.events.append(
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
    this.e.timers.armedAfter(() => {
      for (const command of commands) {
        if (isClosed(run)) break;
        if (command.commandType === CommandType.PROTOCOL_MESSAGE) {
          const id = command.protocolMessageCommandAttributes?.messageId;
          const message = byId.get(id);
          if (!message) throw invalidArgument(`protocol message ${id} not found in the request`);
          byId.delete(id);
          this.e.updates.handleProtocolMessage(run, message, completed.eventId);
        } else {
          this.e.commands.apply(run, command, completed.eventId, req.identity);
        }
      }
      for (const message of byId.values()) {
        if (!isClosed(run)) this.e.updates.handleProtocolMessage(run, message, completed.eventId);
      }
    });

    if (isClosed(run)) return {};
    const hadBuffered = this.e.events.flushBuffered(run);
    const pendingUpdates = [...run.updates.values()].some(
      (u) => u.stage === UpdateStage.ADMITTED && !u.delivered,
    );
    if (hadBuffered || run.needsWft || req.forceCreateNewWorkflowTask || pendingUpdates) {
      run.needsWft = false;
      this.schedule(run);
    } else {
      this.e.queries.dispatchPending(run);
    }
    return {};
  }

  /**
   * Every update of a speculative task was rejected: the task leaves no events. The worker is told
   * (resetHistoryEventId) to roll its view of history back to where it was.
   */
  private dropSpeculative(run: Run, wft: WorkflowTask, rejections: Msg[]): Msg {
    this.e.clock.cancel(wft.timer);
    for (const message of rejections) this.e.updates.handleProtocolMessage(run, message, 0);
    this.e.store.truncate(run.key, wft.nextEventIdBefore);
    this.e.persistence.touch(run, wft.nextEventIdBefore);
    run.nextEventId = wft.nextEventIdBefore;
    run.previousStartedEventId = wft.previousStartedBefore;
    run.wft = undefined;
    if ([...run.updates.values()].some((u) => u.stage === UpdateStage.ADMITTED && !u.delivered)) {
      this.schedule(run, { speculative: true });
    } else {
      this.e.queries.dispatchPending(run);
    }
    return { resetHistoryEventId: wft.nextEventIdBefore - 1 };
  }
}
