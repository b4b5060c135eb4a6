import { Column, Entity, PrimaryColumn } from 'typeorm';
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
export class RectificationCase {
  /** Also names the Temporal workflow (`rectification-<id>`). */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  /** 整改编号. */
  @Column({ name: 'case_no', type: 'text' })
  caseNo!: string;

  /** SHA-256 of the query code given once for the subject's look-up and reports without login. */
  @Column({ name: 'query_code_hash', type: 'text', nullable: true })
  queryCodeHash!: string | null;

  /** The department's Idempotency-Key of the order (unique per department). */
  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  @Column({ name: 'request_hash', type: 'text', nullable: true })
  requestHash!: string | null;

  @Column({ type: 'text' })
  jurisdiction!: string;

  @Column({ name: 'policy_version', type: 'integer' })
  policyVersion!: number;

  /** The identifying department (认定部门): the record's department, or the list entry's. */
  @Column({ type: 'text' })
  department!: string;

  @Column({ name: 'subject_code', type: 'text' })
  subjectCode!: string;

  @Column({ name: 'subject_name', type: 'text' })
  subjectName!: string;

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

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  /** Revision of the stored snapshot; 0 until the workflow has published. */
  @Column({ type: 'integer', default: 0 })
  revision!: number;

  @Column({ type: 'jsonb', nullable: true })
  snapshot!: RectificationView | null;

  @Column({ name: 'workflow_started_at', type: 'timestamptz', nullable: true })
  workflowStartedAt!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
