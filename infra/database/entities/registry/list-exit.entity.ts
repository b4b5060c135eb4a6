import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ListExitCause } from '../../../../workflows/registry/types';

/**
 * The end of one list entry (名单退出), as it happened: one per entry, append-only. Written in
 * the transaction that ends the entry, with the platform outbox row and the notifications.
 */
@Entity({ name: 'credit_list_exit' })
export class ListExit {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'entry_id', type: 'uuid', unique: true })
  entryId!: string;

  @Column({ name: 'subject_id', type: 'uuid' })
  subjectId!: string;

  /** The first day the entry is no longer in force (its expiry date, for an expired one). */
  @Column({ name: 'exited_on', type: 'date' })
  exitedOn!: string;

  /** When the exit was recorded. */
  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'text' })
  cause!: ListExitCause;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'text' })
  actor!: string;

  /** The case it belongs to (repair, objection …), if any. */
  @Column({ name: 'case_ref', type: 'text', nullable: true })
  caseRef!: string | null;

  /** For red-list-dishonesty: the record whose registration ended the red-list entry. */
  @Column({ name: 'trigger_record_id', type: 'uuid', nullable: true })
  triggerRecordId!: string | null;

  @Column({ name: 'lifted_measure_ids', type: 'uuid', array: true })
  liftedMeasureIds!: string[];

  /** Executing departments told of the exit (their measures on the entry were lifted). */
  @Column({ name: 'notified_departments', type: 'text', array: true })
  notifiedDepartments!: string[];
}
