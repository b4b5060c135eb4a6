import type { Msg } from '../proto';

/**
 * Durable storage behind the engine. The engine works on an in-memory copy of every open run's
 * mutable state (as the real server works on its mutable-state cache) and writes each change
 * through `commit`, one transaction per batch, before it answers the request that caused it.
 * Closed runs and the histories of idle runs are read back from here when asked for. A database implementation
 * (PostgreSQL) maps each record kind to a table; the in-memory one keeps them in maps.
 *
 * Concurrency is optimistic, on the run's next event id (as the real server's conditional update
 * of its executions table): a mutation states the next event id it was computed from, and the
 * commit fails with ConcurrencyError if storage holds another, so two writers can never interleave
 * events of one run.
 */
export interface Storage {
  /** Writes all mutations atomically, or none of them. */
  commit(mutations: RunMutation[]): Promise<void>;
  /** Events of one run with ids in [fromEventId, toEventId). */
  readHistory(runKey: string, fromEventId?: number, toEventId?: number): Promise<Msg[]>;
  /**
   * The stored state of runs; `openOnly` for recovery after a restart. By run key: `limit` runs
   * with keys after `afterRunKey` (a page), or all.
   */
  loadExecutions(options?: {
    openOnly?: boolean;
    afterRunKey?: string;
    limit?: number;
  }): Promise<ExecutionRecord[]>;
  /** One run's stored state. */
  loadExecution(runKey: string): Promise<ExecutionRecord | undefined>;
  /** The latest run (by start time) of a workflow id. */
  latestExecution(namespace: string, workflowId: string): Promise<ExecutionRecord | undefined>;
  /**
   * Deletes the runs of a namespace closed before `closedBefore` (retention), with their history
   * and visibility rows; returns their keys.
   */
  deleteClosedRuns(namespace: string, closedBefore: number): Promise<string[]>;
  /** Due items (timers, timeouts, retries) of all runs, earliest first: what a restart re-arms. */
  loadTimers(): Promise<TimerRecord[]>;
  /** Tasks waiting in a task queue, for recovery and for backlog counts. */
  loadTasks(queue?: string): Promise<TaskRecord[]>;
  /**
   * Visibility rows of a namespace, those matching `filter` if given (List/Count filter them
   * further with the query language).
   */
  listVisibility(namespace: string, filter?: VisibilityFilter): Promise<VisibilityRecord[]>;
  putNamespace(record: NamespaceRecord): Promise<void>;
  loadNamespaces(): Promise<NamespaceRecord[]>;
  /** Writes a schedule's whole state (created or changed). */
  putSchedule(record: ScheduleRecord): Promise<void>;
  deleteSchedule(namespace: string, scheduleId: string): Promise<void>;
  loadSchedules(): Promise<ScheduleRecord[]>;
  close(): Promise<void>;
}

/** Everything one engine step changed in one run. */
export interface RunMutation {
  runKey: string;
  /** The run's next event id in storage when this change was computed (1 for a new run). */
  expectedNextEventId: number;
  /**
   * Events from this id on are replaced by `newEvents`. Normally equal to expectedNextEventId; lower
   * when a speculative workflow task that left no trace is dropped again.
   */
  historyFrom: number;
  newEvents: Msg[];
  execution: ExecutionRecord;
  /** The complete set of the run's due items and queued tasks: they replace the stored ones. */
  timers: TimerRecord[];
  tasks: TaskRecord[];
  visibility: VisibilityRecord;
}

/** A run's mutable state: the executions row. */
export interface ExecutionRecord {
  runKey: string;
  namespace: string;
  workflowId: string;
  runId: string;
  status: number;
  nextEventId: number;
  /** The rest of the mutable state (pending activities, timers, children, updates, workflow task), JSON-able. */
  state: Msg;
}

export type TimerKind =
  | 'user-timer'
  | 'workflow-task-timeout'
  | 'sticky-schedule-to-start'
  | 'activity-timeout'
  | 'activity-retry'
  | 'run-timeout'
  | 'delayed-start';

export interface TimerRecord {
  runKey: string;
  kind: TimerKind;
  /** What the timer belongs to: timer id, activity scheduled event id, ... */
  ref: string;
  at: number;
}

export interface TaskRecord {
  runKey: string;
  /**
   * `signal-external` / `cancel-external`: a transfer task (the real server's) — a signal or
   * cancellation to another workflow, initiated (`scheduledEventId`: the Initiated event) and not
   * yet delivered; `queue` is empty.
   */
  kind: 'workflow' | 'activity' | 'signal-external' | 'cancel-external';
  namespace: string;
  queue: string;
  scheduledEventId: number;
  attempt: number;
}

/**
 * Conditions on a visibility row's own columns that a List/Count query implies (each: the row's
 * value is one of these), so storage can select with its indexes instead of returning every row.
 */
export interface VisibilityFilter {
  workflowIds?: string[];
  runIds?: string[];
  workflowTypes?: string[];
  statuses?: number[];
}

/** Whether a row meets the filter (the in-memory form of what PostgreSQL selects). */
export function meetsFilter(row: VisibilityRecord, filter: VisibilityFilter | undefined): boolean {
  if (!filter) return true;
  return (
    (!filter.workflowIds || filter.workflowIds.includes(row.workflowId)) &&
    (!filter.runIds || filter.runIds.includes(row.runId)) &&
    (!filter.workflowTypes || filter.workflowTypes.includes(row.workflowType)) &&
    (!filter.statuses || filter.statuses.includes(row.status))
  );
}

export interface VisibilityRecord {
  namespace: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  status: number;
  startTime: number;
  executionTime: number;
  closeTime?: number;
  taskQueue: string;
  historyLength: number;
  parentWorkflowId?: string;
  memo: Msg;
  searchAttributes: Msg;
}

export interface NamespaceRecord {
  name: string;
  /** The DescribeNamespace answer as stored. */
  description: Msg;
  /** Custom search attributes: name → IndexedValueType number. */
  searchAttributes: Record<string, number>;
}

/** A schedule: its definition, info and scheduler state, JSON-able. */
export interface ScheduleRecord {
  namespace: string;
  scheduleId: string;
  state: Msg;
}

/** Another writer changed the run since the mutation was computed. */
export class ConcurrencyError extends Error {}
