import { Column, Entity } from 'typeorm';
import { CaseRowColumns } from '../case/case-row-columns';
import type {
  RectificationStage,
  RectificationStatus,
  RectificationView,
} from '../../../../workflows/rectification/types';

/**
 * Read model of one rectification (限期整改、约谈). The workflow is the source of truth; the case
 * kit's publication keeps this row at its newest revision, so supervisors list and count by
 * status, stage, department and overdue, the subject follows it with its query code, and the
 * repair procedure finds rectifications verified as done (activities/rectification).
 */
@Entity({ name: 'rectification_case' })
export class RectificationCase extends CaseRowColumns<RectificationView> {
  /** The identifying department (认定部门): the record's department, or the list entry's. */
  @Column({ type: 'text' })
  department!: string;

  @Column({ name: 'subject_kind', type: 'text' })
  subjectKind!: string;

  /** `record` or `list-entry`. */
  @Column({ name: 'basis_kind', type: 'text' })
  basisKind!: 'record' | 'list-entry';

  /** The dishonesty record (also the record a 重点关注 entry rests on). */
  @Column({ name: 'record_id', type: 'text', nullable: true })
  recordId!: string | null;

  @Column({ name: 'list_entry_id', type: 'text', nullable: true })
  listEntryId!: string | null;

  @Column({ type: 'text' })
  status!: RectificationStatus;

  @Column({ type: 'text' })
  stage!: RectificationStage;

  /** The subject's current deadline, while one runs. */
  @Column({ name: 'term_due_at', type: 'timestamptz', nullable: true })
  termDueAt!: Date | null;

  /** The earliest open deadline (the subject's or a step of the department or the supervisor). */
  @Column({ name: 'next_due_at', type: 'timestamptz', nullable: true })
  nextDueAt!: Date | null;

  @Column({ type: 'boolean', default: false })
  overdue!: boolean;

  @Column({ name: 'escalation_level', type: 'integer', default: 0 })
  escalationLevel!: number;

  @Column({ name: 'interviews_held', type: 'integer', default: 0 })
  interviewsHeld!: number;

  @Column({ name: 'rectified_at', type: 'timestamptz', nullable: true })
  rectifiedAt!: Date | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
