import type { DataSource } from 'typeorm';
import { PlatformOutbox } from '../../infra/database/entities/registry';
import type { PlatformAdapter } from './adapters';

export interface PushPlatformOutboxInput {
  /** At most this many rows per call (default 100). */
  batchSize?: number;
}

export interface PushPlatformOutboxResult {
  delivered: number;
  /** Rows still pending after this call. */
  pending: number;
}

/**
 * The activity that drains the outbox to the credit platform, oldest first. A row is marked
 * delivered only after the adapter accepted it. On the first failure the push stops (so the
 * platform never sees a revocation before the correction that preceded it), records the
 * attempt and error on that row, and throws, so Temporal retries with backoff.
 * Concurrent pushes skip each other's locked rows.
 */
export function createPlatformOutboxActivities(deps: {
  dataSource: DataSource;
  adapter: PlatformAdapter;
  clock?: () => Date;
}) {
  const now = deps.clock ?? (() => new Date());

  async function pushPlatformOutbox(input: PushPlatformOutboxInput = {}): Promise<PushPlatformOutboxResult> {
    const batchSize = input.batchSize ?? 100;
    let delivered = 0;
    let failure: unknown;
    await deps.dataSource.transaction(async (m) => {
      const rows = await m
        .getRepository(PlatformOutbox)
        .createQueryBuilder('o')
        .where(`o.status = 'pending'`)
        .orderBy('o.id')
        .take(batchSize)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      for (const row of rows) {
        try {
          await deps.adapter.deliver({
            id: row.id,
            eventType: row.eventType,
            aggregateId: row.aggregateId,
            createdAt: row.createdAt.toISOString(),
            payload: row.payload,
          });
        } catch (err) {
          failure = err;
          await m.getRepository(PlatformOutbox).update(
            { id: row.id },
            {
              attempts: () => 'attempts + 1',
              lastAttemptAt: now(),
              lastError: err instanceof Error ? err.message : String(err),
            },
          );
          break;
        }
        await m.getRepository(PlatformOutbox).update(
          { id: row.id },
          {
            status: 'delivered',
            deliveredAt: now(),
            lastAttemptAt: now(),
            attempts: () => 'attempts + 1',
            lastError: null,
          },
        );
        delivered++;
      }
    });
    if (failure !== undefined) {
      throw failure instanceof Error ? failure : new Error(String(failure));
    }
    const pending = await deps.dataSource.getRepository(PlatformOutbox).countBy({ status: 'pending' });
    return { delivered, pending };
  }

  return { pushPlatformOutbox };
}
