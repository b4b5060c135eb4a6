import type * as protobuf from 'protobufjs';
import { invalidArgument } from './errors';
import { parseCronSchedule } from './engine/cron';
import { durationMs, root, type Msg } from './proto';

/**
 * The real server's limits on what a caller sends, checked before a request reaches the engine,
 * so that a hostile or broken client gets INVALID_ARGUMENT (or RESOURCE_EXHAUSTED from gRPC for
 * an oversized message) and never an INTERNAL error or a run the engine cannot handle.
 */

/** gRPC's (and Temporal's frontend) largest accepted message: a larger one is RESOURCE_EXHAUSTED. */
export const MAX_RECEIVE_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Temporal's `limit.blobSize.error`: one payload at most 2 MB. */
export const BLOB_SIZE_LIMIT_BYTES = 2 * 1024 * 1024;

/** Temporal's `limit.maxIDLength`: ids, type names, task queues and request ids. */
export const MAX_ID_LENGTH = 1000;

/** The range of google.protobuf.Duration (±10 000 years). */
const MAX_DURATION_SECONDS = 315_576_000_000;
const MAX_NANOS = 999_999_999;

/** A marker the request deserializer returns for bytes that are not the method's message. */
export const UNDECODABLE = Symbol('undecodable');
export type Undecodable = { [UNDECODABLE]: string };

export function isUndecodable(value: unknown): value is Undecodable {
  return typeof value === 'object' && value !== null && UNDECODABLE in value;
}

/** Why a Duration is not one: negative, or outside the protobuf range, or nanos out of range. */
function durationProblem(d: Msg): string | undefined {
  const seconds = Number(d.seconds ?? 0);
  const nanos = Number(d.nanos ?? 0);
  if (!Number.isFinite(seconds) || Math.abs(seconds) > MAX_DURATION_SECONDS) return 'out of range';
  if (!Number.isInteger(nanos) || Math.abs(nanos) > MAX_NANOS) return 'nanos out of range';
  if (seconds < 0 || nanos < 0) return 'negative';
  return undefined;
}

/**
 * Walks a decoded request by its descriptor: every Duration must be a valid, non-negative one and
 * every enum field one of the enum's values. `skip` names fields (of any level) left to the
 * method's own validation (workflow-task commands fail the task with their cause instead).
 */
export function checkFields(
  t: protobuf.Type,
  msg: Msg,
  skip: ReadonlySet<string> = new Set(),
  prefix = '',
): void {
  for (const field of t.fieldsArray) {
    const value = msg[field.name];
    if (value === undefined || value === null || skip.has(field.name)) continue;
    field.resolve();
    const path = prefix ? `${prefix}.${field.name}` : field.name;
    const values: unknown[] =
      field.repeated && Array.isArray(value) ? value : field.map ? Object.values(value) : [value];
    // Duck-typed: the descriptors may come from another copy of protobufjs than ours.
    const resolved = field.resolvedType as protobuf.Type | protobuf.Enum | null;
    if (resolved && !('fieldsArray' in resolved)) {
      for (const v of values) {
        if (typeof v === 'number' && !Object.values(resolved.values).includes(v)) {
          throw invalidArgument(`Unknown value ${v} for ${path} (${resolved.name}).`);
        }
      }
    } else if (resolved) {
      for (const v of values) {
        if (!v || typeof v !== 'object') continue;
        if (resolved.fullName === '.google.protobuf.Duration') {
          const problem = durationProblem(v as Msg);
          if (problem) throw invalidArgument(`Invalid ${path}: the duration is ${problem}.`);
        } else if (
          resolved.fullName !== '.google.protobuf.Any' &&
          resolved.fullName !== '.temporal.api.common.v1.Payload'
        ) {
          checkFields(resolved, v as Msg, skip, path);
        }
      }
    }
  }
}

/** Every payload of a Payloads message at most BLOB_SIZE_LIMIT_BYTES. */
export function checkBlobs(payloads: Msg | undefined | null, field: string): void {
  for (const p of (payloads?.payloads as Msg[] | undefined) ?? []) {
    const size =
      (p.data?.length ?? 0) +
      Object.values((p.metadata ?? {}) as Record<string, Uint8Array>).reduce(
        (n, m) => n + (m?.length ?? 0),
        0,
      );
    if (size > BLOB_SIZE_LIMIT_BYTES) {
      throw invalidArgument(
        `Blob data size exceeds limit: ${field} has a payload of ${size} bytes (limit ${BLOB_SIZE_LIMIT_BYTES}).`,
      );
    }
  }
}

