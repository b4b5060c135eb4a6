import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * History of an applied measure: applied, suspended, reinstated, lifted, and the executing
 * department's feedback (执行反馈). Append-only.
 */
@Entity({ name: 'credit_applied_measure_event' })
export class AppliedMeasureEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'applied_measure_id', type: 'uuid' })
  appliedMeasureId!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  /** apply | suspend | reinstate | lift | feedback */
  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'from_status', type: 'text', nullable: true })
  fromStatus!: string | null;

  @Column({ name: 'to_status', type: 'text' })
  toStatus!: string;

  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'text', nullable: true })
  department!: string | null;

  @Column({ type: 'text' })
  text!: string;

  @Column({ name: 'case_ref', type: 'text', nullable: true })
  caseRef!: string | null;
}
