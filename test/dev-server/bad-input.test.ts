import * as grpc from '@grpc/grpc-js';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createLocalEnv } from './support';

const { CommandType, EventType, WorkflowTaskFailedCause } = temporal.api.enums.v1;

/**
 * Drives workflow tasks by hand through the raw WorkflowService, as a misbehaving worker would, to
 * check that bad input fails cleanly (the status the real server gives) and never corrupts a run
 * or takes the server down.
 */
describe('temporal-dev-server under bad input', () => {
  let env: TestWorkflowEnvironment;
  let n = 0;
  beforeAll(async () => {
    env = await createLocalEnv();
  });
  afterAll(() => env?.teardown());

  const service = () => env.client.workflowService;

  async function startAndPoll(): Promise<{ workflowId: string; queue: string; taskToken: Uint8Array }> {
    const workflowId = `bad-input-${++n}`;
    const queue = `bad-input-queue-${n}`;
    await service().startWorkflowExecution({
      namespace: 'default',
      workflowId,
      workflowType: { name: 'handDriven' },
      taskQueue: { name: queue },
      workflowTaskTimeout: msToTs(5000),
      requestId: workflowId,
    });
    const task = await service().pollWorkflowTaskQueue({
      namespace: 'default',
      taskQueue: { name: queue },
      identity: 'hand',
    });
    return { workflowId, queue, taskToken: task.taskToken! };
  }

  it.each([
    [
      'an activity without an id',
      [
        {
          commandType: CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
          scheduleActivityTaskCommandAttributes: {
            activityType: { name: 'greet' },
            startToCloseTimeout: msToTs(1000),
          },
        },
      ],
      WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES,
    ],
    [
      'an activity without any timeout',
      [
        {
          commandType: CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
          scheduleActivityTaskCommandAttributes: { activityId: '1', activityType: { name: 'greet' } },
        },
      ],
      WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES,
    ],
    [
      'two timers with the same id',
      [1, 2].map(() => ({
        commandType: CommandType.COMMAND_TYPE_START_TIMER,
        startTimerCommandAttributes: { timerId: 't', startToFireTimeout: msToTs(60_000) },
      })),
      WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_START_TIMER_DUPLICATE_ID,
    ],
    [
      'a command after the workflow completed',
      [
        { commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION },
        {
          commandType: CommandType.COMMAND_TYPE_START_TIMER,
          startTimerCommandAttributes: { timerId: 't', startToFireTimeout: msToTs(1000) },
        },
      ],
      WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
    ],
    [
      'an unsupported command type',
      [{ commandType: CommandType.COMMAND_TYPE_SCHEDULE_NEXUS_OPERATION }],
      WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
    ],
  ])(
    'fails the whole workflow task on %s, applies none of its commands, and retries the task',
    async (_name, commands, cause) => {
      const { workflowId, queue, taskToken } = await startAndPoll();
      const valid = {
        commandType: CommandType.COMMAND_TYPE_START_TIMER,
        startTimerCommandAttributes: { timerId: 'valid', startToFireTimeout: msToTs(60_000) },
      };
      await expect(
        service().respondWorkflowTaskCompleted({
          namespace: 'default',
          taskToken,
          // A valid command first: it must not be recorded either.
          commands: [valid, ...commands],
        }),
      ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });

      const retry = await service().pollWorkflowTaskQueue({
        namespace: 'default',
        taskQueue: { name: queue },
        identity: 'hand',
      });
      expect(retry.attempt).toBe(2);
      const events = retry.history!.events!;
      const failed = events.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
      expect(failed?.workflowTaskFailedEventAttributes?.cause).toBe(cause);
      expect(events.map((e) => e.eventType)).not.toContain(EventType.EVENT_TYPE_TIMER_STARTED);

      // The run is intact: a correct completion closes it.
      await service().respondWorkflowTaskCompleted({
        namespace: 'default',
        taskToken: retry.taskToken,
        commands: [{ commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION }],
      });
      const description = await env.client.workflow.getHandle(workflowId).describe();
      expect(description.status.name).toBe('COMPLETED');
    },
  );

  it('answers undecodable bytes with an error and keeps serving', async () => {
    const [host, port] = env.address.split(':');
    const client = new grpc.Client(`${host}:${port}`, grpc.credentials.createInsecure());
    const raw = (method: string, body: Buffer) =>
      new Promise<{ code: number }>((resolve) =>
        client.makeUnaryRequest(
          `/temporal.api.workflowservice.v1.WorkflowService/${method}`,
          (b: Buffer) => b,
          (b: Buffer) => b,
          body,
          (err) => resolve({ code: err ? err.code : grpc.status.OK }),
        ),
      );
    try {
      // Field 1 announced as a 100-byte string, but the message ends: not decodable.
      const garbage = Buffer.from([0x0a, 0x64, 0x01]);
      expect((await raw('StartWorkflowExecution', garbage)).code).not.toBe(grpc.status.OK);
      expect((await raw('RespondWorkflowTaskCompleted', garbage)).code).not.toBe(grpc.status.OK);
      // An empty request decodes to all defaults: a clear INVALID_ARGUMENT, not a crash.
      expect((await raw('StartWorkflowExecution', Buffer.alloc(0))).code).toBe(grpc.status.INVALID_ARGUMENT);
      expect((await raw('PollWorkflowTaskQueue', Buffer.alloc(0))).code).toBe(grpc.status.INVALID_ARGUMENT);
      expect((await raw('NoSuchMethod', Buffer.alloc(0))).code).toBe(grpc.status.UNIMPLEMENTED);
      const info = await service().getSystemInfo({});
      expect(info.capabilities?.signalAndQueryHeader).toBe(true);
    } finally {
      client.close();
    }
  });

  it('refuses task tokens for unknown runs and stale attempts with NOT_FOUND', async () => {
    const { taskToken } = await startAndPoll();
    await service().respondWorkflowTaskCompleted({
      namespace: 'default',
      taskToken,
      commands: [{ commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION }],
    });
    // The same task completed twice: the second time it is gone.
    await expect(
      service().respondWorkflowTaskCompleted({ namespace: 'default', taskToken, commands: [] }),
    ).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    const forged = Buffer.from(JSON.stringify({ k: 'a', ns: 'default', wid: 'x', rid: 'y', s: 5, a: 1 }));
    await expect(
      service().recordActivityTaskHeartbeat({ namespace: 'default', taskToken: forged }),
    ).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
  });

  it('rejects duplicate namespaces and unknown ones with the real server statuses', async () => {
    await service().registerNamespace({
      namespace: 'bad-input-ns',
      workflowExecutionRetentionPeriod: msToTs(86_400_000),
    });
    await expect(service().registerNamespace({ namespace: 'bad-input-ns' })).rejects.toMatchObject({
      code: grpc.status.ALREADY_EXISTS,
    });
    const described = await service().describeNamespace({ namespace: 'bad-input-ns' });
    expect(described.namespaceInfo?.name).toBe('bad-input-ns');
    await expect(
      service().startWorkflowExecution({
        namespace: 'nowhere',
        workflowId: 'w',
        workflowType: { name: 't' },
        taskQueue: { name: 'q' },
      }),
    ).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
  });
});
