import { status } from '@grpc/grpc-js';
import { Engine, POLL_INTERVAL_MS } from './engine/engine';
import { READ_HISTORY } from './engine/history';
import { decodeToken } from './engine/run';
import {
  ExecutionStatus,
  HistoryEventFilterType,
  QueryRejectCondition,
  TaskQueueType,
  UpdateStage,
} from './enums';
import { invalidArgument, multiOperationUpdateRefused, permissionDenied, RpcError } from './errors';
import type { TaskQueues } from './task-queues';
import { durationMs, Msg, toTimestamp } from './proto';
import type { VisibilityRecord } from './storage/storage';
import { SYSTEM_ATTRIBUTES, type VisibleRun } from './visibility/visibility';

/** A unary handler: request in, response out; `onCancel` registers clean-up for long polls. */
export type Handler = (request: Msg, onCancel: (fn: () => void) => void) => Promise<Msg> | Msg;

const SERVER_VERSION = '1.28.0-credit-dev';

function executionInfo(engine: Engine, run: ReturnType<Engine['findRun']>): Msg {
  return {
    execution: { workflowId: run.workflowId, runId: run.runId },
    type: run.workflowType,
    startTime: toTimestamp(run.startTime),
    closeTime: run.closeTime ? toTimestamp(run.closeTime) : undefined,
    status: run.status,
    historyLength: run.nextEventId - 1,
    executionTime: toTimestamp(run.executionTime),
    memo: run.memo,
    searchAttributes: run.searchAttributes,
    taskQueue: run.taskQueue,
    parentNamespaceId: run.parent?.namespace,
    parentExecution: run.parent ? { workflowId: run.parent.workflowId, runId: run.parent.runId } : undefined,
    rootExecution: undefined,
    firstRunId: run.firstExecutionRunId,
    historySizeBytes: run.historySizeBytes,
    stateTransitionCount: run.nextEventId - 1,
  };
}

/** What List/Count see of a run: its visibility row (closed runs are in storage only). */
interface VisibleRow extends VisibleRun {
  record: VisibilityRecord;
}

/**
 * The namespace's visibility rows as stored once every answered change is written; storage selects
 * on the built-in columns the query requires (the query itself is evaluated on what comes back).
 */
async function visibleRuns(
  engine: Engine,
  namespace: string,
  query: string | undefined,
): Promise<VisibleRow[]> {
  await engine.durable();
  const filter = engine.visibility.storageFilter(query);
  return (await engine.storage.listVisibility(namespace, filter)).map((record) => ({
    record,
    workflowId: record.workflowId,
    runId: record.runId,
    workflowType: { name: record.workflowType },
    status: record.status,
    startTime: record.startTime,
    executionTime: record.executionTime,
    closeTime: record.closeTime,
    taskQueue: record.taskQueue,
    nextEventId: record.historyLength + 1,
    parent: record.parentWorkflowId === undefined ? undefined : { workflowId: record.parentWorkflowId },
    searchAttributes: record.searchAttributes,
  }));
}

/** A run in a List answer: from memory when the run is there, else from its visibility row. */
function listedExecution(engine: Engine, row: VisibleRow): Msg {
  const run = engine.runsById.get(row.runId);
  if (run && run.workflowId === row.workflowId) return executionInfo(engine, run);
  const r = row.record;
  return {
    execution: { workflowId: r.workflowId, runId: r.runId },
    type: { name: r.workflowType },
    startTime: toTimestamp(r.startTime),
    closeTime: r.closeTime ? toTimestamp(r.closeTime) : undefined,
    status: r.status,
    historyLength: r.historyLength,
    executionTime: toTimestamp(r.executionTime),
    memo: r.memo,
    searchAttributes: r.searchAttributes,
    taskQueue: r.taskQueue,
    stateTransitionCount: r.historyLength,
  };
}

