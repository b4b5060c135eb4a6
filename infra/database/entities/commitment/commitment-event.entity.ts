import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** One entry of a commitment's timeline (签署, 核查, 补交, 提醒, 督办, 违约 …), append-only. */
@Entity({ name: 'commitment_event' })
@Unique(['caseId', 'seq'])
export class CommitmentEvent {
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

  @Column({ type: 'text' })
  summary!: string;

  @Column({ type: 'jsonb' })
  detail!: Record<string, unknown>;
}