function checkLength(value: unknown, field: string): void {
  if (typeof value === 'string' && value.length > MAX_ID_LENGTH) {
    throw invalidArgument(`${field} exceeds length limit (${MAX_ID_LENGTH}).`);
  }
}

/** A cron schedule as the real server takes it, read with the schedules' parser. */
function checkCron(req: Msg): void {
  const schedule: unknown = req.cronSchedule;
  if (typeof schedule !== 'string' || schedule === '') return;
  try {
    parseCronSchedule(schedule);
  } catch (err) {
    throw invalidArgument((err as Error).message);
  }
  if (durationMs(req.workflowStartDelay)) {
    throw invalidArgument('CronSchedule and WorkflowStartDelay may not be used together.');
  }
}

/** The real server's retry-policy checks. */
export function checkRetryPolicy(policy: Msg | undefined | null, field = 'RetryPolicy'): void {
  if (!policy) return;
  const ms = (d: Msg | undefined) => (d ? Number(d.seconds ?? 0) * 1000 + Number(d.nanos ?? 0) / 1e6 : 0);
  if (ms(policy.initialInterval) < 0)
    throw invalidArgument(`InitialInterval cannot be negative on ${field}.`);
  if (
    policy.backoffCoefficient !== undefined &&
    policy.backoffCoefficient !== 0 &&
    !(policy.backoffCoefficient >= 1)
  ) {
    throw invalidArgument(`BackoffCoefficient cannot be less than 1 on ${field}.`);
  }
  if (ms(policy.maximumInterval) < 0)
    throw invalidArgument(`MaximumInterval cannot be negative on ${field}.`);
  if (ms(policy.maximumInterval) > 0 && ms(policy.maximumInterval) < ms(policy.initialInterval)) {
    throw invalidArgument(`MaximumInterval cannot be less than InitialInterval on ${field}.`);
  }
  if ((policy.maximumAttempts ?? 0) < 0)
    throw invalidArgument(`MaximumAttempts cannot be negative on ${field}.`);
}

/** StartWorkflowExecution and SignalWithStartWorkflowExecution from a client. */
export function checkStartRequest(req: Msg): void {
  checkLength(req.workflowId, 'WorkflowId');
  checkLength(req.workflowType?.name, 'WorkflowType');
  checkLength(req.taskQueue?.name, 'TaskQueue');
  checkLength(req.requestId, 'RequestId');
  checkLength(req.signalName, 'SignalName');
  checkCron(req);
  checkRetryPolicy(req.retryPolicy);
  checkBlobs(req.input, 'Input');
  checkBlobs(req.signalInput, 'SignalInput');
}

/** Per method: what is checked beyond checkFields (payload sizes, id lengths). */
export const METHOD_CHECKS: Record<string, (req: Msg) => void> = {
  StartWorkflowExecution: checkStartRequest,
  SignalWithStartWorkflowExecution: checkStartRequest,
  SignalWorkflowExecution: (req) => {
    checkLength(req.signalName, 'SignalName');
    checkBlobs(req.input, 'Input');
  },
  UpdateWorkflowExecution: (req) => checkBlobs(req.request?.input?.args, 'Update input'),
  RespondActivityTaskCompleted: (req) => checkBlobs(req.result, 'Result'),
  RespondActivityTaskCompletedById: (req) => checkBlobs(req.result, 'Result'),
  RecordActivityTaskHeartbeat: (req) => checkBlobs(req.details, 'Details'),
  RecordActivityTaskHeartbeatById: (req) => checkBlobs(req.details, 'Details'),
  RespondQueryTaskCompleted: (req) => checkBlobs(req.queryResult, 'QueryResult'),
};

/** Fields checked by the method itself rather than up front (the worker's commands fail its task). */
export const SKIPPED_FIELDS: Record<string, ReadonlySet<string>> = {
  RespondWorkflowTaskCompleted: new Set(['commands', 'messages']),
};

/** The request type of a method, for checkFields. */
export function requestType(serviceName: string, method: string): protobuf.Type {
  const m = root.lookupService(serviceName).methods[method];
  m.resolve();
  return m.resolvedRequestType!;
}
