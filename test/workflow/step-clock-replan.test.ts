import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createActivities } from '../../activities';
import { CalendarStore } from '../../activities/calendar/calendar-store';
import { openDatabase } from '../../infra/database/data-source';
import { DevServerHandle, start } from '../../infra/temporal-dev-server';
import { calendarChangedSignal } from '../../workflows/case/step-clock';
import { createTestDatabase } from '../support/database';
import { extendableStep, extendSignal, finishSignal, stepPlansQuery } from './workflows';

const endOfDay = (date: string) => new Date(Date.parse(`${date}T23:59:59.999+08:00`)).toISOString();

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** B1: an extension that arrives while the step clock is re-planning must not be lost. */
describe('step clock re-planning', () => {
  let server: DevServerHandle;
  let connection: Connection;
  let dataSource: DataSource;
  let drop: () => Promise<void>;
  let worker: Worker;
  let running: Promise<void>;
  let calendarLoads = 0;

  beforeAll(async () => {
    const db = await createTestDatabase('stepclock');
    drop = db.drop;
    dataSource = await openDatabase(db.url);
    await new CalendarStore(dataSource).seedFromPackage();
    server = await start({ port: 0 });
    connection = await Connection.connect({ address: server.address });
    const base = createActivities({ dataSource });
    worker = await Worker.create({
      connection: await NativeConnection.connect({ address: server.address }),
      taskQueue: 'step-clock',
      workflowsPath: require.resolve('./workflows'),
      activities: {
        ...base,
        // A slow calendar load: the re-plan is in flight when the extension arrives.
        async loadCalendar(years: number[]) {
          calendarLoads++;
          await new Promise((r) => setTimeout(r, 400));
          return base.loadCalendar(years);
        },
      },
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await connection?.close();
    await server?.stop();
    await dataSource?.destroy();
    await drop?.();
  });

  it('plans again with an extension that arrived while the calendar was loading', async () => {
    const client = new Client({ connection });
    // Received Mon 2026-12-07: 5 WD → Mon 12-14; with 2 more → Wed 12-16.
    const handle = await client.workflow.start(extendableStep, {
      taskQueue: 'step-clock',
      workflowId: `extendable-${Date.now()}`,
      args: ['2026-12-07T10:00:00+08:00'],
    });
    const first = await eventually(
      () => handle.query(stepPlansQuery),
      (p) => p.length === 1,
    );
    expect(first[0].due).toBe(endOfDay('2026-12-14'));
    const loadsBefore = calendarLoads;
    await handle.signal(calendarChangedSignal, { years: [2026] });
    await eventually(
      async () => calendarLoads,
      (n) => n > loadsBefore,
    );
    await handle.signal(extendSignal, 2);
    const plans = await eventually(
      () => handle.query(stepPlansQuery),
      (p) => p[p.length - 1].due === endOfDay('2026-12-16'),
      10_000,
    );
    expect(plans[plans.length - 1].due).toBe(endOfDay('2026-12-16'));
    await handle.signal(finishSignal);
    expect(await handle.result()).toBe('done');
  });
});
