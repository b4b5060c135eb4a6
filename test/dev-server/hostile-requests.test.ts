import * as grpc from '@grpc/grpc-js';
import { google, temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import type * as protobuf from 'protobufjs';
import { root } from '../../infra/temporal-dev-server/src/proto';
import { createLocalEnv, startTestWorker } from './support';
import { retriesThenSucceeds, sleepsThenReturns } from './workflows';

/**
 * Hostile requests over raw gRPC (what bad-input.test.ts does not cover): bytes that are not the
 * method's protobuf, for every method of every service; a 50 MB message; payloads over the blob
 * limit; unknown namespaces on every kind of call; negative and absurd timeouts and durations;
 * empty and huge ids; unknown task tokens and a task completed twice. Every one answers a gRPC
 * error status that names the caller's mistake (never INTERNAL or UNKNOWN, which mean the server
 * broke), and afterwards a normal workflow still runs.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261216);

const SERVICES = [
  'temporal.api.workflowservice.v1.WorkflowService',
  'temporal.api.operatorservice.v1.OperatorService',
  'temporal.api.testservice.v1.TestService',
];

/** The statuses that mean the server failed rather than refused. */
const BROKEN = [grpc.status.INTERNAL, grpc.status.UNKNOWN, grpc.status.UNAVAILABLE, grpc.status.DATA_LOSS];

const statusName = (code: number) => grpc.status[code] ?? String(code);

/** A Duration with any numbers, also ones no well-behaved client would send. */
const duration = (seconds: number, nanos = 0) => ({ seconds, nanos }) as unknown as google.protobuf.IDuration;

describe('temporal-dev-server under hostile requests', () => {
  let env: TestWorkflowEnvironment;
  let client: grpc.Client;
  beforeAll(async () => {
    env = await createLocalEnv();
    client = new grpc.Client(env.address, grpc.credentials.createInsecure(), {
      'grpc.max_send_message_length': 64 * 1024 * 1024,
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    });
  });
  afterAll(async () => {
    client?.close();
    await env?.teardown();
  });

  const service = () => env.client.workflowService;

  /** One raw unary call; long polls are cut short by the deadline (DEADLINE_EXCEEDED). */
  function raw(method: string, body: Buffer, deadlineMs = 5_000): Promise<{ code: number; details: string }> {
    return new Promise((resolve) =>
      client.makeUnaryRequest(
        method,
        (b: Buffer) => b,
        (b: Buffer) => b,
        body,
        new grpc.Metadata(),
        { deadline: Date.now() + deadlineMs },
        (err) => resolve({ code: err ? err.code : grpc.status.OK, details: err?.details ?? '' }),
      ),
    );
  }

  /** Runs a typed call and answers its gRPC status (OK when it succeeded). */
  async function statusOf(call: Promise<unknown>): Promise<string> {
    try {
      await call;
      return 'OK';
    } catch (err) {
      const code = (err as { code?: number }).code;
      return typeof code === 'number' ? statusName(code) : `not a gRPC error: ${String(err)}`;
    }
  }

  const methods = SERVICES.flatMap((name) =>
    (Object.values(root.lookupService(name).methods) as protobuf.Method[]).map((m) => ({
      path: `/${name}/${m.name}`,
      name: m.name,
      poll: /^Poll/.test(m.name) || m.name === 'GetWorkflowExecutionHistory',
    })),
  );

  it('answers bytes that are not protobuf with INVALID_ARGUMENT on every method', async () => {
    const undecodable = [
      Buffer.from([0x0a, 0x64, 0x01]), // field 1: a 100-byte string announced, 1 byte sent
      Buffer.from([0x0f]), // wire type 7 does not exist
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), // varint too long
      Buffer.from([0x08]), // a varint field without its value
    ];
    const answers: string[] = [];
    for (const method of methods) {
      for (const bytes of undecodable) {
        const { code, details } = await raw(method.path, bytes);
        if (code !== grpc.status.INVALID_ARGUMENT) {
          answers.push(`${method.name} ${bytes.toString('hex')}: ${statusName(code)} ${details}`);
        }
      }
    }
    expect(answers).toEqual([]);
  });

  it('never breaks on random bytes sent to any method (fast-check, fixed seed)', async () => {
    const broken: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...methods),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        async (method, bytes) => {
          const { code, details } = await raw(method.path, Buffer.from(bytes), method.poll ? 300 : 5_000);
          if (BROKEN.includes(code) || (code === grpc.status.DEADLINE_EXCEEDED && !method.poll)) {
            broken.push(
              `${method.name} ${Buffer.from(bytes).toString('hex')}: ${statusName(code)} ${details}`,
            );
          }
        },
      ),
      { numRuns: 300, seed: SEED },
    );
    expect(broken).toEqual([]);
  });

  it('refuses a 50 MB message with RESOURCE_EXHAUSTED and a payload over the blob limit with INVALID_ARGUMENT', async () => {
    const huge = Buffer.alloc(50 * 1024 * 1024, 0x61);
    const request = temporal.api.workflowservice.v1.StartWorkflowExecutionRequest.encode({
      namespace: 'default',
      workflowId: 'hostile-huge',
      workflowType: { name: 'everything' },
      taskQueue: { name: 'hostile-huge' },
      input: { payloads: [{ metadata: { encoding: Buffer.from('binary/plain') }, data: huge }] },
      requestId: 'hostile-huge',
    }).finish();
    const answer = await raw(
      '/temporal.api.workflowservice.v1.WorkflowService/StartWorkflowExecution',
      Buffer.from(request),
    );
    expect(statusName(answer.code)).toBe('RESOURCE_EXHAUSTED');

    const overBlobLimit = Buffer.alloc(3 * 1024 * 1024, 0x62);
    expect(
      await statusOf(
        service().startWorkflowExecution({
          namespace: 'default',
          workflowId: 'hostile-blob',
          workflowType: { name: 'everything' },
          taskQueue: { name: 'hostile-blob' },
          input: { payloads: [{ metadata: { encoding: Buffer.from('binary/plain') }, data: overBlobLimit }] },
          requestId: 'hostile-blob',
        }),
      ),
    ).toBe('INVALID_ARGUMENT');
    expect(
      await statusOf(
        service().signalWithStartWorkflowExecution({
          namespace: 'default',
          workflowId: 'hostile-blob-signal',
          workflowType: { name: 'everything' },
          taskQueue: { name: 'hostile-blob' },
          signalName: 's',
          signalInput: { payloads: [{ data: overBlobLimit }] },
          requestId: 'hostile-blob-signal',
        }),
      ),
    ).toBe('INVALID_ARGUMENT');
  });

  it('answers NOT_FOUND for an unknown namespace on every kind of call', async () => {
    const ns = 'no-such-namespace';
    const execution = { workflowId: 'w' };
    const calls: Record<string, Promise<unknown>> = {
      start: service().startWorkflowExecution({
        namespace: ns,
        workflowId: 'w',
        workflowType: { name: 't' },
        taskQueue: { name: 'q' },
      }),
      describe: service().describeWorkflowExecution({ namespace: ns, execution }),
      history: service().getWorkflowExecutionHistory({ namespace: ns, execution }),
      signal: service().signalWorkflowExecution({
        namespace: ns,
        workflowExecution: execution,
        signalName: 's',
      }),
      query: service().queryWorkflow({ namespace: ns, execution, query: { queryType: 'q' } }),
      terminate: service().terminateWorkflowExecution({ namespace: ns, workflowExecution: execution }),
      cancel: service().requestCancelWorkflowExecution({ namespace: ns, workflowExecution: execution }),
      list: service().listWorkflowExecutions({ namespace: ns }),
      count: service().countWorkflowExecutions({ namespace: ns }),
      pollWorkflow: service().pollWorkflowTaskQueue({ namespace: ns, taskQueue: { name: 'q' } }),
      pollActivity: service().pollActivityTaskQueue({ namespace: ns, taskQueue: { name: 'q' } }),
      describeQueue: service().describeTaskQueue({ namespace: ns, taskQueue: { name: 'q' } }),
      describeNamespace: service().describeNamespace({ namespace: ns }),
    };
    const answers: Record<string, string> = {};
    for (const [name, call] of Object.entries(calls)) answers[name] = await statusOf(call);
    expect(answers).toEqual(Object.fromEntries(Object.keys(calls).map((k) => [k, 'NOT_FOUND'])));
  });

  it('refuses empty, huge and malformed ids, and negative or absurd timeouts, with INVALID_ARGUMENT', async () => {
    let n = 0;
    const start = (overrides: Record<string, unknown>) =>
      statusOf(
        service().startWorkflowExecution({
          namespace: 'default',
          workflowId: `hostile-start-${++n}`,
          workflowType: { name: 'everything' },
          taskQueue: { name: 'hostile-start' },
          requestId: `hostile-start-${n}`,
          ...overrides,
        }),
      );
    const cases: Record<string, Record<string, unknown>> = {
      'empty workflow id': { workflowId: '' },
      'huge workflow id': { workflowId: 'w'.repeat(2_000) },
      'empty workflow type': { workflowType: { name: '' } },
      'huge workflow type': { workflowType: { name: 't'.repeat(2_000) } },
      'empty task queue': { taskQueue: { name: '' } },
      'huge task queue': { taskQueue: { name: 'q'.repeat(2_000) } },
      'negative execution timeout': { workflowExecutionTimeout: { seconds: -5 } },
      'negative run timeout': { workflowRunTimeout: { seconds: -1 } },
      'negative task timeout': { workflowTaskTimeout: { seconds: 0, nanos: -1 } },
      'nanos out of range': { workflowTaskTimeout: { seconds: 1, nanos: 2_000_000_000 } },
      'absurd execution timeout': { workflowExecutionTimeout: { seconds: 9_000_000_000_000 } },
      'absurd start delay': { workflowStartDelay: { seconds: 9_000_000_000_000 } },
      'negative start delay': { workflowStartDelay: { seconds: -60 } },
      'malformed cron schedule': { cronSchedule: 'every tuesday maybe' },
      'unknown id reuse policy': { workflowIdReusePolicy: 999 },
      'unknown id conflict policy': { workflowIdConflictPolicy: 999 },
      'negative retry interval': { retryPolicy: { initialInterval: { seconds: -1 } } },
      'retry coefficient below 1': { retryPolicy: { backoffCoefficient: 0.5 } },
      'negative maximum attempts': { retryPolicy: { maximumAttempts: -3 } },
      'huge request id': { requestId: 'r'.repeat(5_000) },
    };
    const answers: Record<string, string> = {};
    for (const [name, overrides] of Object.entries(cases)) answers[name] = await start(overrides);
    expect(answers).toEqual(Object.fromEntries(Object.keys(cases).map((k) => [k, 'INVALID_ARGUMENT'])));
  });

  it('refuses bad workflow-task answers and unknown or reused task tokens', async () => {
    const queue = 'hostile-tasks';
    await service().startWorkflowExecution({
      namespace: 'default',
      workflowId: 'hostile-tasks-1',
      workflowType: { name: 'handDriven' },
      taskQueue: { name: queue },
      workflowTaskTimeout: duration(5),
      requestId: 'hostile-tasks-1',
    });
    const task = await service().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: queue } });
    const timer = (startToFireTimeout: google.protobuf.IDuration) => ({
      commandType: temporal.api.enums.v1.CommandType.COMMAND_TYPE_START_TIMER,
      startTimerCommandAttributes: { timerId: 't', startToFireTimeout },
    });
    const answers: Record<string, string> = {
      'negative timer': await statusOf(
        service().respondWorkflowTaskCompleted({
          namespace: 'default',
          taskToken: task.taskToken,
          commands: [timer(duration(-10))],
        }),
      ),
    };
    const retry = await service().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: queue } });
    answers['absurd timer'] = await statusOf(
      service().respondWorkflowTaskCompleted({
        namespace: 'default',
        taskToken: retry.taskToken,
        commands: [timer(duration(9_000_000_000_000))],
      }),
    );
    const third = await service().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: queue } });
    const done = {
      namespace: 'default',
      taskToken: third.taskToken,
      commands: [{ commandType: temporal.api.enums.v1.CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION }],
    };
    answers['completion'] = await statusOf(service().respondWorkflowTaskCompleted(done));
    answers['completed twice'] = await statusOf(service().respondWorkflowTaskCompleted(done));
    answers['failed after completion'] = await statusOf(
      service().respondWorkflowTaskFailed({ namespace: 'default', taskToken: third.taskToken }),
    );
    for (const [name, taskToken] of Object.entries({
      'empty token': Buffer.alloc(0),
      'random token': Buffer.from([1, 2, 3, 4, 5, 250, 251]),
      'JSON that is no token': Buffer.from('{"hello":"world"}'),
      'huge token': Buffer.alloc(1024 * 1024, 0x7b),
    })) {
      answers[`workflow task, ${name}`] = await statusOf(
        service().respondWorkflowTaskCompleted({ namespace: 'default', taskToken, commands: [] }),
      );
      answers[`activity task, ${name}`] = await statusOf(
        service().respondActivityTaskCompleted({ namespace: 'default', taskToken }),
      );
      answers[`heartbeat, ${name}`] = await statusOf(
        service().recordActivityTaskHeartbeat({ namespace: 'default', taskToken }),
      );
    }
    expect(answers['completion']).toBe('OK');
    delete answers['completion'];
    for (const [name, answer] of Object.entries(answers)) {
      expect([name, ['INVALID_ARGUMENT', 'NOT_FOUND']]).toEqual([name, expect.arrayContaining([answer])]);
    }
    expect(answers['negative timer']).toBe('INVALID_ARGUMENT');
    expect(answers['absurd timer']).toBe('INVALID_ARGUMENT');
    expect(answers['completed twice']).toBe('NOT_FOUND');
  });

  it('keeps serving: a normal workflow runs after the barrage', async () => {
    const worker = await startTestWorker(env, 'hostile-after');
    try {
      const result = await env.client.workflow.execute(sleepsThenReturns, {
        taskQueue: 'hostile-after',
        workflowId: 'hostile-after-1',
        args: [10],
      });
      expect(result).toBe('woke');
      expect(
        await env.client.workflow.execute(retriesThenSucceeds, {
          taskQueue: 'hostile-after',
          workflowId: 'hostile-after-2',
        }),
      ).toBeGreaterThan(1);
    } finally {
      await worker.stop();
    }
  });
});
