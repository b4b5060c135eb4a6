import type { DataSource } from 'typeorm';
import { OpenDeadline } from '../../infra/database/entities';
import type { CalendarData } from '../../workflows/calendar';
import { CalendarStore } from '../calendar/calendar-store';

export interface RecordDeadlineInput {
  workflowId: string;
  step: string;
  startsAt: string;
  workingDays: number;
  due: string;
  provisional: boolean;
}

/**
 * Side effects of working-day deadlines: reading the calendar in force, and keeping the list of
 * open deadlines that calendar changes must reach (idempotent upserts and deletes).
 */
export function createDeadlineActivities(deps: { dataSource: DataSource }) {
  const calendars = new CalendarStore(deps.dataSource);
  const repo = () => deps.dataSource.getRepository(OpenDeadline);
  return {
    async loadCalendar(years: number[]): Promise<CalendarData> {
      return calendars.calendarFor(years);
    },
    async recordDeadline(input: RecordDeadlineInput): Promise<void> {
      await repo().upsert(
        {
          workflowId: input.workflowId,
          step: input.step,
          startsAt: new Date(input.startsAt),
          workingDays: input.workingDays,
          dueAt: new Date(input.due),
          provisional: input.provisional,
          updatedAt: new Date(),
        },
        ['workflowId', 'step'],
      );
    },
    async clearDeadline(input: { workflowId: string; step: string }): Promise<void> {
      await repo().delete({ workflowId: input.workflowId, step: input.step });
    },
  };
}

/** Workflows with an open deadline on or after the start of `year` (a change of that year may move them). */
export async function workflowsWithDeadlinesFrom(dataSource: DataSource, year: number): Promise<string[]> {
  const rows = await dataSource
    .getRepository(OpenDeadline)
    .createQueryBuilder('d')
    .select('DISTINCT d.workflow_id', 'workflowId')
    .where(`d.due_at >= make_timestamptz(:year, 1, 1, 0, 0, 0, 'Asia/Shanghai')`, { year })
    .getRawMany<{ workflowId: string }>();
  return rows.map((r) => r.workflowId);
}
