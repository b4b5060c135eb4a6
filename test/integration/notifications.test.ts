import type { DataSource } from 'typeorm';
import type { NotificationAdapter, OutgoingNotification } from '../../activities/notifications/adapters';
import { createNotificationActivities } from '../../activities/notifications/notifications';
import { openDatabase } from '../../infra/database/data-source';
import { Notification } from '../../infra/database/entities';
import { createTestDatabase } from '../support/database';

class RecordingAdapter implements NotificationAdapter {
  delivered: OutgoingNotification[] = [];
  failNext = 0;
  async deliver(n: OutgoingNotification): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('短信网关不可用');
    }
    this.delivered.push(n);
  }
}

describe('notify activity', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  let sms: RecordingAdapter;
  let fallback: RecordingAdapter;
  let notify: ReturnType<typeof createNotificationActivities>['notify'];

  beforeAll(async () => {
    db = await createTestDatabase('notify');
    dataSource = await openDatabase(db.url);
  });
  beforeEach(() => {
    sms = new RecordingAdapter();
    fallback = new RecordingAdapter();
    ({ notify } = createNotificationActivities({ dataSource, adapters: { sms }, fallback }));
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  const input = (key: string) => ({
    dedupeKey: key,
    channel: 'sms' as const,
    recipient: '13800000000',
    caseId: 'objection-1',
    kind: 'objection.step.reminder',
    title: '异议核查即将到期',
    body: '您有一件异议核查将于 2026年10月9日 到期，请及时办理。',
  });

  it('stores the notification and delivers it through the channel adapter once', async () => {
    const first = await notify(input('k1'));
    const again = await notify(input('k1'));
    expect(first.status).toBe('sent');
    expect(again).toEqual({ id: first.id, status: 'already-sent' });
    expect(sms.delivered).toHaveLength(1);
    const row = await dataSource.getRepository(Notification).findOneByOrFail({ id: first.id });
    expect(row).toMatchObject({ status: 'sent', attempts: 1, caseId: 'objection-1', lastError: null });
    expect(row.sentAt).toBeInstanceOf(Date);
  });

  it('keeps a failed delivery pending with its error, and sends it when retried', async () => {
    sms.failNext = 1;
    await expect(notify(input('k2'))).rejects.toThrow('短信网关不可用');
    const pending = await dataSource.getRepository(Notification).findOneByOrFail({ dedupeKey: 'k2' });
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, lastError: '短信网关不可用' });
    await expect(notify(input('k2'))).resolves.toMatchObject({ status: 'sent' });
    expect(sms.delivered).toHaveLength(1);
    const sent = await dataSource.getRepository(Notification).findOneByOrFail({ dedupeKey: 'k2' });
    expect(sent).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('uses the fallback adapter for channels without their own', async () => {
    await notify({ ...input('k3'), channel: 'internal', recipient: 'supervisor@信用办' });
    expect(fallback.delivered.map((n) => n.recipient)).toEqual(['supervisor@信用办']);
    expect(sms.delivered).toHaveLength(0);
  });
});
