import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PersonRole } from '../../../../workflows/registry/types';

/** A natural person tied to an organisation (法定代表人, 主要负责人, 直接责任人员): 落实到人. */
@Entity({ name: 'credit_subject_person' })
export class SubjectPersonLink {
  @PrimaryColumn({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  @PrimaryColumn({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @PrimaryColumn({ type: 'text' })
  role!: PersonRole;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
