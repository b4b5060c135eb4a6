import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** One entry of a case's timeline (受理, 补正, 转办, 提醒, 督办, 答复, 告知 ...), append-only. */
@Entity({ name: 'objection_event' })
@Unique(['caseId', 'seq'])
export class ObjectionEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'case_id', type: 'text' })
  caseId!: string;

  /** Position in the workflow's timeline: makes writes idempotent under activity retries. */
  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  actor!: string;

  /** What happened, in words a supervisor reads. */
  @Column({ type: 'text' })
  summary!: string;

  @Column({ type: 'jsonb' })
  detail!: Record<string, unknown>;
}
