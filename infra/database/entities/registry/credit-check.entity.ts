import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One 逢办必查 credit check: who asked, when, in which matter and case, and the answer given. */
@Entity({ name: 'credit_check' })
export class CreditCheck {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'subject_id', type: 'uuid' })
  subjectId!: string;

  @Column({ type: 'text' })
  matter!: string;

  /** The case file the check belongs to (案卷号 or workflow id), if given. */
  @Column({ name: 'case_ref', type: 'text', nullable: true })
  caseRef!: string | null;

  @Column({ name: 'checked_by', type: 'text' })
  checkedBy!: string;

  @Column({ name: 'checked_roles', type: 'text', array: true })
  checkedRoles!: string[];

  @Column({ type: 'text', nullable: true })
  department!: string | null;

  @Column({ name: 'checked_at', type: 'timestamptz', default: () => 'now()' })
  checkedAt!: Date;

  /** Exactly what the checker was shown. */
  @Column({ type: 'jsonb' })
  answer!: Record<string, unknown>;
}
