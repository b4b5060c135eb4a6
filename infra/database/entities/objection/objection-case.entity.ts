import { Column, Entity, PrimaryColumn } from 'typeorm';
import type {
  Attachment,
  ObjectionChannel,
  ObjectionGround,
  ObjectionStatus,
  VerificationOutcome,
} from '../../../../workflows/objection/types';
import type { ObjectionView } from '../../../../workflows/objection/state';

/**
 * Read model of one objection case (异议案件). The workflow is the source of truth; activities
 * keep this row in step so supervisors can list, count and filter without asking Temporal.
 */
@Entity({ name: 'objection_case' })
export class ObjectionCase {
  /** Also the Temporal workflow id. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'case_no', type: 'text' })
  caseNo!: string;

  /**
   * SHA-256 of the query code given once to the applicant for the look-up without login (with the
   * subject code); null for cases started outside the API.
   */
  @Column({ name: 'query_code_hash', type: 'text', nullable: true })
  queryCodeHash!: string | null;

  /** The caseworker's Idempotency-Key of the creation request (unique per office department). */
  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  /** SHA-256 of the creation body: the same key with another body is a conflict. */
  @Column({ name: 'request_hash', type: 'text', nullable: true })
  requestHash!: string | null;

  /** Revision of the stored snapshot; 0 until the workflow has published. */
  @Column({ type: 'integer', default: 0 })
  revision!: number;

  /** The newest state the workflow published, without its timeline (that is objection_event). */
  @Column({ type: 'jsonb', nullable: true })
  snapshot!: ObjectionView | null;

  @Column({ type: 'text' })
  jurisdiction!: string;

  @Column({ name: 'policy_version', type: 'integer' })
  policyVersion!: number;

  @Column({ name: 'office_department', type: 'text' })
  officeDepartment!: string;

  @Column({ name: 'provider_department', type: 'text' })
  providerDepartment!: string;

  @Column({ name: 'subject_code', type: 'text' })
  subjectCode!: string;

  @Column({ name: 'subject_name', type: 'text' })
  subjectName!: string;

  @Column({ name: 'applicant_name', type: 'text' })
  applicantName!: string;

  @Column({ name: 'applicant_contact', type: 'text' })
  applicantContact!: string;

  @Column({ type: 'text' })
  channel!: ObjectionChannel;

  @Column({ name: 'record_id', type: 'text' })
  recordId!: string;

  @Column({ name: 'record_description', type: 'text' })
  recordDescription!: string;

  @Column({ type: 'text', array: true })
  grounds!: ObjectionGround[];

  @Column({ name: 'grounds_text', type: 'text' })
  groundsText!: string;

  @Column({ type: 'jsonb' })
  attachments!: Attachment[];

  @Column({ type: 'text' })
  status!: ObjectionStatus;

  @Column({ name: 'current_step', type: 'text', nullable: true })
  currentStep!: string | null;

  @Column({ name: 'step_due_at', type: 'timestamptz', nullable: true })
  stepDueAt!: Date | null;

  @Column({ name: 'case_due_at', type: 'timestamptz', nullable: true })
  caseDueAt!: Date | null;

  @Column({ name: 'due_provisional', type: 'boolean' })
  dueProvisional!: boolean;

  @Column({ type: 'boolean' })
  overdue!: boolean;

  @Column({ name: 'escalation_level', type: 'integer' })
  escalationLevel!: number;

  @Column({ type: 'text', nullable: true })
  assignee!: string | null;

  /** Department responsible for the current step (the office, or the provider while verifying). */
  @Column({ name: 'step_department', type: 'text', nullable: true })
  stepDepartment!: string | null;

  @Column({ name: 'step_started_at', type: 'timestamptz', nullable: true })
  stepStartedAt!: Date | null;

  @Column({ name: 'step_remind_at', type: 'timestamptz', nullable: true })
  stepRemindAt!: Date | null;

  @Column({ name: 'step_second_level_at', type: 'timestamptz', nullable: true })
  stepSecondLevelAt!: Date | null;

  @Column({ name: 'step_overdue_at', type: 'timestamptz', nullable: true })
  stepOverdueAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  outcome!: VerificationOutcome | null;

  @Column({ name: 'provider_opinion', type: 'text', nullable: true })
  providerOpinion!: string | null;

  @Column({ name: 'reply_letter', type: 'text', nullable: true })
  replyLetter!: string | null;

  @Column({ name: 'workflow_started_at', type: 'timestamptz', nullable: true })
  workflowStartedAt!: Date | null;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;
}
