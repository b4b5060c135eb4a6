import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { msToTs } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { latencyHistogram, recordMs, summarise, type LatencySummary } from './harness';

/**
 * One load generator process of `npm run bench -- server-only` (started by bench/server-only.ts):
 * the engine benchmark's workflow (one activity, one 50 ms timer, one signal) driven over raw
 * WorkflowService gRPC, without the SDK. The process is client and worker at once:
 * - client: StartWorkflowExecution, SignalWorkflowExecution `go`, then GetWorkflowExecutionHistory
 *   long polls for the close event (what the SDK's `handle.result()` does);
 * - workflow worker: PollWorkflowTaskQueue on the normal queue and on its own sticky queue (the
 *   SDK's default of 10 polls, 2 of them normal), deciding from the events of each task with a
 *   per-run cache (sticky tasks carry only the new events), answered with
 *   RespondWorkflowTaskCompleted: ScheduleActivityTask, then StartTimer once the activity is
 *   done, then CompleteWorkflowExecution once the timer fired and the signal came;
 * - activity worker: PollActivityTaskQueue (10 polls), RespondActivityTaskCompleted with the time.
 * Requests are encoded with @temporalio/proto's static classes, as the SDK's client does.
 *
 * Every generator of a run polls the same task queue, so a task may go to any of them; its own
 * sticky queue brings its runs' later tasks back to it. It talks to the parent over IPC: `ready`
 * after its warm-up, `go` from the parent, `measured` with its figures, `stop`.
 *
 * `node infra/run-ts.js bench/server-only-load.ts --address A --index K --workflows N
 * --concurrency C --warmup W`
 */

const ws = temporal.api.workflowservice.v1;
const { EventType, CommandType, TaskQueueKind, HistoryEventFilterType, WorkflowTaskFailedCause } =
  temporal.api.enums.v1;
const SERVICE = '/temporal.api.workflowservice.v1.WorkflowService/';
const NAMESPACE = 'default';
const TASK_QUEUE = 'bench-server-only';
/** The SDK's defaults: 10 workflow task polls (a fifth on the normal queue), 10 activity task polls. */
const WORKFLOW_POLLS = { normal: 2, sticky: 8 };
const ACTIVITY_POLLS = 10;
/** The SDK's default limits on tasks handled at once. */
const MAX_TASKS_IN_HAND = 100;
/** Longer than the server's long poll (it answers an empty poll before this). */
const POLL_DEADLINE_MS = 90_000;
const CALL_DEADLINE_MS = 30_000;
/** A workflow not closed by then counts as failed. */
const RESULT_DEADLINE_MS = 120_000;

export interface GeneratorOptions {
  address: string;
  index: number;
  workflows: number;
  concurrency: number;
  warmup: number;
}

/** What one generator counted while serving tasks (its own runs' and other generators'). */
export interface ProtocolCounts {
  workflowTasks: number;
  stickyWorkflowTasks: number;
  activityTasks: number;
  /** Sticky tasks for a run it had no state of (answered RESET_STICKY_TASK_QUEUE). */
  cacheMisses: number;
  /** Calls that failed other than by the generator's own stop. */
  callErrors: number;
}

export interface GeneratorResult {
  index: number;
  workflows: number;
  concurrency: number;
  completed: number;
  failed: number;
  failures: string[];
  seconds: number;
  latencyMs: LatencySummary;
  protocol: ProtocolCounts;
}

export type GeneratorMessage = { kind: 'ready' } | { kind: 'measured'; result: GeneratorResult };
export type CoordinatorMessage = { kind: 'go' } | { kind: 'stop' };

interface Encoder<T> {
  encode(message: T): { finish(): Uint8Array };
}
interface Decoder<T> {
  decode(bytes: Uint8Array): T;
}

const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/** Unary calls to the WorkflowService over one channel; outstanding calls are cancelled at close. */
class WorkflowServiceChannel {
  private readonly client: grpc.Client;
  private readonly outstanding = new Set<grpc.ClientUnaryCall>();
  closed = false;

  constructor(address: string) {
    // A channel of its own (not shared with the other channel of this process), as the SDK's
    // client and worker connections are.
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), {
      'grpc.use_local_subchannel_pool': 1,
    });
  }

  call<Req, Res>(
    method: string,
    requestType: Encoder<Req>,
    responseType: Decoder<Res>,
    request: Req,
    deadlineMs = CALL_DEADLINE_MS,
  ): Promise<Res> {
    return new Promise((resolve, reject) => {
      const call = this.client.makeUnaryRequest(
        SERVICE + method,
        (m: Req) => asBuffer(requestType.encode(m).finish()),
        (b: Buffer) => responseType.decode(b),
        request,
        new grpc.Metadata(),
        { deadline: Date.now() + deadlineMs },
        (err, value) => {
          this.outstanding.delete(call);
          if (err) reject(err);
          else resolve(value as Res);
        },
      );
      this.outstanding.add(call);
    });
  }

  close(): void {
    this.closed = true;
    for (const call of this.outstanding) call.cancel();
    this.client.close();
  }
}

