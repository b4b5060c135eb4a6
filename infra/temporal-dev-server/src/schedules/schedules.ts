import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import type { Engine } from '../engine/engine';
import { isClosed, type Run } from '../engine/run';
import { EventType, ExecutionStatus, IdReusePolicy } from '../enums';
import { invalidArgument, RpcError } from '../errors';
import { durationMs, enumMap, fromTimestamp, type Msg, toDuration, toTimestamp } from '../proto';
import { MAX_ID_LENGTH } from '../request-checks';
import { fromJson, toJson } from '../storage/records';
import type { ScheduleRecord } from '../storage/storage';
import { cleanSpec, compileSpec, type CompiledSpec, type NextTime } from './spec';

export const OverlapPolicy = enumMap('ScheduleOverlapPolicy', 'SCHEDULE_OVERLAP_POLICY_', [
  'UNSPECIFIED',
  'SKIP',
  'BUFFER_ONE',
  'BUFFER_ALL',
  'CANCEL_OTHER',
  'TERMINATE_OTHER',
  'ALLOW_ALL',
] as const);

/** The real server runs a schedule as a workflow with this id prefix: its id length limit counts it. */
const SCHEDULER_WORKFLOW_ID_PREFIX = 'temporal-sys-scheduler:';

/** The real server's scheduler defaults ("tweakable policies"). */
const DEFAULT_CATCHUP_WINDOW_MS = 365 * 24 * 3600 * 1000;
const MIN_CATCHUP_WINDOW_MS = 10_000;
const RECENT_ACTIONS = 10;
const FUTURE_ACTIONS = 10;
const RECENT_ACTIONS_FOR_LIST = 5;
const FUTURE_ACTIONS_FOR_LIST = 5;
const MAX_BUFFER = 1000;
const MAX_MATCHING_TIMES = 1000;
/** Request ids remembered per schedule for de-duplicating patches and updates. */
const REMEMBERED_REQUEST_IDS = 100;

interface BufferedStart {
  nominalTime: number;
  actualTime: number;
  overlapPolicy: number;
  manual: boolean;
}

interface ActionResult {
  scheduleTime: number;
  actualTime: number;
  workflowId: string;
  runId: string;
  status: number;
}

/** Everything a schedule is: what storage keeps (JSON-able). */
interface ScheduleState {
  namespace: string;
  scheduleId: string;
  /** spec (canonical), action, policies (defaults resolved), state. */
  schedule: Msg;
  memo?: Msg;
  searchAttributes?: Msg;
  info: {
    actionCount: number;
    missedCatchupWindow: number;
    overlapSkipped: number;
    bufferDropped: number;
    /** Workflows started by non-overlapping actions and not seen closed: id and first run id. */
    runningWorkflows: Array<{ workflowId: string; runId: string }>;
    recentActions: ActionResult[];
    createTime: number;
    updateTime?: number;
  };
  conflictToken: number;
  /** Action times up to here are dealt with. */
  lastProcessedTime: number;
  bufferedStarts: BufferedStart[];
  /** The create request id first, then the latest patch and update request ids. */
  requestIds: string[];
  lastCompletionResult?: Msg;
  continuedFailure?: Msg;
}

interface Schedule {
  state: ScheduleState;
  compiled: CompiledSpec;
  timer?: number;
}

function notFound(): RpcError {
  return new RpcError(status.NOT_FOUND, 'schedule not found');
}

function invalidSpec(err: unknown): RpcError {
  return invalidArgument(`Invalid schedule spec: ${err instanceof Error ? err.message : String(err)}`);
}

/** RFC 3339 in UTC to the second, as the real server appends it to workflow ids. */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function jsonPayload(value: unknown, type: string): Msg {
  return {
    metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from(type) },
    data: Buffer.from(JSON.stringify(value)),
  };
}