async function listExecutions(engine: Engine, req: Msg): Promise<Msg> {
  const namespace = engine.requireNamespace(req.namespace);
  const offset = req.nextPageToken?.length ? Number(Buffer.from(req.nextPageToken).toString()) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw invalidArgument('invalid next page token');
  const { page, nextOffset } = engine.visibility.list(
    namespace,
    await visibleRuns(engine, namespace, req.query),
    req.query,
    req.pageSize,
    offset,
  );
  return {
    executions: page.map((row) => listedExecution(engine, row)),
    nextPageToken: nextOffset === undefined ? undefined : Buffer.from(String(nextOffset)),
  };
}

/**
 * What a namespace can do here, as the real server's DescribeNamespace reports it: only what this
 * server does, with the dynamic config that switches it (every namespace alike).
 */
function namespaceCapabilities(engine: Engine): Msg {
  const c = engine.config;
  return {
    eagerWorkflowStart: c.enableEagerWorkflowStart,
    syncUpdate: c.enableUpdateWorkflowExecution,
    asyncUpdate: c.enableUpdateWorkflowExecution && c.enableUpdateWorkflowExecutionAsyncAccepted,
    workerPollCompleteOnShutdown: c.cancelWorkerPollsOnShutdown,
    // Not served here: RecordWorkerHeartbeat, the TemporalReportedProblems attribute, workflow
    // pause, standalone activities and Nexus operations, poller scaling decisions, worker
    // commands, update callbacks, paginated task completions.
    workerHeartbeats: false,
    reportedProblemsSearchAttribute: false,
    workflowPause: false,
    standaloneActivities: false,
    pollerAutoscaling: false,
    workerCommands: false,
    standaloneNexusOperation: false,
    workflowUpdateCallbacks: false,
    pollerAutoscalingAutoEnroll: false,
    workflowTaskCompletionPagination: false,
    standaloneActivityStartDelay: false,
    standaloneActivityBatchOperations: false,
    standaloneActivityOperatorCommands: false,
  };
}

/** A stored namespace description with what is derived at request time (capabilities). */
function describeNamespace(engine: Engine, description: Msg): Msg {
  return {
    ...description,
    namespaceInfo: {
      ...description.namespaceInfo,
      capabilities: namespaceCapabilities(engine),
      supportsSchedules: true,
    },
  };
}

/**
 * The real frontend's refusals of an update before it reaches the workflow: updates switched off,
 * waiting only for Admitted, waiting for Accepted while that is switched off.
 */
function checkUpdateAllowed(engine: Engine, waitStage: number | undefined): void {
  if (!engine.config.enableUpdateWorkflowExecution) {
    throw permissionDenied('UpdateWorkflowExecution operation is disabled on this namespace.');
  }
  if (waitStage === UpdateStage.ADMITTED) {
    throw permissionDenied(
      'UpdateWorkflowExecution issued asynchronously and waiting on update admitted is not supported.',
    );
  }
  if (waitStage === UpdateStage.ACCEPTED && !engine.config.enableUpdateWorkflowExecutionAsyncAccepted) {
    throw permissionDenied(
      'UpdateWorkflowExecution issued asynchronously and waiting on update accepted is disabled on this namespace.',
    );
  }
}

/** OperatorService: custom search attributes. */
export function operatorServiceHandlers(engine: Engine): Record<string, Handler> {
  return {
    AddSearchAttributes: (req) => {
      const namespace = engine.requireNamespace(req.namespace || 'default');
      engine.visibility.registry.add(namespace, req.searchAttributes ?? {});
      engine.saveNamespace(namespace);
      return {};
    },
    RemoveSearchAttributes: (req) => {
      const namespace = engine.requireNamespace(req.namespace || 'default');
      engine.visibility.registry.remove(namespace, req.searchAttributes ?? []);
      engine.saveNamespace(namespace);
      return {};
    },
    ListSearchAttributes: (req) => {
      const namespace = engine.requireNamespace(req.namespace || 'default');
      return {
        customAttributes: Object.fromEntries(engine.visibility.registry.of(namespace)),
        systemAttributes: SYSTEM_ATTRIBUTES,
        storageSchema: {},
      };
    },
  };
}

