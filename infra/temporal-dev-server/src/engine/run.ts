import { CLOSED_STATUSES } from '../enums';
import { invalidArgument } from '../errors';
import type { Msg } from '../proto';

/**
 * The in-memory state of one workflow run (its mutable state) and of each kind of pending thing in
 * it: workflow task, activity, timer, child, update, query. Clock handles and waiters are runtime
 * only; everything else is what storage keeps (see persistence.ts).
 */
export interface ActivityState {
  scheduledEventId: number;
  activityId: string;
  activityType: Msg;
  taskQueue: string;
  input?: Msg;
  header?: Msg;
  scheduleToCloseMs?: number;
  scheduleToStartMs?: number;
  startToCloseMs: number;
  heartbeatMs?: number;
  retryPolicy: Msg;
  attempt: number;
  scheduledTime: number;
  currentAttemptScheduledTime: number;
  startedTime?: number;
  startedIdentity?: string;
  heartbeatDetails?: Msg;
  lastHeartbeatTime?: number;
  lastFailure?: Msg;
  cancelRequested: boolean;
  cancelRequestedEventId?: number;
  /** Waiting in a task queue (scheduled, not started): real work is pending. */
  queued: boolean;
  /** When the next attempt is due, while waiting out a retry back-off. */
  retryAt?: number;
  /** Clock handles of the attempt's timers (runtime only, never stored). */
  timers: number[];
  scheduleToCloseTimer?: number;
}

export interface WorkflowTask {
  /** Identifies this task instance in the task queue (event ids of a transient task come later). */
  ref: number;
  /** 0 while a transient task is not started: its events do not exist yet. */
  scheduledEventId: number;
  startedEventId?: number;
  attempt: number;
  sticky: boolean;
  scheduledTime: number;
  startedTime?: number;
  timer?: number;
  /** Update request ids delivered with this task. */
  deliveredUpdates: string[];
  /**
   * Scheduled only to deliver updates (a speculative task, as on the real server): if it ends
   * with every update rejected and nothing else to record, its events are dropped again.
   */
  speculative: boolean;
  nextEventIdBefore: number;
  previousStartedBefore: number;
  /**
   * A retry (attempt > 1) of a failing task, as on the real server: its Scheduled and Started
   * events are shown to the worker but written only if it completes, and its failure or time-out
   * writes nothing, so a workflow whose task keeps failing does not grow its history.
   */
  transient: boolean;
  /** The transient task's Scheduled and Started events, as given to the worker. */
  transientEvents?: Msg[];
  /** Held for the caller of an eager start, not in a task queue (runtime only). */
  eager?: boolean;
}

export interface UpdateState {
  id: string;
  request: Msg;
  stage: number;
  outcome?: Msg;
  acceptedEventId?: number;
  delivered: boolean;
  waiters: Array<() => void>;
}

export interface PendingQuery {
  id: string;
  query: Msg;
  resolve: (result: Msg) => void;
  reject: (err: Error) => void;
  dispatched: boolean;
  /** The task queue it waits in, once queued (it is queued once per queue). */
  queuedOn?: string;
}

export interface ChildState {
  initiatedEventId: number;
  startedEventId?: number;
  namespace: string;
  workflowId: string;
  runId?: string;
  workflowType: Msg;
  parentClosePolicy: number;
}

/** A signal or cancellation to another workflow initiated by a run and not delivered yet. */
export interface ExternalRequest {
  kind: 'signal-external' | 'cancel-external';
  initiatedEventId: number;
}

export interface Run {
  namespace: string;
  workflowId: string;
  runId: string;
  firstExecutionRunId: string;
  key: string;
  /** 1 for a first run; counts up when a failed run is retried under the workflow's retry policy. */
  attempt: number;
  /** The workflow's retry policy (absent: a failed run is not retried). */
  retryPolicy?: Msg;
  /** When the workflow execution timeout ends the chain of runs (retries included). */
  executionExpiration?: number;
  /** What a retry starts again with: type, queue, input, header, memo, attributes, timeouts. */
  startRequest: Msg;
  workflowType: Msg;
  taskQueue: string;
  status: number;
  startTime: number;
  executionTime: number;
  closeTime?: number;
  nextEventId: number;
  taskTimeoutMs: number;
  runTimeoutMs?: number;
  executionTimeoutMs?: number;
  memo: Msg;
  searchAttributes: Msg;
  requestIds: Set<string>;
  parent?: { namespace: string; workflowId: string; runId: string; initiatedEventId: number };
  wft?: WorkflowTask;
  buffered: Msg[];
  needsWft: boolean;
  previousStartedEventId: number;
  lastCompletedWftEventId: number;
  stickyQueue?: string;
  stickyScheduleToStartMs?: number;
  activities: Map<number, ActivityState>;
  timers: Map<string, { startedEventId: number; fireAt: number; handle: number }>;
  children: Map<number, ChildState>;
  /**
   * External signals and cancellations initiated and not delivered yet, by Initiated event id
   * (stored as transfer tasks; absent until the run has one).
   */
  externalRequests?: Map<number, ExternalRequest>;
  queries: Map<string, PendingQuery>;
  updates: Map<string, UpdateState>;
  cancelRequested: boolean;
  closeEvent?: Msg;
  continuedAsNewRunId?: string;
  runTimer?: number;
  historyWaiters: Array<() => void>;
  historySizeBytes: number;
}

export type WftTask =
  { kind: 'workflow'; run: Run; ref: number } | { kind: 'query'; run: Run; queryId: string };
export type ActivityTask = { run: Run; scheduledEventId: number; attempt: number };

export interface TaskToken {
  k: 'w' | 'q' | 'a';
  ns: string;
  wid: string;
  rid: string;
  s?: number;
  a?: number;
  q?: string;
}

export function encodeToken(token: TaskToken): Buffer {
  return Buffer.from(JSON.stringify(token), 'utf8');
}

export function decodeToken(buf: Buffer | Uint8Array | undefined): TaskToken {
  try {
    const token = JSON.parse(Buffer.from(buf ?? []).toString('utf8')) as TaskToken;
    if (!token || typeof token.k !== 'string' || typeof token.wid !== 'string') throw new Error('bad');
    return token;
  } catch {
    throw invalidArgument('Error deserializing task token.');
  }
}

export function queueKey(namespace: string, name: string): string {
  return `${namespace}\u0000${name}`;
}

export function isClosed(run: Run): boolean {
  return CLOSED_STATUSES.has(run.status);
}
