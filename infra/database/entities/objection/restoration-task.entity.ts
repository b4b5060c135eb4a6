import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const RESTORATION_TASK_STATUSES = ['open', 'done'] as const;
export type RestorationTaskStatus = (typeof RESTORATION_TASK_STATUSES)[number];

/**
 * 恢复信誉、消除不良影响: the department that applied a punishment wrongly must restore the
 * subject's standing. One task per objection case (a retried activity finds the one it opened).
 */
@Entity({ name: 'restoration_task' })
export class RestorationTask {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'case_id', type: 'text' })
  caseId!: string;

  @Column({ name: 'case_no', type: 'text' })
  caseNo!: string;

  @Column({ name: 'record_id', type: 'text' })
  recordId!: string;

  @Column({ name: 'subject_code', type: 'text' })
  subjectCode!: string;

  @Column({ name: 'subject_name', type: 'text' })
  subjectName!: string;

  /** The department that applied the punishment (the record's provider). */
  @Column({ type: 'text' })
  department!: string;

  @Column({ name: 'lifted_measure_ids', type: 'text', array: true })
  liftedMeasureIds!: string[];

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'text' })
  status!: RestorationTaskStatus;

  @Column({ name: 'opened_by', type: 'text' })
  openedBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'done_at', type: 'timestamptz', nullable: true })
  doneAt!: Date | null;

  @Column({ name: 'done_by', type: 'text', nullable: true })
  doneBy!: string | null;
}
