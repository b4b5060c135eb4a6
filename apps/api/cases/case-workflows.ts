import { HttpStatus } from '@nestjs/common';
import {
  Client,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type WorkflowStartOptions,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import type { Workflow } from '@temporalio/common';
import type { FindOptionsWhere, Repository } from 'typeorm';
import { TRY_LATER } from '../../../workflows/case/types';
import { ApiError, RefusedForNow } from '../common/errors';

/**
 * How the API drives a procedure's case workflow: start it once, run an update and map what the
 * Temporal client throws to the API's errors, and wait for the read model to catch up.
 */

/** A procedure's refusal codes (the `type` of its validators' ApplicationFailures) → HTTP status. */
export type RefusalTable = Readonly<Record<string, number>>;

/** A Temporal connection or service failure: 503 with a message the caseworker can act on. */
export function unavailable(err: unknown): unknown {
  if (err instanceof ApiError) return err;
  const grpc = err as { code?: unknown } | null;
  if (err instanceof ServiceError || typeof grpc?.code === 'number') {
    return new ApiError(
      HttpStatus.SERVICE_UNAVAILABLE,
      'WORKFLOW_SERVICE_UNAVAILABLE',
      '流程服务暂不可用，请稍后重试。',
    );
  }
  return err;
}

/** Starts a case's workflow (`REJECT_DUPLICATE`); a second start of the same case is a no-op. */
export async function startCaseWorkflow<W extends Workflow>(
  temporal: Client,
  workflowType: string,
  options: Pick<WorkflowStartOptions<W>, 'taskQueue' | 'workflowId' | 'args'>,
): Promise<void> {
  try {
    await temporal.workflow.start<W>(workflowType, {
      ...options,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    } as WorkflowStartOptions<W>);
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return;
    throw unavailable(err);
  }
}

export interface UpdateErrorMapping {
  refusals: RefusalTable;
  /** Code of an update that failed otherwise than by a refusal (`<PROCEDURE>_UPDATE_FAILED`, 422). */
  failedCode: string;
  /** The error when the workflow is gone (ended): usually the procedure's "case ended" 409. */
  whenGone: () => Promise<ApiError>;
}

/** The failure type the server gives updates still open when their workflow completes. */
const UPDATE_OUTLIVED_WORKFLOW = 'AcceptedUpdateCompletedWorkflow';

const isRefusal = (refusals: RefusalTable, type: string | undefined | null): type is string =>
  typeof type === 'string' && Object.prototype.hasOwnProperty.call(refusals, type);

/**
 * Turns what the Temporal client throws for an update into the API's error: a refusal by the
 * workflow's validator keeps its code and Chinese message with the status the refusal table
 * gives; a workflow that is gone is `whenGone`; an unreachable server is 503.
 */
export async function updateError(err: unknown, mapping: UpdateErrorMapping): Promise<unknown> {
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && isRefusal(mapping.refusals, cause.type)) {
      const refused = cause.details?.includes(TRY_LATER) ? RefusedForNow : ApiError;
      return new refused(mapping.refusals[cause.type], cause.type, cause.message);
    }
    // The case ended while the update was on its way (the server fails every update still open
    // when a workflow completes): the same answer as for a case already ended, in Chinese.
    if (cause instanceof ApplicationFailure && cause.type === UPDATE_OUTLIVED_WORKFLOW)
      return mapping.whenGone();
    return new ApiError(
      HttpStatus.UNPROCESSABLE_ENTITY,
      mapping.failedCode,
      `办理未能完成：${cause instanceof Error ? cause.message : err.message}`,
    );
  }
  if (err instanceof WorkflowNotFoundError) return mapping.whenGone();
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new ApiError(
      HttpStatus.SERVICE_UNAVAILABLE,
      'WORKFLOW_TIMEOUT',
      '流程服务未在时限内答复，操作结果未知：请稍后刷新案件查看是否已办理。',
    );
  }
  return unavailable(err);
}

/** Polls `done` every 50 ms until it holds or `timeoutMs` has passed; tells which. */
export async function waitUntil(done: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await done()) return true;
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The case row once `ready` holds for it, or as it is after `timeoutMs` (e.g. the decision a
 * workflow takes at intake, which the creating request answers with).
 */
export async function rowWhen<Row extends { id: string }>(
  repo: Repository<Row>,
  id: string,
  ready: (row: Row) => boolean,
  timeoutMs: number,
): Promise<Row> {
  const where = { id } as FindOptionsWhere<Row>;
  let row = await repo.findOneByOrFail(where);
  await waitUntil(async () => {
    row = (await repo.findOneBy(where)) ?? row;
    return ready(row);
  }, timeoutMs);
  return row;
}

/**
 * Read-your-writes: the workflow may answer an update just before its read-model write lands;
 * waits (briefly) until the case row shows the answered revision, so the caller's next read sees it.
 */
export async function readModelAt<Row extends { id: string; revision: number }>(
  repo: Repository<Row>,
  id: string,
  revision: number,
  timeoutMs = 5_000,
): Promise<void> {
  await waitUntil(async () => {
    const row = await repo.findOne({
      where: { id } as FindOptionsWhere<Row>,
      select: { id: true, revision: true } as never,
    });
    return !row || row.revision >= revision;
  }, timeoutMs);
}

/**
 * Runs one update of a case workflow for `actor` and answers the view it returns once the read
 * model holds it. With an Idempotency-Key the update id is `<update>:<key>`: a repeated request
 * gets the first request's answer from Temporal.
 */
export async function runCaseUpdate<View extends { revision: number }, Input extends object>(
  temporal: Client,
  options: {
    workflowId: string;
    update: UpdateDefinition<View, [Input & { actor: string }]>;
    input: Input;
    actor: string;
    idempotencyKey?: string;
    repo: Repository<{ id: string; revision: number }>;
    caseId: string;
    errors: UpdateErrorMapping;
  },
): Promise<View> {
  try {
    const view = await temporal.workflow.getHandle(options.workflowId).executeUpdate(options.update, {
      args: [{ ...options.input, actor: options.actor }],
      ...(options.idempotencyKey ? { updateId: `${options.update.name}:${options.idempotencyKey}` } : {}),
    });
    await readModelAt(options.repo, options.caseId, view.revision);
    return view;
  } catch (err) {
    throw await updateError(err, options.errors);
  }
}
