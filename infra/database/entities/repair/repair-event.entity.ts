import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** One entry of a repair case's timeline (申请, 补正, 受理, 决定, 效果, 撤销 …), append-only. */
@Entity({ name: 'repair_event' })
@Unique(['caseId', 'seq'])
export class RepairEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'case_id', type: 'text' })
  caseId!: string;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'text' })
  summary!: string;

  @Column({ type: 'jsonb' })
  detail!: Record<string, unknown>;
}
