import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ListType, MeasureKind } from '../../../../workflows/registry/types';

/** One item of the published measures list (措施清单). Never applied before its published date. */
@Entity({ name: 'credit_measure' })
export class Measure {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text', unique: true })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  kind!: MeasureKind;

  @Column({ name: 'legal_basis', type: 'text' })
  legalBasis!: string;

  @Column({ name: 'applicable_lists', type: 'text', array: true })
  applicableLists!: ListType[];

  /** Date of publication; null while a draft. */
  @Column({ name: 'published_on', type: 'date', nullable: true })
  publishedOn!: string | null;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