/** The WorkflowService methods this server answers; everything else is UNIMPLEMENTED. */
export function workflowServiceHandlers(engine: Engine): Record<string, Handler> {
  const longPoll = <T>(
    register: (deliver: (v: T | undefined) => void) => () => void,
    onCancel: (fn: () => void) => void,
  ) =>
    new Promise<T | undefined>((resolve) => {
      const poll: { done: boolean; timer?: NodeJS.Timeout; withdraw?: () => void } = { done: false };
      const finish = (v: T | undefined) => {
        if (poll.done) return;
        poll.done = true;
        if (poll.timer) clearTimeout(poll.timer);
        poll.withdraw?.();
        resolve(v);
      };
      // A task may be handed over synchronously, before register() returns.
      poll.withdraw = register(finish);
      if (poll.done) {
        poll.withdraw();
        return;
      }
      poll.timer = setTimeout(() => finish(undefined), POLL_INTERVAL_MS);
      onCancel(() => finish(undefined));
    });

  /** A workflow or query task with its history, which may have to be read from storage. */
  const withHistory = async (task: Msg): Promise<Msg> => {
    const withReader = task as Msg & { [READ_HISTORY]?: () => Promise<Msg[]> };
    const read = withReader[READ_HISTORY];
    if (!read) return task;
    delete withReader[READ_HISTORY];
    return { ...task, history: { events: await read() } };
  };

  /** A long poll on one of a namespace's task queues; an empty answer when nothing came in time. */
  const pollTaskQueue = async (
    queues: { poll: TaskQueues<never>['poll'] },
    req: Msg,
    onCancel: (fn: () => void) => void,
  ): Promise<Msg> => {
    const namespace = engine.requireNamespace(req.namespace);
    if (!req.taskQueue?.name) throw invalidArgument('TaskQueue is not set on request.');
    const key = engine.queueKey(namespace, req.taskQueue.name);
    const task = await longPoll<Msg>(
      (deliver) =>
        queues.poll(
          key,
          req.identity ?? '',
          engine.clock.now(),
          (t) => deliver(t as Msg | undefined),
          req.workerInstanceKey,
        ),
      onCancel,
    );
    return task ? withHistory(task) : {};
  };

  return {
    GetSystemInfo: () => ({
      serverVersion: SERVER_VERSION,
      capabilities: {
        signalAndQueryHeader: true,
        internalErrorDifferentiation: true,
        activityFailureIncludeHeartbeat: true,
        supportsSchedules: true,
        encodedFailureAttributes: true,
        buildIdBasedVersioning: false,
        upsertMemo: true,
        eagerWorkflowStart: engine.config.enableEagerWorkflowStart,
        sdkMetadata: true,
        countGroupByExecutionStatus: true,
      },
    }),

    GetClusterInfo: () => ({
      supportedClients: {},
      serverVersion: SERVER_VERSION,
      clusterId: 'credit-dev',
      clusterName: 'temporal-dev-server',
      historyShardCount: 1,
      persistenceStore: 'memory',
      visibilityStore: 'memory',
    }),

    RegisterNamespace: (req) => {
      if (!req.namespace) throw invalidArgument('Namespace not set on request.');
      engine.registerNamespace(
        req.namespace,
        durationMs(req.workflowExecutionRetentionPeriod),
        req.description,
      );
      return {};
    },

    DescribeNamespace: (req) => {
      const name =
        req.namespace || [...engine.namespaces.entries()].find(([, n]) => n.namespaceInfo.id === req.id)?.[0];
      return describeNamespace(engine, engine.namespaces.get(engine.requireNamespace(name))!);
    },

    /** As the real server: the retention period (and the description) can change. */
    UpdateNamespace: (req) => {
      const name = engine.requireNamespace(req.namespace);
      const description = engine.namespaces.get(name)!;
      const retention = req.config?.workflowExecutionRetentionTtl;
      if (retention) description.config = { ...description.config, workflowExecutionRetentionTtl: retention };
      if (req.updateInfo?.description !== undefined) {
        description.namespaceInfo = { ...description.namespaceInfo, description: req.updateInfo.description };
      }
      engine.saveNamespace(name);
      return {
        namespaceInfo: description.namespaceInfo,
        config: description.config,
        isGlobalNamespace: description.isGlobalNamespace,
      };
    },

    ListNamespaces: () => ({
      namespaces: [...engine.namespaces.values()].map((d) => describeNamespace(engine, d)),
    }),

    StartWorkflowExecution: async (req) => {
      // Eager start (system.enableEagerWorkflowStart): the first workflow task goes to the caller,
      // started, in the answer — not when it waits for a start delay or cron time, nor for a start
      // answered with a run that already existed.
      const eager = req.requestEagerExecution === true && engine.config.enableEagerWorkflowStart;
      // The id's latest run may be closed and only in storage (id reuse policy, request id).
      await engine.loadRun(req.namespace, { workflowId: req.workflowId });
      const { run, started } = engine.startWorkflow(req, { eager });
      const eagerTask = eager ? engine.workflowTasks.takeEager(run, req.identity ?? '') : undefined;
      return {
        runId: run.runId,
        started,
        status: run.status,
        eagerWorkflowTask: eagerTask && (await withHistory(eagerTask)),
      };
    },

    SignalWithStartWorkflowExecution: async (req) => {
      await engine.loadRun(req.namespace, { workflowId: req.workflowId });
      const namespace = engine.requireNamespace(req.namespace);
      const signal = {
        signalName: req.signalName,
        input: req.signalInput,
        identity: req.identity,
        header: req.header,
      };
      let existing;
      try {
        existing = engine.findRun(namespace, { workflowId: req.workflowId });
      } catch {
        existing = undefined;
      }
      if (existing && existing.status === ExecutionStatus.RUNNING) {
        engine.signal(existing, { ...signal, requestId: req.requestId }, { skipBackoff: true });
        return { runId: existing.runId, started: false };
      }
      const { run } = engine.startWorkflow(req, { signal });
      return { runId: run.runId, started: true };
    },

    SignalWorkflowExecution: async (req) => {
      await engine.loadRun(req.namespace, req.workflowExecution);
      const run = engine.findRun(engine.requireNamespace(req.namespace), req.workflowExecution);
      engine.signal(run, req);
      return {};
    },

    RequestCancelWorkflowExecution: async (req) => {
      await engine.loadRun(req.namespace, req.workflowExecution);
      const run = engine.findRun(engine.requireNamespace(req.namespace), req.workflowExecution);
      if (req.firstExecutionRunId && run.firstExecutionRunId !== req.firstExecutionRunId) {
        throw new RpcError(
          status.NOT_FOUND,
          'workflow execution not found for the given first execution run id',
        );
      }
      engine.requestCancel(run, req);
      return {};
    },

    TerminateWorkflowExecution: async (req) => {
      await engine.loadRun(req.namespace, req.workflowExecution);
      const run = engine.findRun(engine.requireNamespace(req.namespace), req.workflowExecution);
      engine.terminate(run, req.reason, req.details, req.identity);
      return {};
    },

    DescribeWorkflowExecution: async (req) => {
      await engine.loadRun(req.namespace, req.execution);
      const run = engine.findRun(engine.requireNamespace(req.namespace), req.execution);
      const pendingActivities = [...run.activities.values()].map((a) => ({
        activityId: a.activityId,
        activityType: a.activityType,
        state: a.cancelRequested ? 3 : a.startedTime !== undefined ? 2 : 1,
        heartbeatDetails: a.heartbeatDetails,
        lastHeartbeatTime: a.lastHeartbeatTime ? toTimestamp(a.lastHeartbeatTime) : undefined,
        lastStartedTime: a.startedTime ? toTimestamp(a.startedTime) : undefined,
        attempt: a.attempt,
        maximumAttempts: a.retryPolicy.maximumAttempts,
        scheduledTime: toTimestamp(a.currentAttemptScheduledTime),
        expirationTime: a.scheduleToCloseMs ? toTimestamp(a.scheduledTime + a.scheduleToCloseMs) : undefined,
        lastFailure: a.lastFailure,
        lastWorkerIdentity: a.startedIdentity,
      }));
      const pendingChildren = [...run.children.values()].map((c) => ({
        workflowId: c.workflowId,
        runId: c.runId,
        workflowTypeName: c.workflowType?.name,
        initiatedId: c.initiatedEventId,
        parentClosePolicy: c.parentClosePolicy,
      }));
      return {
        executionConfig: {
          taskQueue: { name: run.taskQueue, kind: 1 },
          workflowExecutionTimeout: run.executionTimeoutMs
            ? { seconds: run.executionTimeoutMs / 1000 }
            : undefined,
          workflowRunTimeout: run.runTimeoutMs ? { seconds: run.runTimeoutMs / 1000 } : undefined,
          defaultWorkflowTaskTimeout: { seconds: run.taskTimeoutMs / 1000 },
        },
        workflowExecutionInfo: executionInfo(engine, run),
        pendingActivities,
        pendingChildren,
        pendingWorkflowTask: run.wft
          ? {
              state: run.wft.startedEventId !== undefined ? 2 : 1,
              scheduledTime: toTimestamp(run.wft.scheduledTime),
              startedTime: run.wft.startedTime ? toTimestamp(run.wft.startedTime) : undefined,
              attempt: run.wft.attempt,
            }
          : undefined,
      };
    },

    GetWorkflowExecutionHistory: async (req, onCancel) => {
      await engine.loadRun(req.namespace, req.execution);
      const run = engine.findRun(engine.requireNamespace(req.namespace), req.execution);
      const closeOnly = req.historyEventFilterType === HistoryEventFilterType.CLOSE_EVENT;
      if (closeOnly) {
        if (!run.closeEvent && req.waitNewEvent) {
          let cancelled = false;
          onCancel(() => (cancelled = true));
          const deadline = Date.now() + POLL_INTERVAL_MS;
          while (!run.closeEvent && !cancelled && Date.now() < deadline) {
            await engine.events.waitFor(run, 5000);
          }
        }
        return { history: { events: run.closeEvent ? [run.closeEvent] : [] } };
      }
      const from = req.nextPageToken?.length ? Number(Buffer.from(req.nextPageToken).toString()) : 1;
      if (!Number.isInteger(from) || from < 1) throw invalidArgument('invalid next page token');
      const pageSize = req.maximumPageSize > 0 ? req.maximumPageSize : 1000;
      if (req.waitNewEvent && from >= run.nextEventId && !run.closeEvent) {
        let cancelled = false;
        onCancel(() => (cancelled = true));
        const deadline = Date.now() + POLL_INTERVAL_MS;
        while (from >= run.nextEventId && !run.closeEvent && !cancelled && Date.now() < deadline) {
          await engine.events.waitFor(run, 5000);
        }
      }
      const to = Math.min(from + pageSize, run.nextEventId);
      const events = from < to ? await engine.events.readAsync(run, from, to) : [];
      const next = from + events.length;
      const more = next < run.nextEventId || (req.waitNewEvent && !run.closeEvent);
      return {
        history: { events },
        nextPageToken: more ? Buffer.from(String(next)) : undefined,
      };
    },

    GetWorkflowExecutionHistoryReverse: async (req) => {
      await engine.loadRun(req.namespace, req.execution);
      const run = engine.findRun(engine.requireNamespace(req.namespace), req.execution);
      const events = await engine.events.readAsync(run, 1, run.nextEventId);
      return { history: { events: events.reverse() } };
    },

    PollWorkflowTaskQueue: (req, onCancel) => pollTaskQueue(engine.workflowQueues, req, onCancel),

    RespondWorkflowTaskCompleted: (req) => engine.workflowTasks.respondCompleted(req),

    RespondWorkflowTaskFailed: (req) => {
      engine.workflowTasks.respondFailed(req);
      return {};
    },

    RespondQueryTaskCompleted: (req) => {
      engine.queries.respondCompleted(req);
      return {};
    },

    PollActivityTaskQueue: (req, onCancel) => pollTaskQueue(engine.activityQueues, req, onCancel),

    RespondActivityTaskCompleted: (req) => {
      engine.activities.respondCompleted(decodeToken(req.taskToken), req);
      return {};
    },
    RespondActivityTaskCompletedById: (req) => {
      engine.activities.respondCompleted(engine.activities.byId(req), req);
      return {};
    },
    RespondActivityTaskFailed: (req) => {
      engine.activities.respondFailed(decodeToken(req.taskToken), req);
      return { failures: [] };
    },
    RespondActivityTaskFailedById: (req) => {
      engine.activities.respondFailed(engine.activities.byId(req), req);
      return { failures: [] };
    },
    RespondActivityTaskCanceled: (req) => {
      engine.activities.respondCanceled(decodeToken(req.taskToken), req);
      return {};
    },
    RespondActivityTaskCanceledById: (req) => {
      engine.activities.respondCanceled(engine.activities.byId(req), req);
      return {};
    },
    RecordActivityTaskHeartbeat: (req) =>
      engine.activities.recordHeartbeat(decodeToken(req.taskToken), req.details),
    RecordActivityTaskHeartbeatById: (req) =>
      engine.activities.recordHeartbeat(engine.activities.byId(req), req.details),

    QueryWorkflow: async (req, onCancel) => {
      await engine.loadRun(req.namespace, req.execution);
      const run = engine.findRun(engine.requireNamespace(req.namespace), req.execution);
      if (!req.query?.queryType) throw invalidArgument('QueryType is not set on request.');
      if (
        req.queryRejectCondition === QueryRejectCondition.NOT_OPEN &&
        run.status !== ExecutionStatus.RUNNING
      ) {
        return { queryRejected: { status: run.status } };
      }
      if (
        req.queryRejectCondition === QueryRejectCondition.NOT_COMPLETED_CLEANLY &&
        ![ExecutionStatus.RUNNING, ExecutionStatus.COMPLETED].includes(run.status)
      ) {
        return { queryRejected: { status: run.status } };
      }
      const { id, result } = engine.queries.query(run, req.query);
      onCancel(() => engine.queries.cancel(run, id));
      return result;
    },

    /** Update-with-start: start (or use the running workflow), then deliver the update. */
    ExecuteMultiOperation: async (req) => {
      const operations: Msg[] = req.operations ?? [];
      const start = operations[0]?.startWorkflow;
      const update = operations[1]?.updateWorkflow;
      if (operations.length !== 2 || !start || !update) {
        throw invalidArgument('ExecuteMultiOperation supports exactly one start followed by one update.');
      }
      if (start.workflowId !== update.workflowExecution?.workflowId) {
        throw invalidArgument('the start and update operations must target the same workflow.');
      }
      try {
        checkUpdateAllowed(engine, update.waitPolicy?.lifecycleStage);
      } catch (err) {
        throw err instanceof RpcError ? multiOperationUpdateRefused(err) : err;
      }
      await engine.loadRun(req.namespace, { workflowId: start.workflowId });
      const { run, started } = engine.startWorkflow({ ...start, namespace: req.namespace });
      const updated = await engine.updates.update(
        run,
        update.request,
        update.waitPolicy?.lifecycleStage ?? UpdateStage.ACCEPTED,
        POLL_INTERVAL_MS,
      );
      return {
        responses: [
          { startWorkflow: { runId: run.runId, started, status: run.status } },
          { updateWorkflow: updated },
        ],
      };
    },

    UpdateWorkflowExecution: async (req) => {
      await engine.loadRun(req.namespace, req.workflowExecution);
      const run = engine.findRun(engine.requireNamespace(req.namespace), req.workflowExecution);
      if (req.firstExecutionRunId && run.firstExecutionRunId !== req.firstExecutionRunId) {
        throw new RpcError(
          status.NOT_FOUND,
          'workflow execution not found for the given first execution run id',
        );
      }
      checkUpdateAllowed(engine, req.waitPolicy?.lifecycleStage);
      return engine.updates.update(
        run,
        req.request,
        req.waitPolicy?.lifecycleStage ?? UpdateStage.ACCEPTED,
        POLL_INTERVAL_MS,
      );
    },

    PollWorkflowExecutionUpdate: async (req) => {
      const ref = req.updateRef ?? {};
      if (!engine.config.enableUpdateWorkflowExecution) {
        throw permissionDenied('UpdateWorkflowExecution operation is disabled on this namespace.');
      }
      await engine.loadRun(req.namespace, ref.workflowExecution);
      const run = engine.findRun(engine.requireNamespace(req.namespace), ref.workflowExecution);
      return engine.updates.poll(
        run,
        ref.updateId,
        req.waitPolicy?.lifecycleStage ?? UpdateStage.COMPLETED,
        POLL_INTERVAL_MS,
      );
    },

    ShutdownWorker: (req) => {
      const namespace = engine.requireNamespace(req.namespace);
      // frontend.enableCancelWorkerPollsOnShutdown: the worker's outstanding polls on its task queue
      // are answered empty, so that it stops at once and no task goes to a worker that is leaving.
      if (engine.config.cancelWorkerPollsOnShutdown && req.workerInstanceKey && req.taskQueue) {
        const types: number[] = req.taskQueueTypes?.length
          ? req.taskQueueTypes
          : [TaskQueueType.WORKFLOW, TaskQueueType.ACTIVITY];
        const key = engine.queueKey(namespace, req.taskQueue);
        if (types.includes(TaskQueueType.WORKFLOW))
          engine.workflowQueues.releaseWorker(key, req.workerInstanceKey);
        if (types.includes(TaskQueueType.ACTIVITY))
          engine.activityQueues.releaseWorker(key, req.workerInstanceKey);
      }
      engine.shutdownWorker(namespace, req.stickyTaskQueue);
      return {};
    },

    ResetStickyTaskQueue: async (req) => {
      await engine.loadRun(req.namespace, req.execution);
      const run = engine.findRun(engine.requireNamespace(req.namespace), req.execution);
      engine.shutdownWorker(run.namespace, run.stickyQueue);
      return {};
    },

    DescribeTaskQueue: (req) => {
      const namespace = engine.requireNamespace(req.namespace);
      if (!req.taskQueue?.name) throw invalidArgument('TaskQueue is not set on request.');
      const key = engine.queueKey(namespace, req.taskQueue.name);
      const queues =
        req.taskQueueType === TaskQueueType.ACTIVITY ? engine.activityQueues : engine.workflowQueues;
      const since = engine.clock.now() - 5 * 60_000;
      return {
        pollers: queues.pollers(key, since).map((p) => ({
          identity: p.identity,
          lastAccessTime: toTimestamp(p.lastAccessTime),
          ratePerSecond: 100000,
        })),
        taskQueueStatus: { backlogCountHint: queues.backlog(key) },
      };
    },

    GetSearchAttributes: () => ({ keys: {} }),

    CreateSchedule: (req) => engine.schedules.create(req),
    DescribeSchedule: (req) => engine.schedules.describe(req),
    UpdateSchedule: (req) => engine.schedules.update(req),
    PatchSchedule: (req) => engine.schedules.patch(req),
    DeleteSchedule: (req) => engine.schedules.delete(req),
    ListSchedules: (req) => engine.schedules.list(req),
    CountSchedules: (req) => engine.schedules.count(req),
    ListScheduleMatchingTimes: (req) => engine.schedules.listMatchingTimes(req),

    ListWorkflowExecutions: (req) => listExecutions(engine, req),
    ScanWorkflowExecutions: (req) => listExecutions(engine, req),

    CountWorkflowExecutions: async (req) => {
      const namespace = engine.requireNamespace(req.namespace);
      const result = engine.visibility.count(
        namespace,
        await visibleRuns(engine, namespace, req.query),
        req.query,
      );
      return {
        count: result.count,
        groups: result.groups?.map((g) => ({
          groupValues: [
            {
              metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from('Keyword') },
              data: Buffer.from(JSON.stringify(g.value)),
            },
          ],
          count: g.count,
        })),
      };
    },
  };
}
