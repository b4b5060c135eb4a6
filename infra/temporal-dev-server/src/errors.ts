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
