import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createActivities } from '../../activities';
import { createRegistry } from '../../activities/registry';
import { openDatabase } from '../../infra/database/data-source';
import { Notification } from '../../infra/database/entities';
import {
  AppliedMeasure,
  CreditRecord,
  ListEntry,
  PlatformOutbox,
  PlatformSink,
} from '../../infra/database/entities/registry';
import { DevServerHandle, start } from '../../infra/temporal-dev-server';
import { usccCheckCharacter } from '../../workflows/registry/identifiers';
import { createTestDatabase } from '../support/database';
import { eventually } from '../support/eventually';

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

  it('takes a subject off a list when the entry’s validity ends, pushes the exit and tells the executing department', async () => {
    const registry = createRegistry(dataSource);
    const first17 = '52410422MJ0000778';
    const subjectCode = first17 + usccCheckCharacter(first17);
    await registry.subjects.register({
      kind: 'other-organisation',
      code: subjectCode,
      name: '到期测试协会',
      actor: 't',
    });
    const { entry } = await registry.lists.addEntry({
      subjectCode,
      listType: 'black',
      domain: '民政',
      listName: '社会组织严重违法失信名单',
      department: '叶县民政局',
      basis: '认定',
      effectiveFrom: '2023-01-01',
      expiresOn: '2099-01-01',
      actor: 'p',
    });
    await registry.measures.define({
      code: 'CJ-MAINT-1',
      name: '从严审核',
      kind: 'punishment',
      legalBasis: '备忘录',
      applicableLists: ['black'],
      publishedOn: '2023-01-01',
      actor: 'admin',
    });
    const { applied } = await registry.measures.apply({
      subjectCode,
      measureCode: 'CJ-MAINT-1',
      matter: '年检',
      executingDepartment: '叶县民政局行政审批股',
      listEntryId: entry.id,
      actor: 'cw',
    });
    // The validity ended yesterday (a measure can only be applied to an entry in force).
    await dataSource.query(`UPDATE credit_list_entry SET expires_on = current_date - 1 WHERE id = $1`, [
      entry.id,
    ]);

    const handle = await client.workflow.start('registryMaintenance', {
      taskQueue: 'maintenance',
      workflowId: 'registry-maintenance-list-exit',
      args: [{ pushEveryMs: 200 }],
    });
    const exited = await eventually(
      () => dataSource.getRepository(ListEntry).findOneByOrFail({ id: entry.id }),
      (e) => e.exitedOn !== null,
    );
    expect(exited.exitCause).toBe('expired');
    expect((await dataSource.getRepository(AppliedMeasure).findOneByOrFail({ id: applied.id })).status).toBe(
      'lifted',
    );
    const sink = await eventually(
      () => dataSource.getRepository(PlatformSink).find(),
      (rows) => rows.some((r) => r.eventType === 'list.exited' && r.payload.entryId === entry.id),
    );
    expect(sink.filter((r) => r.payload.entryId === entry.id).map((r) => r.eventType)).toEqual([
      'list.exited',
    ]);
    const notice = await eventually(
      () =>
        dataSource
          .getRepository(Notification)
          .findOneByOrFail({ dedupeKey: `list-exit:${entry.id}:叶县民政局行政审批股` }),
      (n) => n.status === 'sent',
    );
    expect(notice).toMatchObject({ recipient: 'supervisor@叶县民政局行政审批股', channel: 'internal' });
    await handle.terminate('test finished');
  });
});
