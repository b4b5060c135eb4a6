import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Append-only audit trail of every authenticated API request: who (sub, roles, department,
 * jurisdiction) did or looked at what, why (matter), about whom (subject), when, and with which
 * result. The table refuses UPDATE and DELETE (trigger in the migration), and every row is linked
 * into a SHA-256 hash chain per jurisdiction (docs/audit.md), so a change made behind the
 * trigger's back — by a superuser — is detected by `npm run audit:verify`.
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

  /** Why (the matter the caller stated: X-Audit-Matter, or the endpoint's own matter field). */
  @Column({ type: 'text', nullable: true })
  matter!: string | null;

  /** Whose data or which case was read or changed, where the route names one (`subject:…`, `objection:…`). */
  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  /** The hash chain the row belongs to: the actor's jurisdiction, '' for callers without one. */
  @Column({ type: 'text' })
  chain!: string;

  /** Position in the chain, 1, 2, 3 … without gaps. */
  @Column({ name: 'chain_seq', type: 'bigint' })
  chainSeq!: string;

  /** The previous row's hash in the same chain (64 zeros for the first). */
  @Column({ name: 'prev_hash', type: 'text' })
  prevHash!: string;

  /** SHA-256 over the row's canonical serialisation and prev_hash (infra/database/audit-chain.ts). */
  @Column({ type: 'text' })
  hash!: string;
}

/** The newest row of each hash chain, advanced in the same transaction as the append. */
@Entity({ name: 'audit_chain_head' })
export class AuditChainHead {
  @PrimaryColumn({ type: 'text' })
  chain!: string;

  @Column({ name: 'last_seq', type: 'bigint', default: 0 })
  lastSeq!: string;

  @Column({ name: 'last_id', type: 'bigint', nullable: true })
  lastId!: string | null;

  @Column({ name: 'last_hash', type: 'text' })
  lastHash!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
