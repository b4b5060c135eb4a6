import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ListExitCause, ListType } from '../../../../workflows/registry/types';

/** A subject's entry on a red list, blacklist or 重点关注 list, valid from/until given dates. */
@Entity({ name: 'credit_list_entry' })
export class ListEntry {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'subject_id', type: 'uuid' })
  subjectId!: string;

  @Column({ name: 'list_type', type: 'text' })
  listType!: ListType;

  /** Field the list belongs to (领域: 民政, 税务, 市场监管 …); two blacklist domains ⇒ heavier punishment. */
  @Column({ type: 'text' })
  domain!: string;

  @Column({ name: 'list_name', type: 'text' })
  listName!: string;

  @Column({ type: 'text' })
  department!: string;

  @Column({ type: 'text' })
  basis!: string;

  @Column({ name: 'document_no', type: 'text', nullable: true })
  documentNo!: string | null;

  /** The credit record the listing rests on (e.g. a 失信名单认定), if any. */
  @Column({ name: 'record_id', type: 'uuid', nullable: true })
  recordId!: string | null;

  @Column({ name: 'effective_from', type: 'date' })
  effectiveFrom!: string;

  @Column({ name: 'expires_on', type: 'date', nullable: true })
  expiresOn!: string | null;

  @Column({ name: 'exited_on', type: 'date', nullable: true })
  exitedOn!: string | null;

  @Column({ name: 'exit_reason', type: 'text', nullable: true })
  exitReason!: string | null;

  /** Why it ended (with exited_on and exited_at; the event is in credit_list_exit). */
  @Column({ name: 'exit_cause', type: 'text', nullable: true })
  exitCause!: ListExitCause | null;

  @Column({ name: 'exited_at', type: 'timestamptz', nullable: true })
  exitedAt!: Date | null;

  /** The entry this one restores: its repair was revoked, the listing runs again from that day. */
  @Column({ name: 'restored_from', type: 'uuid', nullable: true })
  restoredFrom!: string | null;

  @Column({ name: 'restore_case_ref', type: 'text', nullable: true })
  restoreCaseRef!: string | null;

  @Column({ name: 'restore_reason', type: 'text', nullable: true })
  restoreReason!: string | null;

  @Column({ name: 'registered_by', type: 'text' })
  registeredBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
