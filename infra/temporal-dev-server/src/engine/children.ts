import { randomUUID } from 'node:crypto';
import {
  CancelExternalFailedCause,
  EventType,
  ExecutionStatus,
  ParentClosePolicy,
  RetryState,
  SignalExternalFailedCause,
  StartChildFailedCause,
} from '../enums';
import { alreadyCompleted, RpcError } from '../errors';
import type { Msg } from '../proto';
import { type ChildState, type ExternalRequest, isClosed, type Run } from './run';
import type { Engine } from './engine';

/** Child workflows (start, result to the parent, parent close policy) and external signal/cancel. */
export class Children {
  constructor(private readonly e: Engine) {}

  start(parent: Run, a: Msg, completedEventId: number, identity: string): void {
    const namespace = a.namespace || parent.namespace;
    const initiated = this.e.events.append(parent, EventType.START_CHILD_WORKFLOW_EXECUTION_INITIATED, {
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
    const attributes = initiated.startChildWorkflowExecutionInitiatedEventAttributes as Msg;
    this.e.later(() => this.startInitiated(parent, child, attributes, identity));
  }

  /**
   * Starts a child whose Initiated event is in the parent's history (`a`: its attributes) and
   * records the outcome in the parent. Also used after a restart for a child not started yet.
   */
  async startInitiated(parent: Run, child: ChildState, a: Msg, identity: string): Promise<void> {
    // The id's latest run may be closed and only in storage (its id reuse policy decides).
    await this.e.loadRun(child.namespace, { workflowId: a.workflowId });
    this.startInitiatedNow(parent, child, a, identity);
  }

  private startInitiatedNow(parent: Run, child: ChildState, a: Msg, identity: string): void {
    const namespace = child.namespace;
    const completedEventId = a.workflowTaskCompletedEventId;
    if (isClosed(parent) || child.runId !== undefined) return;
    try {
      const { run } = this.e.startWorkflow(
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
          retryPolicy: a.retryPolicy,
          cronSchedule: a.cronSchedule,
          header: a.header,
          memo: a.memo,
          searchAttributes: a.searchAttributes,
        },
        {
          parent: {
            namespace: parent.namespace,
            workflowId: parent.workflowId,
            runId: parent.runId,
            initiatedEventId: child.initiatedEventId,
          },
        },
      );
      child.runId = run.runId;
      const started = this.e.events.append(parent, EventType.CHILD_WORKFLOW_EXECUTION_STARTED, {
        namespace,
        initiatedEventId: child.initiatedEventId,
        workflowExecution: { workflowId: run.workflowId, runId: run.runId },
        workflowType: a.workflowType,
        header: a.header,
      });
      child.startedEventId = started.eventId;
    } catch (err) {
      parent.children.delete(child.initiatedEventId);
      this.e.events.append(parent, EventType.START_CHILD_WORKFLOW_EXECUTION_FAILED, {
        namespace,
        workflowId: a.workflowId,
        workflowType: a.workflowType,
        cause: StartChildFailedCause.WORKFLOW_ALREADY_EXISTS,
        control: a.control,
        initiatedEventId: child.initiatedEventId,
        workflowTaskCompletedEventId: completedEventId,
      });
      if (!(err instanceof RpcError)) this.e.log(`child start failed: ${String(err)}`);
    }
    this.e.workflowTasks.schedule(parent);
  }

  notifyParent(child: Run): void {
    const parentRef = child.parent!;
    const parent = this.e.runsById.get(parentRef.runId);
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
          this.e.events.append(parent, EventType.CHILD_WORKFLOW_EXECUTION_COMPLETED, {
            ...common,
            result: close.workflowExecutionCompletedEventAttributes?.result,
          });
          break;
        case ExecutionStatus.FAILED:
          this.e.events.append(parent, EventType.CHILD_WORKFLOW_EXECUTION_FAILED, {
            ...common,
            failure: close.workflowExecutionFailedEventAttributes?.failure,
            retryState: RetryState.NON_RETRYABLE_FAILURE,
          });
          break;
        case ExecutionStatus.CANCELED:
          this.e.events.append(parent, EventType.CHILD_WORKFLOW_EXECUTION_CANCELED, {
            ...common,
            details: close.workflowExecutionCanceledEventAttributes?.details,
          });
          break;
        case ExecutionStatus.TERMINATED:
          this.e.events.append(parent, EventType.CHILD_WORKFLOW_EXECUTION_TERMINATED, common);
          break;
        case ExecutionStatus.TIMED_OUT:
          this.e.events.append(parent, EventType.CHILD_WORKFLOW_EXECUTION_TIMED_OUT, {
            ...common,
            retryState: RetryState.TIMEOUT,
          });
          break;
        default:
          return;
      }
      this.e.workflowTasks.schedule(parent);
    };
    if (state.startedEventId !== undefined) deliver();
    else this.e.later(deliver);
  }

  applyParentClosePolicy(parent: Run, child: ChildState): void {
    if (!child.runId) return;
    // The child may have continued as new or been retried: the policy applies to its current run
    // (open, so in memory; its first run may have left memory when it closed).
    const run = this.e
      .runsOf(child.namespace, child.workflowId)
      .filter((r) => r.firstExecutionRunId === child.runId)
      .pop();
    if (!run || isClosed(run)) return;
    if (
      child.parentClosePolicy === ParentClosePolicy.TERMINATE ||
      child.parentClosePolicy === ParentClosePolicy.UNSPECIFIED
    ) {
      this.e.terminate(run, 'by parent close policy', undefined, 'temporal-dev-server');
    } else if (child.parentClosePolicy === ParentClosePolicy.REQUEST_CANCEL) {
      this.e.requestCancel(run, { reason: 'by parent close policy' });
    }
  }

  /**
   * Test hook (TEMPORAL_DEV_SERVER_TEST_HOLD_EXTERNAL_REQUESTS=1 in the CLI): external signals and
   * cancellations are initiated but never delivered, so a test can kill the server in between.
   */
  holdExternalRequests = false;

  signalExternal(run: Run, a: Msg, completedEventId: number): void {
    const initiated = this.e.events.append(run, EventType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, {
      namespace: a.namespace || run.namespace,
      workflowExecution: a.execution,
      signalName: a.signalName,
      input: a.input,
      control: a.control,
      childWorkflowOnly: a.childWorkflowOnly,
      header: a.header,
      workflowTaskCompletedEventId: completedEventId,
    });
    this.initiated(run, { kind: 'signal-external', initiatedEventId: initiated.eventId });
  }

  cancelExternal(run: Run, a: Msg, completedEventId: number): void {
    const initiated = this.e.events.append(
      run,
      EventType.REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
      {
        namespace: a.namespace || run.namespace,
        workflowExecution: { workflowId: a.workflowId, runId: a.runId },
        control: a.control,
        childWorkflowOnly: a.childWorkflowOnly,
        reason: a.reason,
        workflowTaskCompletedEventId: completedEventId,
      },
    );
    this.initiated(run, { kind: 'cancel-external', initiatedEventId: initiated.eventId });
  }

  /**
   * After a restart: the external requests storage holds as initiated and not delivered (transfer
   * tasks) are delivered now, once each.
   */
  async resumeExternalRequests(): Promise<number> {
    const records = (await this.e.storage.loadTasks()).filter(
      (t) => t.kind === 'signal-external' || t.kind === 'cancel-external',
    );
    if (records.length === 0) return 0;
    const byKey = new Map([...this.e.allRuns()].map((r) => [r.key, r]));
    let resumed = 0;
    for (const record of records) {
      const run = byKey.get(record.runKey);
      if (!run || isClosed(run) || run.externalRequests?.has(record.scheduledEventId)) continue;
      this.initiated(run, {
        kind: record.kind as ExternalRequest['kind'],
        initiatedEventId: record.scheduledEventId,
      });
      resumed++;
    }
    return resumed;
  }

  /**
   * A request initiated (its Initiated event in `run`'s history): pending until delivered, so it is
   * stored with the run; delivered asynchronously, after the task that initiated it, as on the real
   * server. The delivery and its outcome event are one commit.
   */
  private initiated(run: Run, request: ExternalRequest): void {
    if (!run.externalRequests) run.externalRequests = new Map();
    run.externalRequests.set(request.initiatedEventId, request);
    this.e.persistence.touch(run);
    this.e.later(async () => {
      if (this.holdExternalRequests) return;
      if (run.externalRequests?.get(request.initiatedEventId) !== request) return;
      const initiated = (
        await this.e.events.readAsync(run, request.initiatedEventId, request.initiatedEventId + 1)
      )[0];
      if (run.externalRequests?.get(request.initiatedEventId) !== request) return;
      run.externalRequests.delete(request.initiatedEventId);
      this.e.persistence.touch(run);
      if (isClosed(run)) return;
      if (request.kind === 'signal-external') {
        this.deliverSignal(
          run,
          request.initiatedEventId,
          initiated.signalExternalWorkflowExecutionInitiatedEventAttributes as Msg,
        );
      } else {
        this.deliverCancel(
          run,
          request.initiatedEventId,
          initiated.requestCancelExternalWorkflowExecutionInitiatedEventAttributes as Msg,
        );
      }
      this.e.workflowTasks.schedule(run);
    });
  }

  private deliverSignal(run: Run, initiatedEventId: number, a: Msg): void {
    const namespace: string = a.namespace;
    try {
      const target = this.e.findRun(namespace, a.workflowExecution);
      this.e.signal(target, {
        signalName: a.signalName,
        input: a.input,
        header: a.header,
        identity: `workflow:${run.workflowId}`,
        // The target takes one signal per initiation, however often delivery is tried.
        requestId: `${run.runId}:${initiatedEventId}`,
      });
      this.e.events.append(run, EventType.EXTERNAL_WORKFLOW_EXECUTION_SIGNALED, {
        initiatedEventId,
        namespace,
        workflowExecution: { workflowId: target.workflowId, runId: target.runId },
        control: a.control,
      });
    } catch {
      this.e.events.append(run, EventType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED, {
        cause: SignalExternalFailedCause.EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
        workflowTaskCompletedEventId: a.workflowTaskCompletedEventId,
        namespace,
        workflowExecution: a.workflowExecution,
        initiatedEventId,
        control: a.control,
      });
    }
  }

  private deliverCancel(run: Run, initiatedEventId: number, a: Msg): void {
    const namespace: string = a.namespace;
    const execution = a.workflowExecution;
    try {
      const target = this.e.findRun(namespace, execution);
      if (isClosed(target)) throw alreadyCompleted();
      this.e.requestCancel(target, {
        reason: a.reason,
        identity: `workflow:${run.workflowId}`,
        externalWorkflowExecution: { workflowId: run.workflowId, runId: run.runId },
        externalInitiatedEventId: initiatedEventId,
      });
      this.e.events.append(run, EventType.EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED, {
        initiatedEventId,
        namespace,
        workflowExecution: { workflowId: target.workflowId, runId: target.runId },
      });
    } catch {
      this.e.events.append(run, EventType.REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED, {
        cause: CancelExternalFailedCause.EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
        workflowTaskCompletedEventId: a.workflowTaskCompletedEventId,
        namespace,
        workflowExecution: execution,
        initiatedEventId,
        control: a.control,
      });
    }
  }
}
