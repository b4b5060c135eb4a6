import * as grpc from '@grpc/grpc-js';
import type * as protobuf from 'protobufjs';
import { Engine } from './engine/engine';
import { RpcError } from './errors';
import { decode, encode, Msg, root } from './proto';
import {
  checkFields,
  isUndecodable,
  MAX_RECEIVE_MESSAGE_BYTES,
  METHOD_CHECKS,
  requestType as requestTypeOf,
  SKIPPED_FIELDS,
  UNDECODABLE,
  type Undecodable,
} from './request-checks';
import { Handler, workflowServiceHandlers } from './service';

const SERVICES = {
  workflow: 'temporal.api.workflowservice.v1.WorkflowService',
  operator: 'temporal.api.operatorservice.v1.OperatorService',
  test: 'temporal.api.testservice.v1.TestService',
  health: 'grpc.health.v1.Health',
} as const;

function serviceDefinition(serviceName: string): grpc.ServiceDefinition {
  const service = root.lookupService(serviceName);
  const definition: Record<string, grpc.MethodDefinition<Msg, Msg>> = {};
  for (const method of Object.values(service.methods) as protobuf.Method[]) {
    method.resolve();
    const requestType = method.resolvedRequestType!;
    const responseType = method.resolvedResponseType!;
    definition[method.name] = {
      path: `/${serviceName}/${method.name}`,
      requestStream: !!method.requestStream,
      responseStream: !!method.responseStream,
      requestSerialize: (value: Msg) => encode(requestType, value),
      // Bytes that are not the request message are the caller's mistake (INVALID_ARGUMENT, answered
      // by the handler), not the INTERNAL grpc-js gives when a deserializer throws.
      requestDeserialize: (buf: Buffer): Msg | Undecodable => {
        try {
          return decode(requestType, buf);
        } catch (err) {
          return { [UNDECODABLE]: err instanceof Error ? err.message : String(err) };
        }
      },
      responseSerialize: (value: Msg) => encode(responseType, value),
      responseDeserialize: (buf: Buffer) => decode(responseType, buf),
    };
  }
  return definition;
}

function toServiceError(
  err: unknown,
  method: string,
  log: (line: string) => void,
): Partial<grpc.ServiceError> {
  if (err instanceof RpcError) {
    const metadata = new grpc.Metadata();
    const details = err.statusDetails();
    if (details) metadata.set('grpc-status-details-bin', details);
    return { code: err.code, details: err.message, metadata };
  }
  log(`internal error in ${method}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return {
    code: grpc.status.INTERNAL,
    details: `internal error in ${method}: ${err instanceof Error ? err.message : String(err)}`,
  };
}

function implementation(
  engine: Engine,
  serviceName: string,
  handlers: Record<string, Handler>,
  log: (line: string) => void,
  afterRequest: () => void = () => undefined,
): grpc.UntypedServiceImplementation {
  const service = root.lookupService(serviceName);
  const impl: grpc.UntypedServiceImplementation = {};
  for (const name of Object.keys(service.methods)) {
    const handler = handlers[name];
    const requestType = requestTypeOf(serviceName, name);
    impl[name] = (call: grpc.ServerUnaryCall<Msg, Msg>, callback: grpc.sendUnaryData<Msg>) => {
      const request: unknown = call.request;
      if (isUndecodable(request)) {
        callback({
          code: grpc.status.INVALID_ARGUMENT,
          details: `the request is not a valid ${requestType.name} message: ${request[UNDECODABLE]}`,
        });
        return;
      }
      try {
        checkFields(requestType, (request ?? {}) as Msg, SKIPPED_FIELDS[name]);
        METHOD_CHECKS[name]?.((request ?? {}) as Msg);
      } catch (err) {
        callback(toServiceError(err, name, log));
        return;
      }
      if (!handler) {
        callback({
          code: grpc.status.UNIMPLEMENTED,
          details: `${serviceName}/${name} is not implemented by temporal-dev-server`,
        });
        return;
      }
      const cancellers: Array<() => void> = [];
      call.on('cancelled', () => cancellers.forEach((fn) => fn()));
      let result: Promise<Msg> | Msg;
      try {
        result = handler(call.request ?? {}, (fn) => cancellers.push(fn));
      } catch (err) {
        callback(toServiceError(err, name, log));
        return;
      }
      // Answer only once the request's changes are in storage (also when it failed part-way).
      Promise.resolve(result)
        .then(
          async (response) => {
            await engine.durable();
            return response;
          },
          async (err: unknown) => {
            await engine.durable();
            throw err;
          },
        )
        .then(
          (response) => callback(null, response),
          (err: unknown) => callback(toServiceError(err, name, log)),
        );
      afterRequest();
    };
  }
  return impl;
}

export interface GrpcServerHandle {
  port: number;
  server: grpc.Server;
  shutdown(): Promise<void>;
}

export async function startGrpcServer(
  engine: Engine,
  extraHandlers: { operator?: Record<string, Handler>; test?: Record<string, Handler> },
  host: string,
  port: number,
  log: (line: string) => void,
): Promise<GrpcServerHandle> {
  const server = new grpc.Server({
    // As Temporal's frontend: a larger request is refused by gRPC with RESOURCE_EXHAUSTED.
    'grpc.max_receive_message_length': MAX_RECEIVE_MESSAGE_BYTES,
    'grpc.max_send_message_length': 128 * 1024 * 1024,
    'grpc.keepalive_permit_without_calls': 1,
  });
  // Any request may leave the server idle: time skipping re-checks after each.
  const afterRequest = () => engine.timeSkipping.scheduleSkipCheck();
  server.addService(
    serviceDefinition(SERVICES.workflow),
    implementation(engine, SERVICES.workflow, workflowServiceHandlers(engine), log, afterRequest),
  );
  server.addService(
    serviceDefinition(SERVICES.operator),
    implementation(engine, SERVICES.operator, extraHandlers.operator ?? {}, log),
  );
  server.addService(
    serviceDefinition(SERVICES.test),
    implementation(engine, SERVICES.test, extraHandlers.test ?? {}, log, afterRequest),
  );
  server.addService(
    serviceDefinition(SERVICES.health),
    implementation(engine, SERVICES.health, { Check: () => ({ status: 1 }) }, log),
  );
  const boundPort = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    port: boundPort,
    server,
    shutdown: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2000).unref();
      }),
  };
}