/** At most `size` tasks in hand; a poll is made only with a free slot, as the SDK's pollers do. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(size: number) {
    this.free = size;
  }
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/** What the workflow code of `benchCase` knows of its run (bench/workflows.ts). */
interface RunState {
  activityScheduled: boolean;
  activityDone: boolean;
  timerStarted: boolean;
  timerFired: boolean;
  signaled: boolean;
}

const freshRun = (): RunState => ({
  activityScheduled: false,
  activityDone: false,
  timerStarted: false,
  timerFired: false,
  signaled: false,
});

/** The activity's result as the SDK's JSON converter writes it. */
const jsonPayload = (value: unknown): temporal.api.common.v1.IPayload => ({
  metadata: { encoding: Buffer.from('json/plain') },
  data: Buffer.from(JSON.stringify(value)),
});
/** A workflow returning `undefined`, as the SDK encodes it. */
const NULL_PAYLOAD: temporal.api.common.v1.IPayload = { metadata: { encoding: Buffer.from('binary/null') } };

/**
 * The decisions of `benchCase` (touch → sleep 50 ms → wait for `go`) from the run's state after the
 * task's events: the commands to send. Marks the commands as made.
 */
function decide(run: RunState): temporal.api.command.v1.ICommand[] {
  if (!run.activityScheduled) {
    run.activityScheduled = true;
    return [
      {
        commandType: CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
        scheduleActivityTaskCommandAttributes: {
          activityId: '1',
          activityType: { name: 'touch' },
          taskQueue: { name: TASK_QUEUE, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          startToCloseTimeout: msToTs(30_000),
        },
      },
    ];
  }
  if (run.activityDone && !run.timerStarted) {
    run.timerStarted = true;
    return [
      {
        commandType: CommandType.COMMAND_TYPE_START_TIMER,
        startTimerCommandAttributes: { timerId: '2', startToFireTimeout: msToTs(50) },
      },
    ];
  }
  if (run.timerFired && run.signaled) {
    return [
      {
        commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
        completeWorkflowExecutionCommandAttributes: { result: { payloads: [NULL_PAYLOAD] } },
      },
    ];
  }
  return [];
}

function applyEvents(run: RunState, events: temporal.api.history.v1.IHistoryEvent[]): void {
  for (const event of events) {
    switch (event.eventType) {
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        run.activityScheduled = true;
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        run.activityDone = true;
        break;
      case EventType.EVENT_TYPE_TIMER_STARTED:
        run.timerStarted = true;
        break;
      case EventType.EVENT_TYPE_TIMER_FIRED:
        run.timerFired = true;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        run.signaled = true;
        break;
      default:
        break;
    }
  }
}

const CLOSE_EVENTS = new Set<number>([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
]);

async function pool(count: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

class ServerOnlyGenerator {
  private readonly client: WorkflowServiceChannel;
  private readonly worker: WorkflowServiceChannel;
  private readonly identity = `${process.pid}@${os.hostname()}`;
  private readonly stickyQueue = `${TASK_QUEUE}-sticky-${process.pid}-${randomUUID()}`;
  private readonly runs = new Map<string, RunState>();
  private readonly pollers: Promise<void>[] = [];
  readonly counts: ProtocolCounts = {
    workflowTasks: 0,
    stickyWorkflowTasks: 0,
    activityTasks: 0,
    cacheMisses: 0,
    callErrors: 0,
  };
  readonly errors: string[] = [];

  constructor(private readonly options: GeneratorOptions) {
    this.client = new WorkflowServiceChannel(options.address);
    this.worker = new WorkflowServiceChannel(options.address);
  }

  /** Starts the pollers; they run until `close()`. */
  startPolling(): void {
    const workflowSlots = new Slots(MAX_TASKS_IN_HAND);
    const activitySlots = new Slots(MAX_TASKS_IN_HAND);
    const normal = { name: TASK_QUEUE, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL };
    const sticky = {
      name: this.stickyQueue,
      kind: TaskQueueKind.TASK_QUEUE_KIND_STICKY,
      normalName: TASK_QUEUE,
    };
    for (let i = 0; i < WORKFLOW_POLLS.normal; i++)
      this.pollers.push(this.pollWorkflowTasks(normal, workflowSlots));
    for (let i = 0; i < WORKFLOW_POLLS.sticky; i++)
      this.pollers.push(this.pollWorkflowTasks(sticky, workflowSlots));
    for (let i = 0; i < ACTIVITY_POLLS; i++) this.pollers.push(this.pollActivityTasks(activitySlots));
  }

  private noteError(err: unknown): void {
    if (this.worker.closed) return;
    this.counts.callErrors++;
    if (this.errors.length < 5) this.errors.push(err instanceof Error ? err.message : String(err));
  }

  private async pollWorkflowTasks(
    taskQueue: temporal.api.taskqueue.v1.ITaskQueue,
    slots: Slots,
  ): Promise<void> {
    while (!this.worker.closed) {
      await slots.acquire();
      let task: temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
      try {
        task = await this.worker.call(
          'PollWorkflowTaskQueue',
          ws.PollWorkflowTaskQueueRequest,
          ws.PollWorkflowTaskQueueResponse,
          { namespace: NAMESPACE, taskQueue, identity: this.identity },
          POLL_DEADLINE_MS,
        );
      } catch (err) {
        slots.release();
        this.noteError(err);
        continue;
      }
      if (!task.taskToken?.length) {
        slots.release();
        continue;
      }
      void this.handleWorkflowTask(task, taskQueue.kind === TaskQueueKind.TASK_QUEUE_KIND_STICKY)
        .catch((err) => this.noteError(err))
        .finally(() => slots.release());
    }
  }

  private async handleWorkflowTask(
    task: temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse,
    fromSticky: boolean,
  ): Promise<void> {
    this.counts.workflowTasks++;
    if (fromSticky) this.counts.stickyWorkflowTasks++;
    const runId = task.workflowExecution?.runId ?? '';
    const events = task.history?.events ?? [];
    let run = this.runs.get(runId);
    if (events[0]?.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED) {
      run = freshRun(); // the whole history: decide from it alone
      this.runs.set(runId, run);
    } else if (!run) {
      this.counts.cacheMisses++;
      await this.worker.call(
        'RespondWorkflowTaskFailed',
        ws.RespondWorkflowTaskFailedRequest,
        ws.RespondWorkflowTaskFailedResponse,
        {
          namespace: NAMESPACE,
          taskToken: task.taskToken,
          cause: WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_STICKY_TASK_QUEUE,
          identity: this.identity,
        },
      );
      return;
    }
    applyEvents(run, events);
    const commands = decide(run);
    const completes = commands[0]?.commandType === CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION;
    await this.worker.call(
      'RespondWorkflowTaskCompleted',
      ws.RespondWorkflowTaskCompletedRequest,
      ws.RespondWorkflowTaskCompletedResponse,
      {
        namespace: NAMESPACE,
        taskToken: task.taskToken,
        commands,
        identity: this.identity,
        stickyAttributes: completes
          ? undefined
          : {
              workerTaskQueue: {
                name: this.stickyQueue,
                kind: TaskQueueKind.TASK_QUEUE_KIND_STICKY,
                normalName: TASK_QUEUE,
              },
              scheduleToStartTimeout: msToTs(10_000),
            },
      },
    );
    if (completes) this.runs.delete(runId);
  }

  private async pollActivityTasks(slots: Slots): Promise<void> {
    while (!this.worker.closed) {
      await slots.acquire();
      let task: temporal.api.workflowservice.v1.PollActivityTaskQueueResponse;
      try {
        task = await this.worker.call(
          'PollActivityTaskQueue',
          ws.PollActivityTaskQueueRequest,
          ws.PollActivityTaskQueueResponse,
          {
            namespace: NAMESPACE,
            taskQueue: { name: TASK_QUEUE, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
            identity: this.identity,
          },
          POLL_DEADLINE_MS,
        );
      } catch (err) {
        slots.release();
        this.noteError(err);
        continue;
      }
      if (!task.taskToken?.length) {
        slots.release();
        continue;
      }
      this.counts.activityTasks++;
      void this.worker
        .call(
          'RespondActivityTaskCompleted',
          ws.RespondActivityTaskCompletedRequest,
          ws.RespondActivityTaskCompletedResponse,
          {
            namespace: NAMESPACE,
            taskToken: task.taskToken,
            result: { payloads: [jsonPayload(Date.now())] },
            identity: this.identity,
          },
        )
        .catch((err) => this.noteError(err))
        .finally(() => slots.release());
    }
  }

  /** Starts one workflow, signals it and waits for its close event, as the engine benchmark's client does. */
  async runOne(workflowId: string): Promise<void> {
    const started = await this.client.call(
      'StartWorkflowExecution',
      ws.StartWorkflowExecutionRequest,
      ws.StartWorkflowExecutionResponse,
      {
        namespace: NAMESPACE,
        workflowId,
        workflowType: { name: 'benchCase' },
        taskQueue: { name: TASK_QUEUE, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        identity: this.identity,
        requestId: randomUUID(),
      },
    );
    await this.client.call(
      'SignalWorkflowExecution',
      ws.SignalWorkflowExecutionRequest,
      ws.SignalWorkflowExecutionResponse,
      {
        namespace: NAMESPACE,
        workflowExecution: { workflowId },
        signalName: 'go',
        identity: this.identity,
        requestId: randomUUID(),
      },
    );
    const deadline = Date.now() + RESULT_DEADLINE_MS;
    while (Date.now() < deadline) {
      const page = await this.client.call(
        'GetWorkflowExecutionHistory',
        ws.GetWorkflowExecutionHistoryRequest,
        ws.GetWorkflowExecutionHistoryResponse,
        {
          namespace: NAMESPACE,
          execution: { workflowId, runId: started.runId },
          waitNewEvent: true,
          historyEventFilterType: HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
          skipArchival: true,
        },
        Math.max(1, deadline - Date.now()),
      );
      const close = page.history?.events?.find((e) => CLOSE_EVENTS.has(e.eventType ?? 0));
      if (!close) continue;
      if (close.eventType !== EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED) {
        throw new Error(`${workflowId} closed with ${EventType[close.eventType ?? 0]}`);
      }
      return;
    }
    throw new Error(`${workflowId} not closed within ${RESULT_DEADLINE_MS} ms`);
  }

  /** `workflows` workflows with `concurrency` in flight; each latency is start to close event. */
  async measure(
    prefix: string,
    workflows: number,
    concurrency: number,
  ): Promise<Omit<GeneratorResult, 'index'>> {
    const histogram = latencyHistogram();
    const failures: string[] = [];
    let failed = 0;
    const countsBefore = { ...this.counts };
    const t0 = performance.now();
    await pool(workflows, concurrency, async (i) => {
      const started = performance.now();
      try {
        await this.runOne(`${prefix}-${i}`);
        recordMs(histogram, performance.now() - started);
      } catch (err) {
        failed++;
        if (failures.length < 5) failures.push(err instanceof Error ? err.message : String(err));
      }
    });
    return {
      workflows,
      concurrency,
      completed: workflows - failed,
      failed,
      failures,
      seconds: Math.round(((performance.now() - t0) / 1000) * 100) / 100,
      latencyMs: summarise(histogram),
      protocol: Object.fromEntries(
        Object.entries(this.counts).map(([k, v]) => [k, v - countsBefore[k as keyof ProtocolCounts]]),
      ) as unknown as ProtocolCounts,
    };
  }

  async close(): Promise<void> {
    this.worker.close();
    this.client.close();
    await Promise.allSettled(this.pollers);
  }
}

function send(message: GeneratorMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('no IPC channel: run by bench/server-only.ts'));
    process.send(message, (err: Error | null) => (err ? reject(err) : resolve()));
  });
}

function numberArg(name: string): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`);
  return value;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--address');
  const address = i >= 0 ? process.argv[i + 1] : undefined;
  if (!address) throw new Error('--address is required');
  const options: GeneratorOptions = {
    address,
    index: numberArg('index'),
    workflows: numberArg('workflows'),
    concurrency: numberArg('concurrency'),
    warmup: numberArg('warmup'),
  };
  const messages: CoordinatorMessage[] = [];
  const waiters: Array<() => void> = [];
  process.on('message', (m: CoordinatorMessage) => {
    messages.push(m);
    waiters.splice(0).forEach((w) => w());
  });
  const next = async (kind: CoordinatorMessage['kind']) => {
    while (!messages.some((m) => m.kind === kind)) await new Promise<void>((r) => waiters.push(r));
  };
  const generator = new ServerOnlyGenerator(options);
  generator.startPolling();
  const g = `g${options.index}`;
  // Warm-up: JIT, channels, the server's caches; half the concurrency in flight.
  const warm = await generator.measure(
    `${g}-warm`,
    options.warmup,
    Math.max(1, Math.floor(options.concurrency / 2)),
  );
  if (warm.failed > 0)
    throw new Error(`warm-up: ${warm.failed} workflows failed: ${warm.failures.join('; ')}`);
  await send({ kind: 'ready' });
  await next('go');
  const measured = await generator.measure(`${g}-case`, options.workflows, options.concurrency);
  if (generator.errors.length) measured.failures.push(...generator.errors.map((e) => `call: ${e}`));
  await send({ kind: 'measured', result: { index: options.index, ...measured } });
  // Keep serving tasks (other generators' runs may come here) until every generator is done.
  await next('stop');
  await generator.close();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
