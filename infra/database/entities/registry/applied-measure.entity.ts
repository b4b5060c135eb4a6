import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AppliedMeasureStatus } from '../../../../workflows/registry/types';

/** A measure applied to one subject by an executing department, with its status. */
@Entity({ name: 'credit_applied_measure' })
export class AppliedMeasure {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'measure_id', type: 'uuid' })
  measureId!: string;

  @Column({ name: 'subject_id', type: 'uuid' })
  subjectId!: string;

  /** The list entry that makes the measure applicable. */
  @Column({ name: 'list_entry_id', type: 'uuid' })
  listEntryId!: string;

  /** The record the listing rests on: objections against it suspend this measure. */
  @Column({ name: 'record_id', type: 'uuid', nullable: true })
  recordId!: string | null;

  /** For 落实到人: the organisation's applied measure this one extends to a responsible person. */
  @Column({ name: 'derived_from', type: 'uuid', nullable: true })
  derivedFrom!: string | null;

  /** The lifted measure this one applies again (the repair that lifted it was revoked). */
  @Column({ name: 'reapplied_from', type: 'uuid', nullable: true })
  reappliedFrom!: string | null;

  @Column({ name: 'executing_department', type: 'text' })
  executingDepartment!: string;

  /** The administrative matter in which it is applied (e.g. 社会组织登记). */
  @Column({ type: 'text' })
  matter!: string;

  @Column({ type: 'text' })
  status!: AppliedMeasureStatus;

  @Column({ name: 'applied_by', type: 'text' })
  appliedBy!: string;

  @Column({ name: 'applied_at', type: 'timestamptz', default: () => 'now()' })
  appliedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
