import { Column, PrimaryColumn } from 'typeorm';

/**
 * The columns every procedure's read-model row (`<procedure>_case`) has: identity, the intake's
 * Idempotency-Key and query code, the subject, and the case kit's publication (revision and the
 * newest snapshot). A procedure's case entity extends this class, names its table
 * (`@Entity({ name })`) and adds its own columns; `TView` is the snapshot the workflow publishes.
 */
export abstract class CaseRowColumns<TView> {
  /** Also names the Temporal workflow (`<procedure>-<id>`; the objection's is the id itself). */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  /** The case number shown to people (异议编号, 承诺编号, 修复受理编号, 整改编号). */
  @Column({ name: 'case_no', type: 'text' })
  caseNo!: string;

  /**
   * SHA-256 of the query code given once to the applicant, signer or subject for the look-up
   * without login; null for cases started outside the API.
   */
  @Column({ name: 'query_code_hash', type: 'text', nullable: true })
  queryCodeHash!: string | null;

  /** The Idempotency-Key of the creation request (unique per receiving department). */
  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  /** SHA-256 of the creation body: the same key with another body is a conflict. */
  @Column({ name: 'request_hash', type: 'text', nullable: true })
  requestHash!: string | null;

  @Column({ type: 'text' })
  jurisdiction!: string;

  /** The policy version the case runs under (fixed at intake). */
  @Column({ name: 'policy_version', type: 'integer' })
  policyVersion!: number;

  @Column({ name: 'subject_code', type: 'text' })
  subjectCode!: string;

  @Column({ name: 'subject_name', type: 'text' })
  subjectName!: string;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  /** Revision of the stored snapshot; 0 until the workflow has published. */
  @Column({ type: 'integer', default: 0 })
  revision!: number;

  /** The newest state the workflow published, without its timeline (that is `<procedure>_event`). */
  @Column({ type: 'jsonb', nullable: true })
  snapshot!: TView | null;

  @Column({ name: 'workflow_started_at', type: 'timestamptz', nullable: true })
  workflowStartedAt!: Date | null;
}
