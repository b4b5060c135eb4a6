import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { createActivities } from '../../activities';
import {
  HttpWebhookPlatformAdapter,
  LocalSinkPlatformAdapter,
  PlatformAdapter,
  PlatformMessage,
} from '../../activities/platform/adapters';
import { createPlatformOutboxActivities } from '../../activities/platform/push';
import { createRegistry, Registry } from '../../activities/registry';
import { openDatabase } from '../../infra/database/data-source';
import { PlatformOutbox, PlatformSink } from '../../infra/database/entities/registry';
import { usccCheckCharacter } from '../../workflows/registry/identifiers';
import { createTestDatabase } from '../support/database';

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);

/** A platform that is down for the first `failures` deliveries, then accepts. */
class FlakyPlatform implements PlatformAdapter {
  received: PlatformMessage[] = [];
  constructor(public failures: number) {}
  async deliver(message: PlatformMessage): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('信用平台暂时无法连接');
    }
    this.received.push(message);
  }
}

describe('platform outbox and pushPlatformOutbox activity', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  let registry: Registry;
  const subject = uscc('52410422MJ0000501');
  let n = 0;

  beforeAll(async () => {
    db = await createTestDatabase('outbox');
    dataSource = await openDatabase(db.url);
    registry = createRegistry(dataSource);
    await registry.subjects.register({
      kind: 'other-organisation',
      code: subject,
      name: '叶县推送测试协会',
      actor: 't',
    });
  });
  beforeEach(async () => {
    // Each test starts with nothing pending (the outbox is drained into the local sink).
    await createPlatformOutboxActivities({
      dataSource,
      adapter: new LocalSinkPlatformAdapter(dataSource),
    }).pushPlatformOutbox();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  async function changedRecord(action: 'revoke' | 'repair' = 'revoke'): Promise<string> {
    const { record } = await registry.records.register({
      subjectCode: subject,
      kind: 'administrative-penalty',
      department: '叶县民政局',
      documentNo: `叶民罚〔2026〕${++n}号`,
      decisionDate: '2026-01-10',
      title: '违规',
      content: '警告',
      actor: 'p',
    });
    await registry.records.transition(record.id, action, { actor: 'p', reason: '理由' });
    return record.id;
  }

  const pending = () =>
    dataSource.getRepository(PlatformOutbox).find({ where: { status: 'pending' }, order: { id: 'ASC' } });

  it('delivers pending rows into the local sink by default and marks them delivered once', async () => {
    const recordId = await changedRecord('repair');
    const { pushPlatformOutbox } = createActivities({ dataSource });
    await expect(pushPlatformOutbox()).resolves.toEqual({ delivered: 1, pending: 0 });
    const row = await dataSource.getRepository(PlatformOutbox).findOneByOrFail({ aggregateId: recordId });
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, lastError: null });
    expect(row.deliveredAt).toBeInstanceOf(Date);
    const sink = await dataSource.getRepository(PlatformSink).findOneByOrFail({ outboxId: row.id });
    expect(sink).toMatchObject({
      eventType: 'record.repaired',
      payload: expect.objectContaining({ recordId, status: 'repaired' }),
    });
    await expect(pushPlatformOutbox()).resolves.toEqual({ delivered: 0, pending: 0 });
    expect(await dataSource.getRepository(PlatformSink).countBy({ outboxId: row.id })).toBe(1);
  });

  it('keeps rows pending with the error while the platform is down, and delivers them in order afterwards', async () => {
    const first = await changedRecord();
    const second = await changedRecord();
    const platform = new FlakyPlatform(2);
    const { pushPlatformOutbox } = createPlatformOutboxActivities({ dataSource, adapter: platform });

    await expect(pushPlatformOutbox()).rejects.toThrow('信用平台暂时无法连接');
    let rows = await pending();
    expect(rows.map((r) => [r.aggregateId, r.attempts, r.lastError])).toEqual([
      [first, 1, '信用平台暂时无法连接'],
      [second, 0, null],
    ]);
    await expect(pushPlatformOutbox()).rejects.toThrow();
    rows = await pending();
    expect(rows.map((r) => r.attempts)).toEqual([2, 0]);
    expect(platform.received).toEqual([]);

    await expect(pushPlatformOutbox()).resolves.toEqual({ delivered: 2, pending: 0 });
    expect(platform.received.map((m) => m.aggregateId)).toEqual([first, second]);
    const delivered = await dataSource.getRepository(PlatformOutbox).findOneByOrFail({ aggregateId: first });
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 3, lastError: null });
  });

  it('stops at the first failure so a later change never overtakes an earlier one', async () => {
    const first = await changedRecord();
    const second = await changedRecord();
    const platform: PlatformAdapter & { seen: string[] } = {
      seen: [],
      async deliver(m) {
        this.seen.push(m.aggregateId);
        if (m.aggregateId === first) throw new Error('拒收');
      },
    };
    await expect(
      createPlatformOutboxActivities({ dataSource, adapter: platform }).pushPlatformOutbox(),
    ).rejects.toThrow('拒收');
    expect(platform.seen).toEqual([first]);
    expect((await pending()).map((r) => r.aggregateId)).toEqual([first, second]);
  });

  it('pushes through the HTTP webhook with an idempotency key, and treats a non-2xx answer as not delivered', async () => {
    const requests: { headers: IncomingMessage['headers']; body: PlatformMessage }[] = [];
    let status = 503;
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        requests.push({ headers: req.headers, body: JSON.parse(body) });
        res.writeHead(status).end(status === 503 ? '维护中' : 'ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/credit-platform/changes`;
      const recordId = await changedRecord();
      const { pushPlatformOutbox } = createPlatformOutboxActivities({
        dataSource,
        adapter: new HttpWebhookPlatformAdapter({ url, headers: { authorization: 'Bearer platform-token' } }),
      });
      await expect(pushPlatformOutbox()).rejects.toThrow(/HTTP 503.*维护中/);
      expect((await pending()).map((r) => r.aggregateId)).toEqual([recordId]);
      status = 200;
      await expect(pushPlatformOutbox()).resolves.toEqual({ delivered: 1, pending: 0 });
      expect(requests).toHaveLength(2);
      expect(requests[1].headers).toMatchObject({
        'content-type': 'application/json',
        authorization: 'Bearer platform-token',
        'idempotency-key': `platform-outbox-${requests[1].body.id}`,
      });
      expect(requests[1].body).toMatchObject({ eventType: 'record.revoked', aggregateId: recordId });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('keeps rows pending when the webhook cannot be reached at all', async () => {
    await changedRecord();
    const { pushPlatformOutbox } = createPlatformOutboxActivities({
      dataSource,
      adapter: new HttpWebhookPlatformAdapter({ url: 'http://127.0.0.1:1/unreachable', timeoutMs: 2000 }),
    });
    await expect(pushPlatformOutbox()).rejects.toThrow();
    expect(await pending()).toHaveLength(1);
  });
});
