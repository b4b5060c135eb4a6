import { Column, Entity } from 'typeorm';
import { CaseRowColumns } from '../case/case-row-columns';
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
export class ObjectionCase extends CaseRowColumns<ObjectionView> {
  @Column({ name: 'office_department', type: 'text' })
  officeDepartment!: string;

  @Column({ name: 'provider_department', type: 'text' })
  providerDepartment!: string;

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

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
