import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { RecordKind, RecordStatus } from '../../../../workflows/registry/types';

/**
 * A credit record (信用记录) as provided by a department. Unique on (department, document_no):
 * registering the same decision twice returns the first. Status changes only through the
 * lifecycle in workflows/registry/record-lifecycle.ts, each appended to credit_record_event.
 */
@Entity({ name: 'credit_record' })
export class CreditRecord {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'subject_id', type: 'uuid' })
  subjectId!: string;

  @Column({ type: 'text' })
  kind!: RecordKind;

  /** Providing / identifying department (信息提供单位、认定部门). */
  @Column({ type: 'text' })
  department!: string;

  /** Decision document number (决定文书号), e.g. 叶民罚决字〔2025〕3号. */
  @Column({ name: 'document_no', type: 'text' })
  documentNo!: string;

  @Column({ name: 'decision_date', type: 'date' })
  decisionDate!: string;

  @Column({ name: 'conduct_ended_on', type: 'date', nullable: true })
  conductEndedOn!: string | null;

  /** The provider's severity tier as given (轻微/一般/较重/严重 …); the policy module maps it. */
  @Column({ name: 'severity_tier', type: 'text', nullable: true })
  severityTier!: string | null;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  content!: string;

  /** First day of publicity; null = not published (e.g. 轻微 records). */
  @Column({ name: 'publicity_start', type: 'date', nullable: true })
  publicityStart!: string | null;

  @Column({ name: 'publicity_min_end', type: 'date', nullable: true })
  publicityMinEnd!: string | null;

  @Column({ name: 'publicity_max_end', type: 'date', nullable: true })
  publicityMaxEnd!: string | null;

  @Column({ name: 'retention_end', type: 'date', nullable: true })
  retentionEnd!: string | null;

  @Column({ type: 'text' })
  status!: RecordStatus;

  /** Statuses interrupted by a suspension (disputed, hidden), innermost last. */
  @Column({ name: 'resume_statuses', type: 'text', array: true })
  resumeStatuses!: RecordStatus[];

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'registered_by', type: 'text' })
  registeredBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
