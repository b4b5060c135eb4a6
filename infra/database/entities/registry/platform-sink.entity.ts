import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Embedded stand-in for the shared credit platform: what it would have received, once per outbox row. */
@Entity({ name: 'platform_sink' })
export class PlatformSink {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'outbox_id', type: 'bigint', unique: true })
  outboxId!: string;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;
}
