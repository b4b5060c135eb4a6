import type { EntityManager } from 'typeorm';
import { PlatformOutbox } from '../../infra/database/entities/registry';
import type { PlatformEventType } from '../../workflows/registry/types';

export interface PlatformChange {
  eventType: PlatformEventType;
  aggregateId: string;
  payload: Record<string, unknown>;
}

/**
 * Writes a change for the shared credit platform into the outbox. Call it with the manager of
 * the transaction that makes the change: both commit together or neither does.
 */
export async function enqueuePlatformChange(manager: EntityManager, change: PlatformChange): Promise<void> {
  const outbox = manager.getRepository(PlatformOutbox);
  await outbox.save(
    outbox.create({ eventType: change.eventType, aggregateId: change.aggregateId, payload: change.payload }),
  );
}
