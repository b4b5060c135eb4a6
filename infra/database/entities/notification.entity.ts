import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

import type { NotificationChannel } from '../../../workflows/case/notices';

export type { NotificationChannel };
export type NotificationStatus = 'pending' | 'sent' | 'failed';

/**
 * Every notification the system sends (reminders, escalations, letters to applicants), stored
 * before it is handed to a channel adapter, so nothing is lost and each is visible in the case
 * file. `dedupe_key` makes sending idempotent under activity retries.
 */
@Entity({ name: 'notification' })
@Index(['recipient', 'createdAt'])
@Index(['caseId'])
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'dedupe_key', type: 'text', unique: true })
  dedupeKey!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'text' })
  channel!: NotificationChannel;

  /** A user (sub), a role within a department ("supervisor@信用办"), or an applicant contact. */
  @Column({ type: 'text' })
  recipient!: string;

  @Column({ name: 'case_id', type: 'text', nullable: true })
  caseId!: string | null;

  /** Stable kind, e.g. objection.step.reminder, objection.step.escalated. */
  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'text', default: 'pending' })
  status!: NotificationStatus;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}
