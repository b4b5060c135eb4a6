import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A running workflow's open working-day deadline (see workflows/deadlines). */
@Entity({ name: 'open_deadline' })
export class OpenDeadline {
  @PrimaryColumn({ name: 'workflow_id', type: 'text' })
  workflowId!: string;

  @PrimaryColumn({ type: 'text' })
  step!: string;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt!: Date;

  @Column({ name: 'working_days', type: 'integer' })
  workingDays!: number;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt!: Date;

  /** The latest instant the step's plan depends on (its second-level escalation); at least `dueAt`. */
  @Column({ name: 'horizon_at', type: 'timestamptz' })
  horizonAt!: Date;

  @Column({ type: 'boolean' })
  provisional!: boolean;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
