import { Column, Entity } from 'typeorm';
import { CaseRowColumns } from '../case/case-row-columns';
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
export class CommitmentCase extends CaseRowColumns<CommitmentView> {
  @Column({ type: 'text' })
  kind!: CommitmentKind;

  @Column({ type: 'text' })
  department!: string;

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

  @Column({ name: 'signed_at', type: 'timestamptz' })
  signedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
