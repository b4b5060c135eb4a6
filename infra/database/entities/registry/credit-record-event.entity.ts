import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** One lifecycle event of a credit record: who, when, why, from which status to which. Append-only. */
@Entity({ name: 'credit_record_event' })
@Unique(['recordId', 'seq'])
export class CreditRecordEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'record_id', type: 'uuid' })
  recordId!: string;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'timestamptz' })
  at!: Date;

  /** 'register' or a RecordAction. */
  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'from_status', type: 'text', nullable: true })
  fromStatus!: string | null;

  @Column({ name: 'to_status', type: 'text' })
  toStatus!: string;

  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'text' })
  reason!: string;

  /** The case the change belongs to (objection, repair …), if any. */
  @Column({ name: 'case_ref', type: 'text', nullable: true })
  caseRef!: string | null;

  @Column({ type: 'jsonb' })
  detail!: Record<string, unknown>;
}