function tokenBytes(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

function tokenOf(bytes: Uint8Array | undefined): number {
  if (!bytes || bytes.length < 8) return 0;
  return Number(Buffer.from(bytes).readBigUInt64BE(0));
}

/**
 * Schedules (WorkflowService CreateSchedule … ListScheduleMatchingTimes), implemented in the
 * engine rather than as a scheduler workflow, with the real scheduler's rules: each due action
 * time becomes a buffered start; the overlap policy decides, against the workflow the schedule
 * started last and that still runs, whether it starts now, waits, is dropped, or cancels or
 * terminates the running one; a time older than the catch-up window when it is processed is
 * missed; paused schedules and schedules out of remaining actions take no scheduled action
 * (trigger and backfill still act). Time is the server clock, so time skipping moves schedules
 * too. Every change is written through storage and a restart picks up where the schedule was:
 * the times that came due while the server was down are processed then, with the catch-up window.
 */
export class Schedules {
  private readonly byKey = new Map<string, Schedule>();

  constructor(private readonly e: Engine) {}

  private key(namespace: string, scheduleId: string): string {
    return `${namespace}/${scheduleId}`;
  }

  private require(namespace: string, scheduleId: string | undefined): Schedule {
    if (!scheduleId) throw invalidArgument('ScheduleId is not set on request.');
    const s = this.byKey.get(this.key(namespace, scheduleId));
    if (!s) throw notFound();
    return s;
  }

  private seed(s: ScheduleState): string {
    return `${s.namespace}-${s.scheduleId}`;
  }

  private next(s: Schedule, after: number): NextTime | undefined {
    return s.compiled.next(this.seed(s.state), after);
  }

  private catchupWindow(s: ScheduleState): number {
    const ms = durationMs(s.schedule.policies?.catchupWindow);
    if (ms === undefined) return DEFAULT_CATCHUP_WINDOW_MS;
    return Math.max(ms, MIN_CATCHUP_WINDOW_MS);
  }

  private resolveOverlap(s: ScheduleState, policy: number | undefined): number {
    if (policy && policy !== OverlapPolicy.UNSPECIFIED) return policy;
    const own = s.schedule.policies?.overlapPolicy;
    return own && own !== OverlapPolicy.UNSPECIFIED ? own : OverlapPolicy.SKIP;
  }

  /** A scheduled (not manual) action may be taken: not paused, and actions left if limited. */
  private canTake(s: ScheduleState, manual: boolean, decrement: boolean): boolean {
    if (manual) return true;
    const st = s.schedule.state;
    if (st.paused) return false;
    if (!st.limitedActions) return true;
    if ((st.remainingActions ?? 0) > 0) {
      if (decrement) {
        st.remainingActions = (st.remainingActions ?? 0) - 1;
        s.conflictToken++;
      }
      return true;
    }
    return false;
  }

  /** The schedule as given, checked, with its spec in canonical form and policies' defaults filled in. */
  private prepare(namespace: string, schedule: Msg | undefined): { schedule: Msg; compiled: CompiledSpec } {
    const action = schedule?.action?.startWorkflow;
    if (!action) throw invalidArgument('Only StartWorkflow action is supported for schedules');
    if (!action.workflowId) throw invalidArgument('WorkflowId is not set on request.');
    // The id gets the action time appended.
    if (`${action.workflowId}-2009-11-10T23:00:00Z`.length > MAX_ID_LENGTH) {
      throw invalidArgument('WorkflowId exceeds length limit.');
    }
    if (!action.workflowType?.name) throw invalidArgument('WorkflowType is not set on request.');
    if (!action.taskQueue?.name) throw invalidArgument('TaskQueue is not set on request.');
    if (action.cronSchedule) throw invalidArgument('CronSchedule is not allowed.');
    if (
      action.workflowIdReusePolicy &&
      action.workflowIdReusePolicy !== IdReusePolicy.UNSPECIFIED &&
      action.workflowIdReusePolicy !== IdReusePolicy.ALLOW_DUPLICATE
    ) {
      throw invalidArgument('WorkflowIdReusePolicy is not allowed.');
    }
    this.e.visibility.registry.validate(namespace, action.searchAttributes);
    let canonical: Msg;
    let compiled: CompiledSpec;
    try {
      ({ canonical, compiled } = compileSpec(schedule?.spec));
    } catch (err) {
      throw invalidSpec(err);
    }
    const policies = schedule?.policies ?? {};
    const state = schedule?.state ?? {};
    const remaining = Number(state.remainingActions ?? 0);
    return {
      schedule: {
        spec: canonical,
        action: { startWorkflow: action },
        policies: {
          overlapPolicy:
            policies.overlapPolicy && policies.overlapPolicy !== OverlapPolicy.UNSPECIFIED
              ? policies.overlapPolicy
              : OverlapPolicy.SKIP,
          catchupWindow: toDuration(
            durationMs(policies.catchupWindow) === undefined
              ? DEFAULT_CATCHUP_WINDOW_MS
              : Math.max(durationMs(policies.catchupWindow)!, MIN_CATCHUP_WINDOW_MS),
          ),
          pauseOnFailure: !!policies.pauseOnFailure,
          keepOriginalWorkflowId: !!policies.keepOriginalWorkflowId,
        },
        state: {
          notes: state.notes ?? '',
          paused: !!state.paused,
          limitedActions: !!state.limitedActions,
          remainingActions: state.limitedActions ? remaining : 0,
        },
      },
      compiled,
    };
  }

  create(req: Msg): Msg {
    const namespace = this.e.requireNamespace(req.namespace);
    if (!req.scheduleId) throw invalidArgument('ScheduleId is not set on request.');
    if (SCHEDULER_WORKFLOW_ID_PREFIX.length + req.scheduleId.length > MAX_ID_LENGTH) {
      throw invalidArgument('WorkflowId exceeds length limit.');
    }
    if (!req.requestId) throw invalidArgument('RequestId is not set on request.');
    const existing = this.byKey.get(this.key(namespace, req.scheduleId));
    if (existing) {
      // The same request again (a retry): it succeeded the first time.
      if (existing.state.requestIds[0] === req.requestId) return { conflictToken: tokenBytes(1) };
      // As the real server: the scheduler workflow's id is taken.
      throw new RpcError(status.ALREADY_EXISTS, `schedule "${req.scheduleId}" is already registered`, {
        typeName: 'temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure',
        value: { startRequestId: '', runId: '' },
      });
    }
    this.e.visibility.registry.validate(namespace, req.searchAttributes);
    const { schedule, compiled } = this.prepare(namespace, req.schedule);
    const now = this.e.clock.now();
    const state: ScheduleState = {
      namespace,
      scheduleId: req.scheduleId,
      schedule,
      memo: req.memo?.fields && Object.keys(req.memo.fields).length > 0 ? req.memo : undefined,
      searchAttributes: req.searchAttributes,
      info: {
        actionCount: 0,
        missedCatchupWindow: 0,
        overlapSkipped: 0,
        bufferDropped: 0,
        runningWorkflows: [],
        recentActions: [],
        createTime: now,
      },
      conflictToken: 1,
      lastProcessedTime: now,
      bufferedStarts: [],
      requestIds: [req.requestId],
    };
    const s: Schedule = { state, compiled };
    this.byKey.set(this.key(namespace, req.scheduleId), s);
    if (req.initialPatch) this.applyPatch(s, req.initialPatch);
    this.step(s);
    this.e.log(`created schedule ${req.scheduleId}`);
    return { conflictToken: tokenBytes(1) };
  }

  describe(req: Msg): Msg {
    const s = this.require(this.e.requireNamespace(req.namespace), req.scheduleId);
    const st = s.state;
    // Only those still running (a closed one is taken off the list by the step its close causes).
    const running = st.info.runningWorkflows.filter((w) => {
      const run = this.runOf(st, w);
      return run !== undefined && !isClosed(run);
    });
    const schedule = st.schedule;
    return {
      schedule: {
        spec: cleanSpec(schedule.spec),
        action: schedule.action,
        policies: schedule.policies,
        state: schedule.state,
      },
      info: {
        actionCount: st.info.actionCount,
        missedCatchupWindow: st.info.missedCatchupWindow,
        overlapSkipped: st.info.overlapSkipped,
        bufferDropped: st.info.bufferDropped,
        bufferSize: st.bufferedStarts.length,
        runningWorkflows: running.map((w) => ({ workflowId: w.workflowId, runId: w.runId })),
        recentActions: st.info.recentActions.map(actionResult),
        futureActionTimes: this.futureActionTimes(s, FUTURE_ACTIONS).map(toTimestamp),
        createTime: toTimestamp(st.info.createTime),
        updateTime: st.info.updateTime !== undefined ? toTimestamp(st.info.updateTime) : undefined,
      },
      memo: st.memo,
      searchAttributes: nonEmptySearchAttributes(st.searchAttributes),
      conflictToken: tokenBytes(st.conflictToken),
    };
  }

  update(req: Msg): Msg {
    const namespace = this.e.requireNamespace(req.namespace);
    const s = this.require(namespace, req.scheduleId);
    if (req.requestId && s.state.requestIds.includes(req.requestId)) return {};
    const token = tokenOf(req.conflictToken);
    if (token !== 0 && token !== s.state.conflictToken) {
      throw new RpcError(status.FAILED_PRECONDITION, 'mismatched conflict token');
    }
    const { schedule, compiled } = this.prepare(namespace, req.schedule);
    if (req.searchAttributes) this.e.visibility.registry.validate(namespace, req.searchAttributes);
    // Times due up to now are dealt with under the old definition.
    this.processTimeRange(s, s.state.lastProcessedTime, this.now(s), OverlapPolicy.UNSPECIFIED, false);
    s.state.schedule = schedule;
    s.compiled = compiled;
    if (req.searchAttributes) s.state.searchAttributes = req.searchAttributes;
    if (req.memo) s.state.memo = req.memo;
    s.state.info.updateTime = this.e.clock.now();
    s.state.conflictToken++;
    this.remember(s, req.requestId);
    this.step(s);
    return {};
  }

  patch(req: Msg): Msg {
    const s = this.require(this.e.requireNamespace(req.namespace), req.scheduleId);
    if (!req.patch) throw invalidArgument('Patch is not set on request.');
    if (req.requestId && s.state.requestIds.includes(req.requestId)) return {};
    this.processTimeRange(s, s.state.lastProcessedTime, this.now(s), OverlapPolicy.UNSPECIFIED, false);
    this.applyPatch(s, req.patch);
    this.remember(s, req.requestId);
    this.step(s);
    return {};
  }

  delete(req: Msg): Msg {
    const namespace = this.e.requireNamespace(req.namespace);
    const s = this.require(namespace, req.scheduleId);
    this.e.clock.cancel(s.timer);
    this.byKey.delete(this.key(namespace, s.state.scheduleId));
    this.e.persistence.deleteSchedule(namespace, s.state.scheduleId);
    this.e.log(`deleted schedule ${s.state.scheduleId}`);
    return {};
  }

  listMatchingTimes(req: Msg): Msg {
    const s = this.require(this.e.requireNamespace(req.namespace), req.scheduleId);
    const start = fromTimestamp(req.startTime);
    const end = fromTimestamp(req.endTime);
    if (start === undefined || end === undefined) throw invalidArgument('missing or invalid query');
    const times: number[] = [];
    let t = start;
    while (times.length < MAX_MATCHING_TIMES) {
      const n = this.next(s, t);
      if (!n || n.next > end) break;
      times.push(n.next);
      t = n.next;
    }
    return { startTime: times.map(toTimestamp) };
  }

  /** Each schedule of a namespace as a visibility entry, for the list query: its id, paused state, its search attributes. */
  private entries(namespace: string) {
    return [...this.byKey.values()]
      .filter((s) => s.state.namespace === namespace)
      .map((s) => ({
        schedule: s,
        workflowId: s.state.scheduleId,
        runId: s.state.scheduleId,
        workflowType: { name: 'temporal-sys-scheduler-workflow' },
        status: ExecutionStatus.RUNNING,
        startTime: s.state.info.createTime,
        executionTime: s.state.info.createTime,
        taskQueue: 'temporal-sys-per-ns-tq',
        nextEventId: 1,
        searchAttributes: {
          indexedFields: {
            ...(s.state.searchAttributes?.indexedFields ?? {}),
            TemporalSchedulePaused: jsonPayload(!!s.state.schedule.state.paused, 'Bool'),
          },
        },
      }));
  }

  count(req: Msg): Msg {
    const namespace = this.e.requireNamespace(req.namespace);
    return {
      count: this.e.visibility.count(namespace, this.entries(namespace), scheduleQuery(req.query)).count,
    };
  }

  list(req: Msg): Msg {
    const namespace = this.e.requireNamespace(req.namespace);
    const offset = req.nextPageToken?.length ? Number(Buffer.from(req.nextPageToken).toString()) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw invalidArgument('invalid next page token');
    const entries = this.entries(namespace);
    const { page, nextOffset } = this.e.visibility.list(
      namespace,
      entries,
      scheduleQuery(req.query),
      req.maximumPageSize,
      offset,
    );
    return {
      schedules: page.map(({ schedule: s }) => ({
        scheduleId: s.state.scheduleId,
        memo: s.state.memo,
        searchAttributes: nonEmptySearchAttributes(s.state.searchAttributes),
        info: {
          spec: cleanSpec(s.state.schedule.spec),
          workflowType: s.state.schedule.action.startWorkflow.workflowType,
          notes: s.state.schedule.state.notes,
          paused: !!s.state.schedule.state.paused,
          recentActions: s.state.info.recentActions.slice(-RECENT_ACTIONS_FOR_LIST).map(actionResult),
          futureActionTimes: this.futureActionTimes(s, FUTURE_ACTIONS_FOR_LIST).map(toTimestamp),
        },
      })),
      nextPageToken: nextOffset === undefined ? undefined : Buffer.from(String(nextOffset)),
    };
  }

  /** A run closed: the schedule that started it may start a buffered action now. */
  onRunClosed(run: Run): void {
    for (const s of this.byKey.values()) {
      if (s.state.namespace !== run.namespace) continue;
      if (s.state.info.runningWorkflows.some((w) => w.workflowId === run.workflowId)) {
        this.e.later(() => {
          if (this.byKey.get(this.key(s.state.namespace, s.state.scheduleId)) === s) this.step(s);
        });
      }
    }
  }

  /** After a restart: every stored schedule back, its missed times processed (catch-up window applies). */
  async recover(): Promise<number> {
    const records = await this.e.storage.loadSchedules();
    for (const record of records) {
      const state = record.state as ScheduleState;
      let compiled: CompiledSpec;
      try {
        compiled = compileSpec(state.schedule.spec).compiled;
      } catch (err) {
        this.e.log(`schedule ${state.scheduleId} not recovered: ${(err as Error).message}`);
        continue;
      }
      const s: Schedule = { state, compiled };
      this.byKey.set(this.key(state.namespace, state.scheduleId), s);
      s.timer = this.e.clock.schedule(this.e.clock.now(), () => this.step(s));
    }
    return records.length;
  }

  // ---- the scheduler ----

  private now(s: Schedule): number {
    return Math.max(this.e.clock.now(), s.state.lastProcessedTime);
  }

  private remember(s: Schedule, requestId: string | undefined): void {
    if (!requestId) return;
    const ids = s.state.requestIds;
    ids.push(requestId);
    if (ids.length > REMEMBERED_REQUEST_IDS + 1) ids.splice(1, ids.length - REMEMBERED_REQUEST_IDS - 1);
  }

  private applyPatch(s: Schedule, patch: Msg): void {
    const st = s.state;
    if (patch.triggerImmediately) {
      const at = fromTimestamp(patch.triggerImmediately.scheduledTime) ?? this.e.clock.now();
      this.addStart(s, at, at, patch.triggerImmediately.overlapPolicy ?? OverlapPolicy.UNSPECIFIED, true);
    }
    for (const backfill of (patch.backfillRequest ?? []) as Msg[]) {
      const start = fromTimestamp(backfill.startTime);
      const end = fromTimestamp(backfill.endTime);
      if (start === undefined || end === undefined) continue;
      // The start time is inclusive.
      this.processTimeRange(s, start - 1, end, backfill.overlapPolicy ?? OverlapPolicy.UNSPECIFIED, true);
    }
    if (patch.pause) {
      st.schedule.state.paused = true;
      st.schedule.state.notes = patch.pause;
      st.conflictToken++;
    }
    if (patch.unpause) {
      st.schedule.state.paused = false;
      st.schedule.state.notes = patch.unpause;
      st.conflictToken++;
    }
  }

  /**
   * One round of the scheduler: the action times due since the last round, then the buffer (start
   * what may start), then the timer for the next time, and the new state to storage.
   */
  private step(s: Schedule): void {
    const wake = this.processTimeRange(
      s,
      s.state.lastProcessedTime,
      this.now(s),
      OverlapPolicy.UNSPECIFIED,
      false,
    );
    while (this.processBuffer(s)) {
      // a start that could not be taken may have made room for the next one
    }
    this.arm(s, wake);
    this.save(s);
  }

  private arm(s: Schedule, wake: number | undefined): void {
    this.e.clock.cancel(s.timer);
    s.timer = undefined;
    // Paused or out of actions: nothing to wake up for until a patch or update comes.
    if (wake === undefined || !this.canTake(s.state, false, false)) return;
    s.timer = this.e.clock.schedule(wake, () => {
      s.timer = undefined;
      this.step(s);
    });
  }

  private save(s: Schedule): void {
    const record: ScheduleRecord = {
      namespace: s.state.namespace,
      scheduleId: s.state.scheduleId,
      state: fromJson(toJson(s.state)),
    };
    this.e.persistence.saveSchedule(record);
  }

  /**
   * Turns the action times in (start, end] into buffered starts. Scheduled times (not manual) are
   * skipped while paused or out of actions, and missed when older than the catch-up window.
   * Returns the next action time after `end` (for the timer).
   */
  private processTimeRange(s: Schedule, start: number, end: number, overlap: number, manual: boolean) {
    const st = s.state;
    if (!this.canTake(st, manual, false)) {
      // Time spent paused is not replayed on unpause.
      st.lastProcessedTime = Math.max(st.lastProcessedTime, end);
      return this.next(s, end)?.next;
    }
    const window = this.catchupWindow(st);
    let n = this.next(s, start);
    for (; n && n.next <= end; n = this.next(s, n.next)) {
      if (manual) {
        this.addStart(s, n.nominal, n.next, overlap, true);
        continue;
      }
      st.lastProcessedTime = Math.max(st.lastProcessedTime, n.next);
      // Times before the latest update belong to the old definition.
      if (st.info.updateTime !== undefined && st.info.updateTime > n.next) continue;
      if (end - n.next > window) {
        st.info.missedCatchupWindow++;
        continue;
      }
      this.addStart(s, n.nominal, n.next, overlap, false);
    }
    if (!manual) {
      // Without jitter every time up to `end` is done; with it, a time whose nominal time is
      // before `end` but whose jittered time is after must still come next.
      const following = this.next(s, end);
      if (!following || following.nominal > end) st.lastProcessedTime = Math.max(st.lastProcessedTime, end);
    }
    return n?.next;
  }

  private addStart(s: Schedule, nominal: number, actual: number, overlap: number, manual: boolean): void {
    if (s.state.bufferedStarts.length >= MAX_BUFFER) {
      s.state.info.bufferDropped++;
      return;
    }
    s.state.bufferedStarts.push({ nominalTime: nominal, actualTime: actual, overlapPolicy: overlap, manual });
  }

  /** The latest run of a workflow the schedule started, if it is still the chain it started. */
  private runOf(s: ScheduleState, w: { workflowId: string; runId: string }): Run | undefined {
    const runs = this.e.runsOf(s.namespace, w.workflowId);
    const latest = runs[runs.length - 1];
    return latest && latest.firstExecutionRunId === w.runId ? latest : undefined;
  }

  /** Running workflows that closed leave the list; their outcome is recorded (and may pause). */
  private refreshRunning(s: Schedule): void {
    const st = s.state;
    st.info.runningWorkflows = st.info.runningWorkflows.filter((w) => {
      const run = this.runOf(st, w);
      if (run && !isClosed(run)) return true;
      const closedStatus = run?.status ?? ExecutionStatus.TERMINATED;
      const recent = st.info.recentActions.find((a) => a.workflowId === w.workflowId);
      if (recent) recent.status = closedStatus;
      const close = run?.closeEvent;
      if (close?.eventType === EventType.WORKFLOW_EXECUTION_COMPLETED) {
        st.lastCompletionResult = close.workflowExecutionCompletedEventAttributes?.result;
        st.continuedFailure = undefined;
      } else if (close?.eventType === EventType.WORKFLOW_EXECUTION_FAILED) {
        st.continuedFailure = close.workflowExecutionFailedEventAttributes?.failure;
      }
      const failed = closedStatus === ExecutionStatus.FAILED || closedStatus === ExecutionStatus.TIMED_OUT;
      if (st.schedule.policies.pauseOnFailure && failed && !st.schedule.state.paused) {
        st.schedule.state.paused = true;
        st.schedule.state.notes =
          closedStatus === ExecutionStatus.FAILED
            ? `paused due to workflow failure: ${w.workflowId}: ${close?.workflowExecutionFailedEventAttributes?.failure?.message ?? ''}`
            : `paused due to workflow timeout: ${w.workflowId}`;
        st.conflictToken++;
      }
      return false;
    });
  }

  /**
   * Starts what the overlap policies allow. Returns true when it should be called again at once.
   * Allow-all starts all go; of the others, one may start when nothing runs; the rest are skipped,
   * kept (buffer one keeps the first, buffer all every one), or kept while the running one is
   * cancelled or terminated.
   */
  private processBuffer(s: Schedule): boolean {
    const st = s.state;
    this.refreshRunning(s);
    const action = st.schedule.action?.startWorkflow;
    if (!action || st.bufferedStarts.length === 0) {
      st.bufferedStarts = [];
      return false;
    }
    const isRunning = st.info.runningWorkflows.length > 0;
    let overlapping: BufferedStart[] = [];
    let nonOverlapping: BufferedStart | undefined;
    const kept: BufferedStart[] = [];
    let needCancel = false;
    let needTerminate = false;
    for (const start of st.bufferedStarts) {
      const policy = this.resolveOverlap(st, start.overlapPolicy);
      if (policy === OverlapPolicy.ALLOW_ALL) {
        overlapping.push(start);
        continue;
      }
      if (!isRunning && !nonOverlapping) {
        nonOverlapping = start;
        continue;
      }
      switch (policy) {
        case OverlapPolicy.SKIP:
          st.info.overlapSkipped++;
          break;
        case OverlapPolicy.BUFFER_ONE:
          if (kept.length === 0) kept.push(start);
          else st.info.overlapSkipped++;
          break;
        case OverlapPolicy.BUFFER_ALL:
          kept.push(start);
          break;
        case OverlapPolicy.CANCEL_OTHER:
        case OverlapPolicy.TERMINATE_OTHER:
          if (isRunning) {
            if (policy === OverlapPolicy.CANCEL_OTHER) needCancel = true;
            else needTerminate = true;
            kept.push(start);
          } else {
            // Nothing runs yet: this one replaces the one that was about to start.
            nonOverlapping = start;
          }
          break;
      }
    }
    // Those would be cancelled or terminated at once too.
    if (needCancel || needTerminate) overlapping = [];
    st.bufferedStarts = kept;
    let again = false;
    for (const start of nonOverlapping ? [...overlapping, nonOverlapping] : overlapping) {
      if (!this.canTake(st, start.manual, true)) {
        again = true;
        continue;
      }
      try {
        const result = this.startWorkflow(s, start, action);
        st.info.actionCount++;
        st.info.recentActions = [...st.info.recentActions, result].slice(-RECENT_ACTIONS);
        if (start === nonOverlapping) {
          st.info.runningWorkflows.push({ workflowId: result.workflowId, runId: result.runId });
        }
      } catch (err) {
        this.e.log(
          `schedule ${st.scheduleId} could not start a workflow: ${err instanceof Error ? err.message : String(err)}`,
        );
        again = true;
      }
    }
    const identity = this.identity(st);
    for (const w of needTerminate || needCancel ? st.info.runningWorkflows : []) {
      const run = this.runOf(st, w);
      if (!run || isClosed(run)) continue;
      if (needTerminate) this.e.terminate(run, 'terminated by schedule overlap policy', undefined, identity);
      else this.e.requestCancel(run, { reason: 'cancelled by schedule overlap policy', identity });
    }
    return again;
  }

  private identity(st: ScheduleState): string {
    return `temporal-scheduler-${st.namespace}-${st.scheduleId}`;
  }

  private startWorkflow(s: Schedule, start: BufferedStart, action: Msg): ActionResult {
    const st = s.state;
    const nominalSec = Math.floor(start.nominalTime / 1000) * 1000;
    const workflowId = st.schedule.policies.keepOriginalWorkflowId
      ? action.workflowId
      : `${action.workflowId}-${rfc3339(nominalSec)}`;
    const allowAll = this.resolveOverlap(st, start.overlapPolicy) === OverlapPolicy.ALLOW_ALL;
    const adopted = start.manual ? undefined : this.startedBefore(st, workflowId, nominalSec);
    if (adopted) {
      return {
        scheduleTime: start.actualTime,
        actualTime: adopted.startTime,
        workflowId,
        runId: adopted.runId,
        status: ExecutionStatus.RUNNING,
      };
    }
    const { run } = this.e.startWorkflow({
      namespace: st.namespace,
      workflowId,
      workflowType: action.workflowType,
      taskQueue: action.taskQueue,
      input: action.input,
      workflowExecutionTimeout: action.workflowExecutionTimeout,
      workflowRunTimeout: action.workflowRunTimeout,
      workflowTaskTimeout: action.workflowTaskTimeout,
      identity: this.identity(st),
      requestId: randomUUID(),
      // A scheduled time starts once (a restart re-processing it finds the id taken).
      workflowIdReusePolicy: start.manual ? IdReusePolicy.ALLOW_DUPLICATE : IdReusePolicy.REJECT_DUPLICATE,
      retryPolicy: action.retryPolicy,
      memo: action.memo,
      searchAttributes: {
        indexedFields: {
          ...(action.searchAttributes?.indexedFields ?? {}),
          TemporalScheduledStartTime: jsonPayload(rfc3339(nominalSec), 'Datetime'),
          TemporalScheduledById: jsonPayload(st.scheduleId, 'Keyword'),
        },
      },
      header: action.header,
      lastCompletionResult: allowAll ? undefined : st.lastCompletionResult,
      continuedFailure: allowAll ? undefined : st.continuedFailure,
    });
    return {
      scheduleTime: start.actualTime,
      actualTime: run.startTime,
      workflowId,
      runId: run.runId,
      status: ExecutionStatus.RUNNING,
    };
  }

  /**
   * The run this schedule started for this time already, if storage holds it but not the
   * schedule's record of it (the server died between the two writes): the restart takes it as
   * the action instead of failing to start it again.
   */
  private startedBefore(st: ScheduleState, workflowId: string, nominalSec: number): Run | undefined {
    const first = this.e.runsOf(st.namespace, workflowId)[0];
    if (!first || first.startTime < st.info.createTime) return undefined;
    if (st.info.recentActions.some((a) => a.workflowId === workflowId)) return undefined;
    const fields = first.searchAttributes?.indexedFields ?? {};
    const text = (p: Msg | undefined) => (p?.data ? Buffer.from(p.data).toString() : undefined);
    const byThis = text(fields.TemporalScheduledById) === JSON.stringify(st.scheduleId);
    const atThis = text(fields.TemporalScheduledStartTime) === JSON.stringify(rfc3339(nominalSec));
    return byThis && atThis ? first : undefined;
  }

  /** The next action times from where the schedule is, at most the remaining actions. */
  private futureActionTimes(s: Schedule, count: number): number[] {
    const st = s.state;
    let n = count;
    if (st.schedule.state.limitedActions) n = Math.min(n, st.schedule.state.remainingActions ?? 0);
    const out: number[] = [];
    let t = st.lastProcessedTime;
    for (let guard = 0; out.length < n && guard < 10_000; guard++) {
      const next = this.next(s, t);
      if (!next) break;
      t = next.next;
      if (st.info.updateTime !== undefined && st.info.updateTime > t) continue;
      out.push(t);
    }
    return out;
  }
}

function actionResult(a: ActionResult): Msg {
  return {
    scheduleTime: toTimestamp(a.scheduleTime),
    actualTime: toTimestamp(a.actualTime),
    startWorkflowResult: { workflowId: a.workflowId, runId: a.runId },
    startWorkflowStatus: a.status,
  };
}

function nonEmptySearchAttributes(sa: Msg | undefined): Msg | undefined {
  return sa?.indexedFields && Object.keys(sa.indexedFields).length > 0 ? sa : undefined;
}

/** `ScheduleId` in a list query is the schedule's id (held as the entry's WorkflowId); quoted text is left alone. */
function scheduleQuery(query: string | undefined): string | undefined {
  if (!query) return query;
  return query
    .split(/('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\bScheduleId\b/g, 'WorkflowId')))
    .join('');
}
