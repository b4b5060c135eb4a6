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
  /** The latest instant the step's plan depends on (ISO), e.g. its second-level escalation; default `due`. */
  horizon?: string;
  provisional: boolean;
}

export interface OpenDeadlineWorkflowsPageInput {
  year: number;
  /** Workflow id the previous page ended with; absent for the first page. */
  after?: string;
  limit: number;
}

export interface OpenDeadlineWorkflowsPage {
  workflowIds: string[];
  /** Cursor of the next page (`after`); absent on the last page. */
  next?: string;
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
      const dueAt = new Date(input.due);
      const horizonAt = input.horizon === undefined ? dueAt : new Date(input.horizon);
      await repo().upsert(
        {
          workflowId: input.workflowId,
          step: input.step,
          startsAt: new Date(input.startsAt),
          workingDays: input.workingDays,
          dueAt,
          // The span runs at least to the due time, whatever horizon a caller computed.
          horizonAt: horizonAt > dueAt ? horizonAt : dueAt,
          provisional: input.provisional,
          updatedAt: new Date(),
        },
        ['workflowId', 'step'],
      );
    },
    async clearDeadline(input: { workflowId: string; step: string }): Promise<void> {
      await repo().delete({ workflowId: input.workflowId, step: input.step });
    },
    /**
     * One page of the workflows a change of `year` may move: those with an open deadline whose
     * span (start to horizon) meets the year in Beijing time, in workflow id order.
     */
    async openDeadlineWorkflowsPage(
      input: OpenDeadlineWorkflowsPageInput,
    ): Promise<OpenDeadlineWorkflowsPage> {
      const query = repo()
        .createQueryBuilder('d')
        .select('DISTINCT d.workflow_id', 'workflowId')
        .where(`d.starts_at < make_timestamptz(:nextYear, 1, 1, 0, 0, 0, 'Asia/Shanghai')`, {
          nextYear: input.year + 1,
        })
        .andWhere(`d.horizon_at >= make_timestamptz(:year, 1, 1, 0, 0, 0, 'Asia/Shanghai')`, {
          year: input.year,
        })
        .orderBy('d.workflow_id')
        .limit(input.limit);
      if (input.after !== undefined) query.andWhere('d.workflow_id > :after', { after: input.after });
      const workflowIds = (await query.getRawMany<{ workflowId: string }>()).map((r) => r.workflowId);
      return workflowIds.length === input.limit ? { workflowIds, next: workflowIds.at(-1) } : { workflowIds };
    },
  };
}
