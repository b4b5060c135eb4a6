import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { type DevServerHandle, start } from '../../infra/temporal-dev-server';
import * as activities from './activities';

const { EventType, TimeoutType } = temporal.api.enums.v1;
type Event = temporal.api.history.v1.IHistoryEvent;

const TASK_QUEUE = 'simultaneous-timers';

/**
 * Timers and timeouts that fall due at the same instant. Each pair here is computed from the same
 * server time in the same step (one workflow task completion), so the instant is the same to the
 * millisecond, whatever the machine's speed. The real server orders them by (time, event id,
 * timeout type) within a run's timer sequence and handles them in one timer task.
 */
describe('simultaneous timers fire in the real server’s order', () => {
  let server: DevServerHandle;
  let connection: NativeConnection;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    server = await start({ port: 0 });
    connection = await NativeConnection.connect({ address: server.address });
    client = new Client({ connection });
    worker = await Worker.create({
      connection,
      taskQueue: TASK_QUEUE,
      workflowsPath: require.resolve('./simultaneous-timers/workflows'),
      activities,
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await connection?.close();
    await server?.stop();
  });

  async function historyOf(workflowType: string, workflowId: string): Promise<Event[]> {
    const handle = await client.workflow.start(workflowType, { taskQueue: TASK_QUEUE, workflowId });
    await handle.result();
    return (await handle.fetchHistory()).events!;
  }

  const types = (events: Event[]) => events.map((e) => e.eventType);
  const after = (events: Event[], type: number) => types(events).slice(types(events).indexOf(type));

  it('times an activity out on SCHEDULE_TO_START when schedule-to-close falls at the same instant', async () => {
    const events = await historyOf('activityTimeoutsAtOnce', 'activities-at-once');
    const timedOut = events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT);
    expect(timedOut).toHaveLength(2);
    for (const e of timedOut) {
      expect(e.activityTaskTimedOutEventAttributes?.failure?.timeoutFailureInfo?.timeoutType).toBe(
        TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START,
      );
    }
    // By scheduled event id, in one go: both time-outs, then one workflow task.
    const scheduled = events
      .filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
      .map((e) => Number(e.eventId));
    expect(timedOut.map((e) => Number(e.activityTaskTimedOutEventAttributes?.scheduledEventId))).toEqual(
      scheduled,
    );
    expect(after(events, EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT).slice(0, 3)).toEqual([
      EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
      EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    ]);
  });

  it('fires user timers due together by started event id, then schedules one workflow task', async () => {
    const events = await historyOf('timersAtOnce', 'timers-at-once');
    const started = events
      .filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED)
      .map((e) => Number(e.eventId));
    const fired = events.filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED);
    expect(fired.map((e) => Number(e.timerFiredEventAttributes?.startedEventId))).toEqual(started);
    expect(after(events, EventType.EVENT_TYPE_TIMER_FIRED).slice(0, 4)).toEqual([
      EventType.EVENT_TYPE_TIMER_FIRED,
      EventType.EVENT_TYPE_TIMER_FIRED,
      EventType.EVENT_TYPE_TIMER_FIRED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    ]);
  });

  it('times the activity out before firing a timer of the same task and instant, whatever the command order', async () => {
    const events = await historyOf('timerBeforeActivity', 'timer-before-activity');
    const t = types(events);
    // The timer's command came first...
    expect(t.indexOf(EventType.EVENT_TYPE_TIMER_STARTED)).toBeLessThan(
      t.indexOf(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
    );
    // ...but the real server creates a transaction's activity timeout task before its user timer task.
    expect(t.indexOf(EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT)).toBeLessThan(
      t.indexOf(EventType.EVENT_TYPE_TIMER_FIRED),
    );
  });
});
