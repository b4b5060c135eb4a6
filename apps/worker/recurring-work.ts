import { createHash } from 'node:crypto';
import {
  type Client,
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  WorkflowNotFoundError,
  type ScheduleOptions,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import {
  PLATFORM_OUTBOX_RELAY_WORKFLOW_ID,
  platformOutboxRelay,
} from '../../workflows/maintenance/platform-outbox-relay';
import {
  REGISTRY_MAINTENANCE_WORKFLOW_ID,
  registryMaintenance,
} from '../../workflows/maintenance/registry-maintenance';
import {
  REGISTRY_MAINTENANCE_PASS_WORKFLOW_ID,
  REGISTRY_MAINTENANCE_SCHEDULE_ID,
  registryMaintenancePass,
} from '../../workflows/maintenance/registry-maintenance-pass';
import {
  QUARTERLY_REPORTS_PASS_WORKFLOW_ID,
  QUARTERLY_REPORTS_SCHEDULE_ID,
  QUARTERLY_REPORTS_WORKFLOW_ID,
  quarterlyReports,
  quarterlyReportsPass,
} from '../../workflows/supervision/quarterly-reports';
import { quarterAt, REPORT_HOUR_BEIJING, reportCutoff } from '../../workflows/supervision/quarters';

/** The action memo key that holds the fingerprint of the definition a schedule was written from. */
export const SCHEDULE_DEFINITION_MEMO = 'scheduleDefinition';

/**
 * The schedules of the service's recurring work, as this version of the code defines them.
 * Beijing time throughout: the registry's rules compare Beijing dates and the quarter's cut-off
 * is Beijing time.
 */
export function recurringSchedules(taskQueue: string): ScheduleOptions[] {
  return [
    {
      scheduleId: REGISTRY_MAINTENANCE_SCHEDULE_ID,
      // Just after the Beijing date turns: what became due today is taken on its first morning,
      // in the quietest hour.
      spec: { calendars: [{ hour: 1, minute: 30 }], timezone: 'Asia/Shanghai' },
      action: {
        type: 'startWorkflow',
        workflowType: registryMaintenancePass,
        workflowId: REGISTRY_MAINTENANCE_PASS_WORKFLOW_ID,
        taskQueue,
        args: [],
      },
      // A pass still running is not doubled; a day missed while the service was down is made up
      // when it comes back (one pass takes everything due, so a longer outage needs only one).
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    },
    {
      scheduleId: QUARTERLY_REPORTS_SCHEDULE_ID,
      // Quarterly, at the cut-off (quarters.ts: the quarter's last day, 18:00 Beijing time), not a
      // daily check: the seed asks for one report per quarter, and the report counts up to the
      // cut-off, so the action's scheduled time names the quarter (quarterlyReportsPass). The last
      // days of the quarters are fixed dates: 31 March and 31 December, 30 June and 30 September.
      spec: {
        calendars: [
          { month: ['MARCH', 'DECEMBER'], dayOfMonth: 31, hour: REPORT_HOUR_BEIJING },
          { month: ['JUNE', 'SEPTEMBER'], dayOfMonth: 30, hour: REPORT_HOUR_BEIJING },
        ],
        timezone: 'Asia/Shanghai',
      },
      action: {
        type: 'startWorkflow',
        workflowType: quarterlyReportsPass,
        workflowId: QUARTERLY_REPORTS_PASS_WORKFLOW_ID,
        taskQueue,
        args: [{}],
      },
      // A cut-off missed while the service was down still gets its report when it comes back, as
      // late as the next cut-off: a late report is owed, a missing one is not made up by anyone.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '92 days' },
    },
  ];
}

/** What this version wrote, independent of how the server spells the spec back. */
function definitionFingerprint(schedule: ScheduleOptions): string {
  const { action } = schedule;
  const definition = {
    spec: schedule.spec,
    policies: schedule.policies,
    action: {
      workflowType: typeof action.workflowType === 'string' ? action.workflowType : action.workflowType.name,
      workflowId: action.workflowId,
      taskQueue: action.taskQueue,
      args: action.args,
    },
  };
  return createHash('sha256').update(JSON.stringify(definition)).digest('hex').slice(0, 16);
}

export type ScheduleOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Creates the schedule; one already there is updated to this definition if it was written from
 * another one (its pause state and notes are an operator's and stay as they are).
 */
export async function ensureSchedule(client: Client, schedule: ScheduleOptions): Promise<ScheduleOutcome> {
  const fingerprint = definitionFingerprint(schedule);
  const marked: ScheduleOptions = {
    ...schedule,
    action: {
      ...schedule.action,
      memo: { ...schedule.action.memo, [SCHEDULE_DEFINITION_MEMO]: fingerprint },
    },
  };
  try {
    await client.schedule.create(marked);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(schedule.scheduleId);
  const current = await handle.describe();
  if (current.action.memo?.[SCHEDULE_DEFINITION_MEMO] === fingerprint) return 'unchanged';
  await handle.update((previous) => ({
    ...previous,
    spec: marked.spec,
    action: marked.action,
    policies: marked.policies ?? {},
  }));
  return 'updated';
}

/**
 * Terminates the open run under `workflowId` if it is of the given type, and answers its
 * description (undefined: none was running).
 */
async function endLegacyRun(
  client: Client,
  workflowId: string,
  workflowType: string,
  reason: string,
): Promise<WorkflowExecutionDescription | undefined> {
  const handle = client.workflow.getHandle(workflowId);
  let description: WorkflowExecutionDescription;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
  if (description.status.name !== 'RUNNING' || description.type !== workflowType) return undefined;
  try {
    await client.workflow.getHandle(workflowId, description.runId).terminate(reason);
  } catch (err) {
    // It closed in the meantime.
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
  return description;
}

/** The quarter a quarterlyReports run was waiting for (its input, or the quarter it started in). */
async function legacyQuarterOf(client: Client, run: WorkflowExecutionDescription): Promise<string> {
  const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  const input = payload
    ? client.options.loadedDataConverter.payloadConverter.fromPayload<{ quarter?: string }>(payload)
    : undefined;
  return input?.quarter ?? quarterAt(run.startTime.getTime());
}

export interface RecurringWorkOptions {
  taskQueue: string;
  log?(line: string): void;
}

/**
 * What the worker's start sets going, idempotently (a second start changes nothing): the daily
 * registry maintenance and the quarterly reports as schedules, and the platform outbox relay.
 * Runs of the long-lived workflows they replace (registryMaintenance, quarterlyReports) are
 * terminated first, so there is never a second maintainer; a quarterlyReports run already past
 * its cut-off (the service came back after it) hands its quarter to a pass, so it is not lost.
 */
export async function startRecurringWork(client: Client, options: RecurringWorkOptions): Promise<void> {
  const log = options.log ?? (() => undefined);
  const info = await client.workflowService.getSystemInfo({});
  if (!info.capabilities?.supportsSchedules) {
    throw new Error('Temporal 服务不支持计划任务（Schedules），无法安排登记维护与季度督查报告。');
  }

  const maintainer = await endLegacyRun(
    client,
    REGISTRY_MAINTENANCE_WORKFLOW_ID,
    registryMaintenance.name,
    `已由计划任务 ${REGISTRY_MAINTENANCE_SCHEDULE_ID} 和 ${PLATFORM_OUTBOX_RELAY_WORKFLOW_ID} 接替`,
  );
  if (maintainer) log(`ended the long-lived ${REGISTRY_MAINTENANCE_WORKFLOW_ID} run ${maintainer.runId}`);

  const reporter = await endLegacyRun(
    client,
    QUARTERLY_REPORTS_WORKFLOW_ID,
    quarterlyReports.name,
    `已由计划任务 ${QUARTERLY_REPORTS_SCHEDULE_ID} 接替`,
  );
  if (reporter) log(`ended the long-lived ${QUARTERLY_REPORTS_WORKFLOW_ID} run ${reporter.runId}`);

  for (const schedule of recurringSchedules(options.taskQueue)) {
    log(`schedule ${schedule.scheduleId}: ${await ensureSchedule(client, schedule)}`);
  }

  if (reporter) {
    const quarter = await legacyQuarterOf(client, reporter);
    if (Date.parse(reportCutoff(quarter)) <= Date.now()) {
      await client.workflow.start(quarterlyReportsPass, {
        workflowId: `${QUARTERLY_REPORTS_PASS_WORKFLOW_ID}-handover-${quarter}`,
        taskQueue: options.taskQueue,
        args: [{ quarter }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      log(`quarterly reports of ${quarter}, due before the hand-over, started`);
    }
  }

  await client.workflow.start(platformOutboxRelay, {
    workflowId: PLATFORM_OUTBOX_RELAY_WORKFLOW_ID,
    taskQueue: options.taskQueue,
    args: [{}],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}
