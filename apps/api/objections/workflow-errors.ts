import { HttpStatus } from '@nestjs/common';
import {
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { OBJECTION_REFUSALS, type ObjectionRefusalCode } from '../../../workflows/objection/messages';
import { ApiError } from '../common/errors';

const isRefusalCode = (type: string | undefined | null): type is ObjectionRefusalCode =>
  typeof type === 'string' && Object.prototype.hasOwnProperty.call(OBJECTION_REFUSALS, type);

/**
 * Turns what the Temporal client throws for an update into the API's error: a refusal by the
 * workflow's validator keeps its code and Chinese message with the status OBJECTION_REFUSALS
 * gives; a workflow that is gone (ended) is `whenGone`; an unreachable server is 503.
 */
export async function updateError(err: unknown, whenGone: () => Promise<ApiError>): Promise<unknown> {
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && isRefusalCode(cause.type)) {
      return new ApiError(OBJECTION_REFUSALS[cause.type], cause.type, cause.message);
    }
    return new ApiError(
      HttpStatus.UNPROCESSABLE_ENTITY,
      'OBJECTION_UPDATE_FAILED',
      `办理未能完成：${cause instanceof Error ? cause.message : err.message}`,
    );
  }
  if (err instanceof WorkflowNotFoundError) return whenGone();
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new ApiError(
      HttpStatus.SERVICE_UNAVAILABLE,
      'WORKFLOW_TIMEOUT',
      '流程服务未在时限内答复，操作结果未知：请稍后刷新案件查看是否已办理。',
    );
  }
  return unavailable(err);
}

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
