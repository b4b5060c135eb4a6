import type { DataSource } from 'typeorm';
import { Notification, NotificationChannel } from '../../infra/database/entities/notification.entity';
import type { NotificationAdapter } from './adapters';

export interface NotifyInput {
  /** Same key, same notification: a retried activity never sends twice. */
  dedupeKey: string;
  channel: NotificationChannel;
  recipient: string;
  caseId?: string;
  kind: string;
  title: string;
  body: string;
}

export interface NotifyResult {
  id: string;
  status: 'sent' | 'already-sent';
}

/**
 * Stores the notification first (so it is never lost), then hands it to the channel's adapter
 * and marks it sent. A delivery failure is recorded on the row and rethrown for Temporal to retry.
 */
export function createNotificationActivities(deps: {
  dataSource: DataSource;
  adapters: Partial<Record<NotificationChannel, NotificationAdapter>>;
  fallback: NotificationAdapter;
}) {
  const repo = () => deps.dataSource.getRepository(Notification);

  async function notify(input: NotifyInput): Promise<NotifyResult> {
    await repo()
      .createQueryBuilder()
      .insert()
      .values({
        dedupeKey: input.dedupeKey,
        channel: input.channel,
        recipient: input.recipient,
        caseId: input.caseId ?? null,
        kind: input.kind,
        title: input.title,
        body: input.body,
      })
      .orIgnore()
      .execute();
    const row = await repo().findOneByOrFail({ dedupeKey: input.dedupeKey });
    if (row.status === 'sent') return { id: row.id, status: 'already-sent' };

    const adapter = deps.adapters[row.channel] ?? deps.fallback;
    try {
      await adapter.deliver(row);
    } catch (err) {
      await repo().update(
        { id: row.id },
        { attempts: () => 'attempts + 1', lastError: err instanceof Error ? err.message : String(err) },
      );
      throw err;
    }
    await repo().update(
      { id: row.id },
      { status: 'sent', sentAt: new Date(), attempts: () => 'attempts + 1' },
    );
    return { id: row.id, status: 'sent' };
  }

  return { notify };
}
