import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { IdentifierType } from '../../../../workflows/registry/identifiers';
import type { SubjectKind } from '../../../../workflows/registry/types';

/** A credit subject (信用主体): an organisation by 统一社会信用代码, a person by 居民身份证号码. */
@Entity({ name: 'credit_subject' })
export class CreditSubject {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  kind!: SubjectKind;

  @Column({ name: 'id_type', type: 'text' })
  idType!: IdentifierType;

  /** Normalised (upper case, no separators) and checksum-validated; unique. */
  @Column({ type: 'text', unique: true })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  jurisdiction!: string | null;

  @Column({ name: 'registered_by', type: 'text' })
  registeredBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
