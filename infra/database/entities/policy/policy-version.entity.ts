import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * One effective-dated version of a jurisdiction's policy (time limits, suspension rule, tiers,
 * publicity and retention periods, reminders, escalation, channels). Versions are append-only; a
 * case records the version it started under.
 */
@Entity({ name: 'policy_version' })
@Unique(['jurisdiction', 'version'])
export class PolicyVersionRow {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  jurisdiction!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'effective_from', type: 'date' })
  effectiveFrom!: string;

  /** The validated policy document (see workflows/policies). */
  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;

  /** `preset` for the seeded versions, `admin` for versions added through the API. */
  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
