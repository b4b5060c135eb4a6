import { Column, Entity } from 'typeorm';
import { CaseRowColumns } from '../case/case-row-columns';
import type { RepairStatus, RepairView } from '../../../../workflows/repair/types';

/**
 * Read model of one credit repair application (信用修复). The workflow is the source of truth; the
 * case kit's publication keeps this row at its newest revision.
 */
@Entity({ name: 'repair_case' })
export class RepairCase extends CaseRowColumns<RepairView> {
  /** The office that registered the application. */
  @Column({ type: 'text' })
  office!: string;

  @Column({ type: 'text' })
  channel!: string;

  @Column({ name: 'applicant_name', type: 'text' })
  applicantName!: string;

  @Column({ name: 'applicant_contact', type: 'text' })
  applicantContact!: string;

  @Column({ name: 'record_id', type: 'text' })
  recordId!: string;

  /** The identifying department (认定部门): it decides. */
  @Column({ name: 'record_department', type: 'text' })
  recordDepartment!: string;

  /** The national tier applied (轻微, 一般, 严重 …), once the eligibility is known. */
  @Column({ type: 'text', nullable: true })
  tier!: string | null;

  @Column({ type: 'text' })
  status!: RepairStatus;

  @Column({ name: 'current_step', type: 'text', nullable: true })
  currentStep!: string | null;

  @Column({ name: 'step_due_at', type: 'timestamptz', nullable: true })
  stepDueAt!: Date | null;

  @Column({ type: 'boolean', default: false })
  overdue!: boolean;

  @Column({ name: 'escalation_level', type: 'integer', default: 0 })
  escalationLevel!: number;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ type: 'boolean', nullable: true })
  approved!: boolean | null;

  @Column({ name: 'reapply_from', type: 'date', nullable: true })
  reapplyFrom!: string | null;

  /** A revoked repair: no new application of the subject before this day. */
  @Column({ name: 'barred_until', type: 'date', nullable: true })
  barredUntil!: string | null;

  @Column({ name: 'commitment_case_id', type: 'text', nullable: true })
  commitmentCaseId!: string | null;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
