import type { DataSource } from 'typeorm';

/** One outbox row as handed to the platform. `id` is the idempotency key for the receiver. */
export interface PlatformMessage {
  id: string;
  eventType: string;
  aggregateId: string;
  createdAt: string;
  payload: Record<string, unknown>;
}

/**
 * Delivers one change to the shared credit platform (信用信息共享平台). Resolving means the
 * platform accepted it; throwing means it did not, and the row stays pending for the next push.
 */
export interface PlatformAdapter {
  deliver(message: PlatformMessage): Promise<void>;
}

/**
 * HTTP webhook: POSTs the message as JSON; any 2xx is acceptance. Sends the outbox id as
 * Idempotency-Key, since a delivery whose answer was lost is sent again.
 */
export class HttpWebhookPlatformAdapter implements PlatformAdapter {
  constructor(
    private readonly options: { url: string; headers?: Record<string, string>; timeoutMs?: number },
  ) {}

  async deliver(message: PlatformMessage): Promise<void> {
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': `platform-outbox-${message.id}`,
        ...this.options.headers,
      },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw new Error(`信用平台拒收（HTTP ${response.status}）${text ? `：${text.slice(0, 200)}` : ''}`);
    }
  }
}

/**
 * The embedded default: a local `platform_sink` table stands in for the platform. Inserting the
 * same outbox id twice is a no-op, like an idempotent receiver.
 */
export class LocalSinkPlatformAdapter implements PlatformAdapter {
  constructor(private readonly dataSource: DataSource) {}

  async deliver(message: PlatformMessage): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO platform_sink (outbox_id, event_type, payload) VALUES ($1, $2, $3)
       ON CONFLICT (outbox_id) DO NOTHING`,
      [message.id, message.eventType, JSON.stringify(message.payload)],
    );
  }
}
