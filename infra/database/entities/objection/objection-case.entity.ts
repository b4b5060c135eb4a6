import { Column, Entity, PrimaryColumn } from 'typeorm';
import type {
  Attachment,
  ObjectionChannel,
  ObjectionGround,
  ObjectionStatus,
  VerificationOutcome,
} from '../../../../workflows/objection/types';

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

  /** Given to the applicant for the progress look-up without login (with the subject code). */
  @Column({ name: 'query_code', type: 'text' })
  queryCode!: string;

  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey!: string;

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
