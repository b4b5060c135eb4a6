import { status } from '@grpc/grpc-js';
import { packAny, type, encode, Msg } from './proto';

/** An error answered to the caller with a gRPC status, as the real server would. */
export class RpcError extends Error {
  constructor(
    readonly code: status,
    message: string,
    /** Optional error detail (google.protobuf.Any payload of google.rpc.Status). */
    readonly detail?: { typeName: string; value: Msg },
  ) {
    super(message);
  }

  /** The `grpc-status-details-bin` trailer the SDK decodes for typed errors. */
  statusDetails(): Buffer | undefined {
    if (!this.detail) return undefined;
    return encode(type('google.rpc.Status'), {
      code: this.code,
      message: this.message,
      details: [packAny(this.detail.typeName, this.detail.value)],
    });
  }
}

export const permissionDenied = (message: string) =>
  new RpcError(status.PERMISSION_DENIED, message, {
    typeName: 'temporal.api.errordetails.v1.PermissionDeniedFailure',
    value: { reason: '' },
  });

/**
 * Update-with-start refused because of its update operation, as the real server: the start is
 * reported aborted, the update with its own error.
 */
export function multiOperationUpdateRefused(updateError: RpcError): RpcError {
  const detailsOf = (err: RpcError) => (err.detail ? [packAny(err.detail.typeName, err.detail.value)] : []);
  return new RpcError(updateError.code, 'Update-with-Start could not be executed.', {
    typeName: 'temporal.api.errordetails.v1.MultiOperationExecutionFailure',
    value: {
      statuses: [
        {
          code: status.ABORTED,
          message: 'Operation was aborted.',
          details: [packAny('temporal.api.failure.v1.MultiOperationExecutionAborted', {})],
        },
        { code: updateError.code, message: updateError.message, details: detailsOf(updateError) },
      ],
    },
  });
}

export const invalidArgument = (message: string) => new RpcError(status.INVALID_ARGUMENT, message);
export const notFound = (message: string) => new RpcError(status.NOT_FOUND, message);

export function workflowNotFound(workflowId: string, runId?: string): RpcError {
  return new RpcError(
    status.NOT_FOUND,
    `workflow execution not found for workflow ID "${workflowId}"${runId ? ` and run ID "${runId}"` : ''}`,
    { typeName: 'temporal.api.errordetails.v1.NotFoundFailure', value: {} },
  );
}

export function alreadyCompleted(): RpcError {
  return new RpcError(status.NOT_FOUND, 'workflow execution already completed', {
    typeName: 'temporal.api.errordetails.v1.NotFoundFailure',
    value: {},
  });
}

export function required(value: unknown, field: string): void {
  if (value === undefined || value === null || value === '')
    throw invalidArgument(`${field} is not set on request.`);
}
