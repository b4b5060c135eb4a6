import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * One version of a year's holiday arrangement (法定节假日 and 调休上班日). Versions are never
 * changed in place: a correction or a newly published State Council notice adds a version, so the
 * history of what every deadline was computed from stays readable (who, when, why).
 */
@Entity({ name: 'calendar_year_version' })
@Unique(['year', 'version'])
export class CalendarYearVersion {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'integer' })
  year!: number;

  @Column({ type: 'integer' })
  version!: number;

  /** ISO dates (YYYY-MM-DD) that are days off although they may be weekdays. */
  @Column({ type: 'date', array: true })
  holidays!: string[];

  /** ISO dates that are working days although they fall on a weekend (调休上班). */
  @Column({ name: 'makeup_workdays', type: 'date', array: true })
  makeupWorkdays!: string[];

  /** e.g. `chinese-days@1.5.7` or `admin` (declared through the API). */
  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
