import { Column, Entity, PrimaryColumn } from 'typeorm';
import type {
  CommitmentKind,
  CommitmentStatus,
  CommitmentView,
} from '../../../../workflows/commitment/types';

/**
 * Read model of one commitment (信用承诺). The workflow is the source of truth; the case kit's
 * publication keeps this row at its newest revision so supervisors list, count and filter, the
 * 信用承诺专栏 is served and the subject follows it, without asking Temporal.
 */
@Entity({ name: 'commitment_case' })
export class CommitmentCase {
  /** Also names the Temporal workflow (`commitment-<id>`). */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  /** 承诺编号. */
  @Column({ name: 'case_no', type: 'text' })
  caseNo!: string;

  /** SHA-256 of the query code given once to the signer for the look-up without login. */
  @Column({ name: 'query_code_hash', type: 'text', nullable: true })
  queryCodeHash!: string | null;

  /** The caseworker's Idempotency-Key of the creation request (unique per department). */
  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  @Column({ name: 'request_hash', type: 'text', nullable: true })
  requestHash!: string | null;

  @Column({ type: 'text' })
  jurisdiction!: string;

  @Column({ name: 'policy_version', type: 'integer' })
  policyVersion!: number;

  @Column({ type: 'text' })
  kind!: CommitmentKind;

  @Column({ type: 'text' })
  department!: string;

  @Column({ name: 'subject_code', type: 'text' })
  subjectCode!: string;

  @Column({ name: 'subject_name', type: 'text' })
  subjectName!: string;

  @Column({ name: 'subject_kind', type: 'text' })
  subjectKind!: string;

  @Column({ name: 'signer_name', type: 'text' })
  signerName!: string;

  @Column({ name: 'signer_contact', type: 'text' })
  signerContact!: string;

  @Column({ type: 'text' })
  matter!: string;

  /** Shown in the public 信用承诺专栏. */
  @Column({ type: 'boolean' })
  published!: boolean;

  @Column({ type: 'text' })
  status!: CommitmentStatus;

  /** The earliest open due time: an item, the verification, a reported breach's review. */
  @Column({ name: 'next_due_at', type: 'timestamptz', nullable: true })
  nextDueAt!: Date | null;

  @Column({ type: 'boolean', default: false })
  overdue!: boolean;

  @Column({ name: 'escalation_level', type: 'integer', default: 0 })
  escalationLevel!: number;

  @Column({ name: 'valid_until', type: 'timestamptz', nullable: true })
  validUntil!: Date | null;

  @Column({ name: 'breach_record_id', type: 'text', nullable: true })
  breachRecordId!: string | null;

  @Column({ name: 'kept_record_id', type: 'text', nullable: true })
  keptRecordId!: string | null;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'signed_at', type: 'timestamptz' })
  signedAt!: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  /** Revision of the stored snapshot; 0 until the workflow has published. */
  @Column({ type: 'integer', default: 0 })
  revision!: number;

  @Column({ type: 'jsonb', nullable: true })
  snapshot!: CommitmentView | null;

  @Column({ name: 'workflow_started_at', type: 'timestamptz', nullable: true })
  workflowStartedAt!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
