import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createActivities } from '../../activities';
import { CalendarStore } from '../../activities/calendar/calendar-store';
import { openDatabase } from '../../infra/database/data-source';
import { DevServerHandle, start } from '../../infra/temporal-dev-server';
import { calendarChangedSignal } from '../../workflows/case/step-clock';
import { createTestDatabase } from '../support/database';
import {
  extendableStep,
  extendSignal,
  finishSignal,
  resumeClockSignal,
  stepPlansQuery,
  stepSettledQuery,
  stopClockSignal,
} from './workflows';
import { eventually } from '../support/eventually';

const endOfDay = (date: string) => new Date(Date.parse(`${date}T23:59:59.999+08:00`)).toISOString();

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

  it('plans again when 补正 stops the clock while the calendar was loading, instead of failing the workflow task', async () => {
    // Found by the OpenAPI examples walk: a repair's 补正 request arrived while its step clock
    // re-planned; the plan was made on the case's live list of clock stops, met the new open stop
    // and threw, and the workflow task failed on every retry (the case stuck in 补正).
    const client = new Client({ connection });
    const handle = await client.workflow.start(extendableStep, {
      taskQueue: 'step-clock',
      workflowId: `stopped-${Date.now()}`,
      args: ['2026-12-07T10:00:00+08:00'],
    });
    await eventually(
      () => handle.query(stepPlansQuery),
      (p) => p.length === 1,
    );
    const loadsBefore = calendarLoads;
    await handle.signal(calendarChangedSignal, { years: [2026] });
    await eventually(
      async () => calendarLoads,
      (n) => n > loadsBefore,
    );
    // Stopped Tue 12-08 and resumed Thu 12-10: those three days do not count → due Thu 12-17.
    await handle.signal(stopClockSignal, '2026-12-08T09:00:00+08:00');
    // The loaded calendar is planned with, and the clock then holds (without the fix: the task fails).
    await eventually(
      () => handle.query(stepSettledQuery),
      (settled) => settled,
      10_000,
    );
    await handle.signal(resumeClockSignal, '2026-12-10T09:00:00+08:00');
    const plans = await eventually(
      () => handle.query(stepPlansQuery),
      (p) => p[p.length - 1].due === endOfDay('2026-12-17'),
      10_000,
    );
    expect(plans[plans.length - 1].due).toBe(endOfDay('2026-12-17'));
    await handle.signal(finishSignal);
    expect(await handle.result()).toBe('done');
  });
});
