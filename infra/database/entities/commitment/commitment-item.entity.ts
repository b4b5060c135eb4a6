import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One promised item of a 容缺受理 commitment, for "due before" and overdue listings. */
@Entity({ name: 'commitment_item' })
export class CommitmentItem {
  @PrimaryColumn({ name: 'case_id', type: 'text' })
  caseId!: string;

  @PrimaryColumn({ type: 'integer' })
  no!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'due_at', type: 'timestamptz', nullable: true })
  dueAt!: Date | null;

  @Column({ name: 'supplied_at', type: 'timestamptz', nullable: true })
  suppliedAt!: Date | null;

  @Column({ type: 'boolean', default: false })
  overdue!: boolean;
}
