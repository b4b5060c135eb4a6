import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Append-only audit trail of every authenticated API request: who (sub, roles, department,
 * jurisdiction) did or looked at what, when, and with which result. The table refuses UPDATE and
 * DELETE (trigger in the migration), so it can be relied on in 督查考核 and data-protection reviews.
 */
@Entity({ name: 'audit_event' })
@Index(['actorSub', 'occurredAt'])
export class AuditEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt!: Date;

  @Column({ name: 'actor_sub', type: 'text' })
  actorSub!: string;

  @Column({ name: 'actor_roles', type: 'text', array: true })
  actorRoles!: string[];

  @Column({ type: 'text', nullable: true })
  department!: string | null;

  @Column({ type: 'text', nullable: true })
  jurisdiction!: string | null;

  @Column({ type: 'text' })
  method!: string;

  @Column({ type: 'text' })
  path!: string;

  @Column({ name: 'status_code', type: 'integer' })
  statusCode!: number;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId!: string | null;
}
