import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import request from 'supertest';
import { createActivities } from '../../activities';
import { OpenDeadline } from '../../infra/database/entities';
import { DevServerHandle, start } from '../../infra/temporal-dev-server';
import { startTestApi, TestApi } from '../support/api';

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a calendar change reaches open cases', () => {
  let server: DevServerHandle;
  let connection: Connection;
  let api: TestApi;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    server = await start({ port: 0 });
    connection = await Connection.connect({ address: server.address });
    api = await startTestApi({ temporal: new Client({ connection }), temporalAddress: server.address });
    worker = await Worker.create({
      connection: await NativeConnection.connect({ address: server.address }),
      taskQueue: 'deadlines',
      workflowsPath: require.resolve('./workflows'),
      activities: createActivities({ dataSource: api.dataSource }),
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await api?.close();
    await connection?.close();
    await server?.stop();
  });

  const openDeadline = (workflowId: string) =>
    api.dataSource.getRepository(OpenDeadline).findOneBy({ workflowId, step: 'verify' });

  it('re-arms a provisional deadline when an admin declares the year, and clears it when the step is done', async () => {
    const client = new Client({ connection });
    // Received Thu 2027-02-04; 3 working days. 2027 is not published: only the statutory
    // Spring Festival days (02-05 eve to 02-08 初三) count as off → due Thu 02-11, provisional.
    const handle = await client.workflow.start('stepWithDeadline', {
      taskQueue: 'deadlines',
      workflowId: 'case-2027-1',
      args: ['2027-02-04T10:00:00+08:00', 3],
    });
    const before = await eventually(
      () => openDeadline(handle.workflowId),
      (d) => d !== null,
    );
    expect(before).toMatchObject({ provisional: true });
    expect(before!.dueAt.toISOString()).toBe('2027-02-11T15:59:59.999Z');

    // The State Council publishes 2027: 02-05 to 02-11 off.
    const res = await request(api.app.getHttpServer())
      .put('/api/calendar/2027')
      .set(api.auth(['admin']))
      .send({
        holidays: [
          '2027-02-05',
          '2027-02-06',
          '2027-02-07',
          '2027-02-08',
          '2027-02-09',
          '2027-02-10',
          '2027-02-11',
        ],
        makeupWorkdays: [],
        reason: '国务院办公厅关于2027年部分节假日安排的通知（测试）',
      })
      .expect(200);
    expect(res.body.notifiedWorkflows).toBe(1);

    const after = await eventually(
      () => openDeadline(handle.workflowId),
      (d) => d !== null && !d.provisional,
    );
    expect(after!.dueAt.toISOString()).toBe('2027-02-16T15:59:59.999Z'); // Fri 02-12, Mon 02-15, Tue 02-16
    const seen = await handle.query<{ due: string; provisional: boolean }[]>('deadlines');
    expect(seen).toEqual([
      { due: '2027-02-11T15:59:59.999Z', provisional: true },
      { due: '2027-02-16T15:59:59.999Z', provisional: false },
    ]);

    await handle.signal('finish');
    expect(await handle.result()).toBe('done');
    expect(await openDeadline(handle.workflowId)).toBeNull();
  });
});
