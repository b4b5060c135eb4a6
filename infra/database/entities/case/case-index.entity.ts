import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A step of the case that has closed, and whether it met its limit (`case_index.closed_steps`). */
export interface CaseIndexClosedStep {
  step: string;
  /** Chinese name of the step, when the procedure names it. */
  name: string | null;
  department: string;
  startedAt: string;
  /** Due instant when it closed; null when the step had no plan of its own. */
  due: string | null;
  closedAt: string;
  metLimit: boolean;
  /** A staff step (with escalation): counts for the department; a party's own time does not. */
  escalates: boolean;
}

/**
 * One row per case of every procedure (督查 board): where the case stands, what is due, and how
 * its closed steps kept their limits. Filled by the case kit's `publishCase` in the transaction of
 * the procedure's read model, from the mapping each procedure declares (activities/case); rebuilt
 * from the workflows by `npm run index:rebuild`. The newest revision wins, as in the read models.
 * Its indexes (the board's queries) are the migration's.
 */
@Entity({ name: 'case_index' })
export class CaseIndexRow {
  /** `objection`, `commitment`, `repair`, `rectification` … (the case kit's procedure). */
  @PrimaryColumn({ type: 'text' })
  procedure!: string;

  @PrimaryColumn({ name: 'case_id', type: 'text' })
  caseId!: string;

  @Column({ name: 'case_no', type: 'text' })
  caseNo!: string;

  @Column({ type: 'text' })
  jurisdiction!: string;

  /** The department that runs the case (the caseworker's office sees it). */
  @Column({ name: 'office_department', type: 'text' })
  officeDepartment!: string;

  /** The department whose record the case is about (谁认定、谁核查), when the procedure has one. */
  @Column({ name: 'provider_department', type: 'text', nullable: true })
  providerDepartment!: string | null;

  /** Every department involved: the office, the provider, the departments of its steps. */
  @Column({ type: 'text', array: true })
  departments!: string[];

  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'status_name', type: 'text' })
  statusName!: string;

  @Column({ name: 'current_step', type: 'text', nullable: true })
  currentStep!: string | null;

  @Column({ name: 'current_step_name', type: 'text', nullable: true })
  currentStepName!: string | null;

  /** The current step's department (who must act now). */
  @Column({ name: 'current_step_department', type: 'text', nullable: true })
  currentStepDepartment!: string | null;

  @Column({ name: 'step_due_at', type: 'timestamptz', nullable: true })
  stepDueAt!: Date | null;

  @Column({ type: 'boolean' })
  overdue!: boolean;

  @Column({ name: 'escalation_level', type: 'integer' })
  escalationLevel!: number;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  /** The whole case's limit, when the procedure has one. */
  @Column({ name: 'case_due_at', type: 'timestamptz', nullable: true })
  caseDueAt!: Date | null;

  /** Whether the case met its limits (every staff step, and the case's own); null while open. */
  @Column({ name: 'met_limit', type: 'boolean', nullable: true })
  metLimit!: boolean | null;

  @Column({ name: 'closed_steps', type: 'jsonb' })
  closedSteps!: CaseIndexClosedStep[];

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
