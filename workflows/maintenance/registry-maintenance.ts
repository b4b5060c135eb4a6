import { continueAsNew, patched, sleep, workflowInfo } from '@temporalio/workflow';
import { deliverListNotices, maintenance } from './maintenance-activities';

const { pushPlatformOutbox, expireDueRecords, deleteRecordsPastRetention, exitListEntriesDue } = maintenance;

/**
 * The id the long-lived registryMaintenance ran under. Since issue #19 the worker's start ends a
 * run still open under it (apps/worker/recurring-work.ts): the daily registryMaintenancePass
 * schedule and platformOutboxRelay took over its chores.
 */
export const REGISTRY_MAINTENANCE_WORKFLOW_ID = 'registry-maintenance';

/** Patch marker of the list-exit chores (docs/list-exit.md, docs/workflow-versioning.md). */
export const LIST_EXIT_PATCH = 'registry-maintenance-list-exit';

export interface MaintenanceOptions {
  /** How often pending platform_outbox rows are pushed (and list-exit notifications delivered). */
  pushEveryMs: number;
  /** How often publicity expiry, retention deletion and list expiry run. */
  sweepEveryMs: number;
}

const DEFAULTS: MaintenanceOptions = { pushEveryMs: 60_000, sweepEveryMs: 24 * 3600_000 };

/**
 * Superseded (issue #19): no longer started. Kept registered so that a run still open in an
 * existing installation replays until the worker's start terminates it; its recorded behaviour
 * must not change.
 *
 * The system's own chores on the credit registry: push changes to the shared credit platform,
 * end publicity at its maximum period (公示期满自动停止公示), delete personal negative records when
 * their retention ends, take subjects off lists when their entries' validity ends (名单退出) and
 * deliver the notifications those exits wrote to the executing departments. One long-lived
 * workflow per deployment, continued as new to keep history short.
 */
export async function registryMaintenance(
  options: Partial<MaintenanceOptions> = {},
  lastSweepAt = 0,
): Promise<void> {
  const { pushEveryMs, sweepEveryMs } = { ...DEFAULTS, ...options };
  for (let round = 0; round < 500 && !workflowInfo().continueAsNewSuggested; round++) {
    if (Date.now() - lastSweepAt >= sweepEveryMs) {
      await expireDueRecords();
      await deleteRecordsPastRetention();
      if (patched(LIST_EXIT_PATCH)) await exitListEntriesDue();
      lastSweepAt = Date.now();
    }
    await pushPlatformOutbox({});
    if (patched(LIST_EXIT_PATCH)) await deliverListNotices();
    await sleep(pushEveryMs);
  }
  await continueAsNew<typeof registryMaintenance>(options, lastSweepAt);
}
