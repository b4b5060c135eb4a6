import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { QueryResultType, TaskQueueKind } from '../enums';
import { notFound, RpcError } from '../errors';
import type { Msg } from '../proto';
import { decodeToken, encodeToken, isClosed, queueKey, type Run } from './run';
import type { Engine } from './engine';
import { READ_HISTORY } from './history';

/**
 * Queries go to a worker as query-only tasks whenever no workflow task is outstanding (or with
 * the next workflow task's completion), also on closed runs (answered by replaying the history).
 */
export class Queries {
  constructor(private readonly e: Engine) {}

  /** Registers a query; `id` lets the caller withdraw it (its call was cancelled or timed out). */
  query(run: Run, query: Msg): { id: string; result: Promise<Msg> } {
    const id = randomUUID();
    const result = new Promise<Msg>((resolve, reject) => {
      run.queries.set(id, { id, query, resolve, reject, dispatched: false });
    });
    this.dispatchPending(run);
    return { id, result };
  }

  cancel(run: Run, id: string | undefined): void {
    if (id) run.queries.delete(id);
    // A closed run stays in memory while a query is pending on it.
    if (isClosed(run)) this.e.scheduleTrim();
  }

  /** Queries go to a worker as query-only tasks whenever no workflow task is outstanding. */
  dispatchPending(run: Run): void {
    if (run.wft && !isClosed(run)) return;
    for (const q of run.queries.values()) {
      if (q.dispatched) continue;
      const sticky = !isClosed(run) && run.stickyQueue !== undefined;
      const queue = sticky ? run.stickyQueue! : run.taskQueue;
      if (q.queuedOn === queue) continue;
      q.queuedOn = queue;
      this.e.workflowQueues.add(queueKey(run.namespace, queue), { kind: 'query', run, queryId: q.id });
      if (sticky) {
        // A sticky worker that died without saying so must not hold the query: after the sticky
        // schedule-to-start timeout the run loses stickiness and the query goes to the normal queue.
        const timeout = run.stickyScheduleToStartMs ?? 5000;
        this.e.clock.schedule(this.e.clock.now() + timeout, () => {
          if (run.queries.get(q.id) !== q || q.dispatched) return;
          if (run.stickyQueue === queue) this.e.workflowTasks.resetSticky(run);
          q.queuedOn = run.taskQueue;
          this.e.workflowQueues.add(queueKey(run.namespace, run.taskQueue), {
            kind: 'query',
            run,
            queryId: q.id,
          });
        });
      }
    }
  }

  dispatch(run: Run, queryId: string): Msg {
    const q = run.queries.get(queryId)!;
    q.dispatched = true;
    const sticky = !isClosed(run) && run.stickyQueue !== undefined;
    const from = sticky ? run.previousStartedEventId + 1 : 1;
    const to = run.nextEventId;
    return {
      taskToken: encodeToken({ k: 'q', ns: run.namespace, wid: run.workflowId, rid: run.runId, q: queryId }),
      workflowExecution: { workflowId: run.workflowId, runId: run.runId },
      workflowType: run.workflowType,
      previousStartedEventId: run.previousStartedEventId,
      // No started event: that is how the worker tells a query-only task from a workflow task (as
      // the real server sends it). With one, the worker buffers the query in its single slot for a
      // workflow task, where the next workflow task replaces it: the query is never answered.
      startedEventId: 0,
      [READ_HISTORY]: () =>
        this.e.events.readAsync(
          run,
          from,
          run.lastCompletedWftEventId ? run.lastCompletedWftEventId + 1 : to,
        ),
      query: q.query,
      workflowExecutionTaskQueue: { name: run.taskQueue, kind: TaskQueueKind.NORMAL },
      attempt: 1,
    };
  }

  respondCompleted(req: Msg): void {
    const token = decodeToken(req.taskToken);
    const run = this.e.runsById.get(token.rid);
    if (!run || token.k !== 'q' || !token.q || !run.queries.has(token.q))
      throw notFound('Query task not found.');
    this.answer(run, token.q, {
      resultType: req.completedType,
      answer: req.queryResult,
      errorMessage: req.errorMessage,
      failure: req.failure,
    });
  }

  answer(run: Run, id: string, result: Msg): void {
    const q = run.queries.get(id);
    if (!q) return;
    run.queries.delete(id);
    if (isClosed(run)) this.e.scheduleTrim();
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
}
