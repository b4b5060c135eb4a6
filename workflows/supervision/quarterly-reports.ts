import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { createSupervisionActivities } from '../../activities/supervision/quarterly-report';
import { nextQuarter, previousQuarter, quarterAt, reportCutoff } from './quarters';

const { produceQuarterlyReport, quarterlyReportJurisdictions } = proxyActivities<
  ReturnType<typeof createSupervisionActivities>
>({
  startToCloseTimeout: '5m',
  // A database outage is waited out; the report is stored once whatever the attempts.
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '10m' },
});

/**
 * The id the long-lived quarterlyReports ran under. Since issue #19 the worker's start ends a run
 * still open under it (apps/worker/recurring-work.ts) and the quarterly schedule takes over.
 */
export const QUARTERLY_REPORTS_WORKFLOW_ID = 'supervision-quarterly-reports';
/** The schedule that starts quarterlyReportsPass at each quarter's cut-off (apps/worker/recurring-work.ts). */
export const QUARTERLY_REPORTS_SCHEDULE_ID = 'supervision-quarterly-reports-schedule';
/** The id of the pass's runs; the schedule appends the scheduled time to it. */
export const QUARTERLY_REPORTS_PASS_WORKFLOW_ID = 'supervision-quarterly-reports-pass';

/** Set by the schedule on the runs it starts: the nominal time of the action (not when it ran). */
const SCHEDULED_START_TIME = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);

/** The last quarter whose report cut-off is at or before `instantMs`. */
export function lastClosedQuarter(instantMs: number): string {
  const quarter = quarterAt(instantMs);
  return Date.parse(reportCutoff(quarter)) <= instantMs ? quarter : previousQuarter(quarter);
}

async function reportEveryJurisdiction(quarter: string): Promise<void> {
  // Every jurisdiction of the directory as it stands at the cut-off.
  for (const jurisdiction of await quarterlyReportJurisdictions()) {
    await produceQuarterlyReport({ jurisdiction, quarter, producedBy: 'schedule' });
  }
}

/**
 * The quarterly supervision report (新郑 八(三): 各相关科室每季度首月1日前上报…工作开展情况) of
 * every jurisdiction in the directory, for one quarter. Started by a schedule that fires at each
 * quarter's cut-off (its last day, 18:00 Beijing time: see quarters.ts). The quarter is the last
 * one whose cut-off is at or before the action's scheduled time, not the time the run starts: a
 * run the schedule catches up after an outage (in the next quarter) still reports the quarter it
 * was due for, and a manual trigger reports the last quarter closed. `quarter` names one
 * explicitly (the hand-over from quarterlyReports does). The reports are stored once per
 * jurisdiction and quarter and their notifications go out once, so a repeated pass answers what
 * is on file.
 */
export async function quarterlyReportsPass(input: { quarter?: string } = {}): Promise<{ quarter: string }> {
  const scheduledAt = workflowInfo().typedSearchAttributes.get(SCHEDULED_START_TIME);
  const quarter = input.quarter ?? lastClosedQuarter(scheduledAt?.getTime() ?? Date.now());
  await reportEveryJurisdiction(quarter);
  return { quarter };
}

/**
 * Superseded (issue #19) by the quarterly schedule of quarterlyReportsPass: no longer started.
 * Kept registered so that a run still open in an existing installation replays until the
 * worker's start terminates it; its recorded behaviour must not change.
 *
 * One long-lived workflow per deployment: it sleeps until the quarter's cut-off, produces each
 * jurisdiction's report, and continues as new for the next quarter.
 */
export async function quarterlyReports(input: { quarter?: string } = {}): Promise<void> {
  const quarter = input.quarter ?? quarterAt(Date.now());
  const wait = Date.parse(reportCutoff(quarter)) - Date.now();
  if (wait > 0) await sleep(wait);
  await reportEveryJurisdiction(quarter);
  await continueAsNew<typeof quarterlyReports>({ quarter: nextQuarter(quarter) });
}
