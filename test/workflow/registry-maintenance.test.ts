import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createActivities } from '../../activities';
import { createRegistry } from '../../activities/registry';
import { openDatabase } from '../../infra/database/data-source';
import { CreditRecord, PlatformOutbox, PlatformSink } from '../../infra/database/entities/registry';
import { DevServerHandle, start } from '../../infra/temporal-dev-server';
import { usccCheckCharacter } from '../../workflows/registry/identifiers';
import { createTestDatabase } from '../support/database';

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('registry maintenance workflow (the system acts, nobody has to look)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  let server: DevServerHandle;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    db = await createTestDatabase('maint');
    dataSource = await openDatabase(db.url);
    server = await start({ port: 0 });
    client = new Client({ connection: await Connection.connect({ address: server.address }) });
    worker = await Worker.create({
      connection: await NativeConnection.connect({ address: server.address }),
      taskQueue: 'maintenance',
      workflowsPath: require.resolve('../../workflows'),
      activities: createActivities({ dataSource }),
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await client?.connection.close();
    await server?.stop();
    await dataSource?.destroy();
    await db?.drop();
  });

  it('pushes revocations to the platform and ends publicity at its maximum period by itself', async () => {
    const registry = createRegistry(dataSource);
    const code = '52410422MJ0000777';
    await registry.subjects.register({
      kind: 'other-organisation',
      code: code + usccCheckCharacter(code),
      name: '维护测试协会',
      actor: 't',
    });
    const subjectCode = code + usccCheckCharacter(code);
    const revoked = await registry.records.register({
      subjectCode,
      kind: 'administrative-penalty',
      department: '叶县民政局',
      documentNo: '叶民罚〔2026〕901号',
      decisionDate: '2026-01-10',
      title: '违规',
      content: '警告',
      actor: 'p',
    });
    await registry.records.transition(revoked.record.id, 'revoke', { actor: 'p', reason: '经核实信息有误' });
    const lapsed = await registry.records.register({
      subjectCode,
      kind: 'administrative-penalty',
      department: '叶县民政局',
      documentNo: '叶民罚〔2023〕17号',
      decisionDate: '2023-03-01',
      title: '违规',
      content: '罚款',
      publicityStart: '2023-03-05',
      publicityMaxEnd: '2026-03-05',
      actor: 'p',
    });
    expect(await dataSource.getRepository(PlatformOutbox).countBy({ status: 'pending' })).toBeGreaterThan(0);

    const handle = await client.workflow.start('registryMaintenance', {
      taskQueue: 'maintenance',
      workflowId: 'registry-maintenance',
      args: [{ pushEveryMs: 200 }],
    });
    const expired = await eventually(
      () => dataSource.getRepository(CreditRecord).findOneByOrFail({ id: lapsed.record.id }),
      (r) => r.status === 'expired',
    );
    expect(expired.status).toBe('expired');
    // The expiry itself is a platform change: it is pushed on the next round.
    await eventually(
      () => dataSource.getRepository(PlatformOutbox).countBy({ status: 'pending' }),
      (pending) => pending === 0,
    );
    const sink = await dataSource.getRepository(PlatformSink).find();
    expect(sink.map((s) => s.eventType).sort()).toEqual(
      expect.arrayContaining([expect.stringMatching(/revok/), expect.stringMatching(/expir/)]),
    );
    await handle.terminate('test finished');
  });
});
