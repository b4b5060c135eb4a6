import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * The first answer to an action sent with an Idempotency-Key (apps/api/cases/action-idempotency.ts):
 * who sent it (`scope`), the key, the hash of what was sent (method, path, body), and — once the
 * action has answered — the status and the JSON body of that answer, replayed to every repeat.
 * A row without status is an action still running.
 */
@Entity({ name: 'idempotent_action' })
export class IdempotentActionAnswer {
  /** The caller: a hash of the token's subject, department and jurisdiction, or `public`. */
  @PrimaryColumn({ type: 'text' })
  scope!: string;

  @PrimaryColumn({ name: 'idempotency_key', type: 'text' })
  idempotencyKey!: string;

  @Column({ name: 'request_hash', type: 'text' })
  requestHash!: string;

  /** HTTP status of the first answer; null while the action runs. */
  @Column({ type: 'integer', nullable: true })
  status!: number | null;

  /** The first answer's body as sent (JSON text, key order kept). */
  @Column({ type: 'text', nullable: true })
  body!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt!: Date | null;
}
