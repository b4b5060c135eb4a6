import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { PlatformEventType } from '../../../../workflows/registry/types';

/**
 * Changes the shared credit platform must learn, written in the same transaction as the change
 * and pushed later by the pushPlatformOutbox activity, in id order. Nothing is lost while the
 * platform is down: rows stay pending until the adapter accepts them.
 */
@Entity({ name: 'platform_outbox' })
export class PlatformOutbox {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: PlatformEventType;

  @Column({ name: 'aggregate_id', type: 'text' })
  aggregateId!: string;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ type: 'text', default: 'pending' })
  status!: 'pending' | 'delivered';

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true })
  lastAttemptAt!: Date | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;
}
