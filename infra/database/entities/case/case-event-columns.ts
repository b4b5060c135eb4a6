import { Column, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The columns of a procedure's timeline table (`<procedure>_event`): one row per entry of the
 * case kit's timeline, appended once by `(case_id, seq)`. A procedure's event entity extends
 * this class and names its table (`@Entity({ name })`, `@Unique(['caseId', 'seq'])`).
 */
export abstract class CaseEventColumns {
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
