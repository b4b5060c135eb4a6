import { randomUUID } from 'node:crypto';
import type { TimerSequence } from '../clock';
import { EventType, RetryState, TaskQueueKind, TimeoutType } from '../enums';
import { invalidArgument, notFound } from '../errors';
import { durationMs, type Msg, toDuration, toTimestamp } from '../proto';
import {
  type ActivityState,
  type ActivityTask,
  encodeToken,
  isClosed,
  queueKey,
  type Run,
  type TaskToken,
} from './run';
import type { Engine } from './engine';
import { decideRetry, normalizeRetryPolicy, type RetryDecision } from './retry-policy';

/**
 * The activity state machine: scheduled → started → completed | failed | canceled | timed out,
 * with retries (back-off on the server clock), the four timeouts filled in as the real server
 * does, heartbeats with details, and cancellation.
 */
export class Activities {
  constructor(private readonly e: Engine) {}

  schedule(run: Run, a: Msg, completedEventId: number): void {
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
    const retryPolicy = normalizeRetryPolicy(a.retryPolicy);
    const taskQueue = a.taskQueue?.name || run.taskQueue;
    const event = this.e.events.append(run, EventType.ACTIVITY_TASK_SCHEDULED, {
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
    const now = this.e.clock.now();
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
    this.armScheduleToClose(run, activity);
    this.enqueue(run, activity);
  }

  /**
   * Puts a pending activity back to work after a restart of the server: its timeouts on the clock
   * again, and the task in its queue if it was waiting there.
   */
  restore(run: Run, activity: ActivityState): void {
    this.armScheduleToClose(run, activity);
    if (activity.queued) this.enqueue(run, activity);
    else if (activity.startedTime !== undefined) {
      this.armStartToClose(run, activity);
      if (activity.heartbeatMs)
        this.armHeartbeat(run, activity, activity.lastHeartbeatTime ?? activity.startedTime);
    } else if (activity.retryAt !== undefined) this.armRetry(run, activity);
  }

  private armScheduleToClose(run: Run, activity: ActivityState): void {
    if (!activity.scheduleToCloseMs) return;
    activity.scheduleToCloseTimer = this.e.clock.schedule(
      activity.scheduledTime + activity.scheduleToCloseMs,
      () => this.timedOut(run, activity, TimeoutType.SCHEDULE_TO_CLOSE),
      this.sequence(run, activity, TimeoutType.SCHEDULE_TO_CLOSE),
    );
  }

  private enqueue(run: Run, activity: ActivityState): void {
    const attempt = activity.attempt;
    activity.queued = true;
    activity.retryAt = undefined;
    this.e.persistence.touch(run);
    if (activity.scheduleToStartMs) {
      activity.timers.push(
        this.e.clock.schedule(
          activity.currentAttemptScheduledTime + activity.scheduleToStartMs,
          () => {
            if (activity.attempt === attempt && activity.startedTime === undefined) {
              this.timedOut(run, activity, TimeoutType.SCHEDULE_TO_START);
            }
          },
          this.sequence(run, activity, TimeoutType.SCHEDULE_TO_START),
        ),
      );
    }
    this.e.activityQueues.add(queueKey(run.namespace, activity.taskQueue), {
      run,
      scheduledEventId: activity.scheduledEventId,
      attempt,
    });
  }

  isLive(task: ActivityTask): boolean {
    const activity = task.run.activities.get(task.scheduledEventId);
    return (
      !isClosed(task.run) &&
      activity !== undefined &&
      activity.attempt === task.attempt &&
      activity.startedTime === undefined
    );
  }

  dispatch(task: ActivityTask, identity: string): Msg {
    const run = task.run;
    const activity = run.activities.get(task.scheduledEventId)!;
    const now = this.e.clock.now();
    this.e.persistence.touch(run);
    activity.queued = false;
    activity.startedTime = now;
    activity.startedIdentity = identity;
    this.clearAttemptTimers(activity);
    const attempt = activity.attempt;
    this.armStartToClose(run, activity);
    if (activity.heartbeatMs) this.armHeartbeat(run, activity, now);
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

  private armStartToClose(run: Run, activity: ActivityState): void {
    const attempt = activity.attempt;
    activity.timers.push(
      this.e.clock.schedule(
        activity.startedTime! + activity.startToCloseMs,
        () => {
          if (activity.attempt === attempt) this.timedOut(run, activity, TimeoutType.START_TO_CLOSE);
        },
        this.sequence(run, activity, TimeoutType.START_TO_CLOSE),
      ),
    );
  }

  /** Times the attempt out unless a heartbeat comes within the heartbeat timeout after `since`. */
  private armHeartbeat(run: Run, activity: ActivityState, since: number): void {
    const attempt = activity.attempt;
    activity.timers.push(
      this.e.clock.schedule(
        since + activity.heartbeatMs!,
        () => {
          if (activity.attempt !== attempt || activity.startedTime === undefined) return;
          const last = activity.lastHeartbeatTime ?? activity.startedTime;
          if (last <= since) this.timedOut(run, activity, TimeoutType.HEARTBEAT);
        },
        this.sequence(run, activity, TimeoutType.HEARTBEAT),
      ),
    );
  }

  /**
   * The real server's activity timer sequence: a run's activity timeouts due together are handled
   * in one go, by (time, scheduled event id, timeout type) — so of an activity's timeouts falling
   * at the same instant START_TO_CLOSE goes before SCHEDULE_TO_START before SCHEDULE_TO_CLOSE
   * before HEARTBEAT, and the first one decides — with one workflow task after them all.
   */
  private sequence(run: Run, activity: ActivityState, timeoutType: number): TimerSequence {
    return {
      group: `activity-timeouts\u0000${run.key}`,
      key: [activity.scheduledEventId, timeoutType],
      batch: (fireAll) => this.e.workflowTasks.afterAll(run, fireAll),
    };
  }

  clearAttemptTimers(activity: ActivityState): void {
    for (const t of activity.timers.splice(0)) this.e.clock.cancel(t);
  }

  private require(token: TaskToken): { run: Run; activity: ActivityState } {
    const run = this.e.runsById.get(token.rid);
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

  byId(req: Msg): TaskToken {
    const namespace = this.e.requireNamespace(req.namespace);
    const run = this.e.findRun(namespace, { workflowId: req.workflowId, runId: req.runId });
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

  private finish(run: Run, activity: ActivityState): number {
    this.clearAttemptTimers(activity);
    this.e.clock.cancel(activity.scheduleToCloseTimer);
    run.activities.delete(activity.scheduledEventId);
    const started = this.e.events.append(run, EventType.ACTIVITY_TASK_STARTED, {
      scheduledEventId: activity.scheduledEventId,
      identity: activity.startedIdentity,
      requestId: randomUUID(),
      attempt: activity.attempt,
      lastFailure: activity.lastFailure,
    });
    return started.eventId;
  }

  respondCompleted(token: TaskToken, req: Msg): void {
    const { run, activity } = this.require(token);
    const startedEventId = this.finish(run, activity);
    this.e.events.append(run, EventType.ACTIVITY_TASK_COMPLETED, {
      result: req.result,
      scheduledEventId: activity.scheduledEventId,
      startedEventId,
      identity: req.identity,
    });
    this.e.workflowTasks.schedule(run);
  }

  respondFailed(token: TaskToken, req: Msg): void {
    const { run, activity } = this.require(token);
    if (req.lastHeartbeatDetails) activity.heartbeatDetails = req.lastHeartbeatDetails;
    const failure: Msg = req.failure ?? { message: 'activity failed' };
    const retry = this.retryDecision(activity, failure);
    if (retry.retry) {
      activity.lastFailure = failure;
      this.retry(run, activity, retry.backoffMs);
      return;
    }
    const startedEventId = this.finish(run, activity);
    this.e.events.append(run, EventType.ACTIVITY_TASK_FAILED, {
      failure,
      scheduledEventId: activity.scheduledEventId,
      startedEventId,
      identity: req.identity,
      retryState: retry.state,
    });
    this.e.workflowTasks.schedule(run);
  }

  respondCanceled(token: TaskToken, req: Msg): void {
    const { run, activity } = this.require(token);
    const startedEventId = this.finish(run, activity);
    this.e.events.append(run, EventType.ACTIVITY_TASK_CANCELED, {
      details: req.details,
      latestCancelRequestedEventId: activity.cancelRequestedEventId,
      scheduledEventId: activity.scheduledEventId,
      startedEventId,
      identity: req.identity,
    });
    this.e.workflowTasks.schedule(run);
  }

  recordHeartbeat(token: TaskToken, details: Msg | undefined): { cancelRequested: boolean } {
    const { run, activity } = this.require(token);
    this.e.persistence.touch(run);
    if (details) activity.heartbeatDetails = details;
    activity.lastHeartbeatTime = this.e.clock.now();
    if (activity.heartbeatMs) this.armHeartbeat(run, activity, activity.lastHeartbeatTime);
    return { cancelRequested: activity.cancelRequested };
  }

  private retryDecision(activity: ActivityState, failure: Msg): RetryDecision {
    const deadline = activity.scheduleToCloseMs
      ? activity.scheduledTime + activity.scheduleToCloseMs
      : undefined;
    return decideRetry(activity.retryPolicy, activity.attempt, failure, this.e.clock.now(), deadline);
  }

  private retry(run: Run, activity: ActivityState, backoffMs: number): void {
    this.clearAttemptTimers(activity);
    activity.startedTime = undefined;
    activity.startedIdentity = undefined;
    activity.lastHeartbeatTime = undefined;
    activity.queued = false;
    const nextAttempt = activity.attempt + 1;
    activity.attempt = nextAttempt;
    activity.retryAt = this.e.clock.now() + backoffMs;
    this.e.persistence.touch(run);
    this.armRetry(run, activity);
  }

  private armRetry(run: Run, activity: ActivityState): void {
    const attempt = activity.attempt;
    activity.timers.push(
      this.e.clock.schedule(activity.retryAt!, () => {
        if (activity.attempt !== attempt || !run.activities.has(activity.scheduledEventId) || isClosed(run))
          return;
        activity.currentAttemptScheduledTime = this.e.clock.now();
        this.enqueue(run, activity);
      }),
    );
  }

  private timedOut(run: Run, activity: ActivityState, timeoutType: number): void {
    if (isClosed(run) || !run.activities.has(activity.scheduledEventId)) return;
    const failure: Msg = {
      message: `activity ${Object.keys(TimeoutType).find((k) => TimeoutType[k as keyof typeof TimeoutType] === timeoutType)} timeout`,
      source: 'Server',
      timeoutFailureInfo: { timeoutType, lastHeartbeatDetails: activity.heartbeatDetails },
      cause: activity.lastFailure,
    };
    let retryState: number = RetryState.TIMEOUT;
    if (timeoutType === TimeoutType.START_TO_CLOSE || timeoutType === TimeoutType.HEARTBEAT) {
      const retry = this.retryDecision(activity, failure);
      if (retry.retry) {
        activity.lastFailure = failure;
        this.retry(run, activity, retry.backoffMs);
        return;
      }
      retryState = retry.state;
      if (retryState === RetryState.TIMEOUT) {
        // As the real server: no time left for another attempt is reported as SCHEDULE_TO_CLOSE.
        failure.message =
          'Not enough time to schedule next retry before activity ScheduleToClose timeout, giving up retrying';
        failure.timeoutFailureInfo.timeoutType = TimeoutType.SCHEDULE_TO_CLOSE;
      }
    }
    const wasStarted = activity.startedTime !== undefined;
    this.clearAttemptTimers(activity);
    this.e.clock.cancel(activity.scheduleToCloseTimer);
    run.activities.delete(activity.scheduledEventId);
    let startedEventId = 0;
    if (wasStarted) {
      startedEventId = this.e.events.append(run, EventType.ACTIVITY_TASK_STARTED, {
        scheduledEventId: activity.scheduledEventId,
        identity: activity.startedIdentity,
        requestId: randomUUID(),
        attempt: activity.attempt,
        lastFailure: activity.lastFailure,
      }).eventId;
    }
    this.e.events.append(run, EventType.ACTIVITY_TASK_TIMED_OUT, {
      failure,
      scheduledEventId: activity.scheduledEventId,
      startedEventId,
      retryState,
    });
    this.e.workflowTasks.schedule(run);
  }

  requestCancel(run: Run, a: Msg, completedEventId: number): void {
    const activity = run.activities.get(a.scheduledEventId);
    if (!activity) return;
    const requested = this.e.events.append(run, EventType.ACTIVITY_TASK_CANCEL_REQUESTED, {
      scheduledEventId: a.scheduledEventId,
      workflowTaskCompletedEventId: completedEventId,
    });
    activity.cancelRequested = true;
    activity.cancelRequestedEventId = requested.eventId;
    if (activity.startedTime === undefined) {
      this.clearAttemptTimers(activity);
      this.e.clock.cancel(activity.scheduleToCloseTimer);
      run.activities.delete(activity.scheduledEventId);
      this.e.events.append(run, EventType.ACTIVITY_TASK_CANCELED, {
        latestCancelRequestedEventId: requested.eventId,
        scheduledEventId: activity.scheduledEventId,
        startedEventId: 0,
      });
      run.needsWft = true;
    }
  }
}
