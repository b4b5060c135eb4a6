import { continueAsNew, proxyActivities, sleep } from '@temporalio/workflow';
import type { createSupervisionActivities } from '../../activities/supervision/quarterly-report';
import { nextQuarter, quarterAt, reportCutoff } from './quarters';

const { produceQuarterlyReport, quarterlyReportJurisdictions } = proxyActivities<
  ReturnType<typeof createSupervisionActivities>
>({
  startToCloseTimeout: '5m',
  // A database outage is waited out; the report is stored once whatever the attempts.
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '10m' },
});

export const QUARTERLY_REPORTS_WORKFLOW_ID = 'supervision-quarterly-reports';

/**
 * The quarterly supervision report (新郑 八(三): 各相关科室每季度首月1日前上报…工作开展情况) of
 * every jurisdiction in the directory, produced before the 1st of the next quarter's first month.
 * The dev server has no schedules (issue #19), so this is one long-lived workflow per deployment:
 * it sleeps until the quarter's cut-off (its last day, 18:00 Beijing time: see quarters.ts),
 * produces each jurisdiction's report, and continues as new for the next quarter, so its history
 * stays one quarter long. Started idempotently next to registryMaintenance by the launcher.
 */
export async function quarterlyReports(input: { quarter?: string } = {}): Promise<void> {
  const quarter = input.quarter ?? quarterAt(Date.now());
  const wait = Date.parse(reportCutoff(quarter)) - Date.now();
  if (wait > 0) await sleep(wait);
  // Every jurisdiction of the directory as it stands at the cut-off.
  for (const jurisdiction of await quarterlyReportJurisdictions()) {
    await produceQuarterlyReport({ jurisdiction, quarter, producedBy: 'schedule' });
  }
  await continueAsNew<typeof quarterlyReports>({ quarter: nextQuarter(quarter) });
}
