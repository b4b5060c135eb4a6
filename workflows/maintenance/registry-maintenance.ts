import { continueAsNew, log, patched, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { createNotificationActivities } from '../../activities/notifications/notifications';
import type { createPlatformOutboxActivities } from '../../activities/platform/push';
import type { createRegistryActivities } from '../../activities/registry/registry-activities';

type MaintenanceActivities = ReturnType<typeof createPlatformOutboxActivities> &
  Pick<
    ReturnType<typeof createRegistryActivities>,
    'expireDueRecords' | 'deleteRecordsPastRetention' | 'exitListEntriesDue' | 'pendingListNotices'
  >;

const {
  pushPlatformOutbox,
  expireDueRecords,
  deleteRecordsPastRetention,
  exitListEntriesDue,
  pendingListNotices,
} = proxyActivities<MaintenanceActivities>({
  startToCloseTimeout: '5m',
  // A platform outage is retried with back-off until it recovers; nothing is lost meanwhile.
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '10m' },
});

// A channel that fails does not hold up the chores: the notification stays pending (stored with
// the exit) and is tried again on the next round.
const { notify } = proxyActivities<ReturnType<typeof createNotificationActivities>>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '5s', maximumAttempts: 3 },
});

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

async function deliverListNotices(): Promise<void> {
  for (const notice of await pendingListNotices()) {
    try {
      await notify(notice);
    } catch (err) {
      log.warn('名单退出通知未能送达，下一轮重试', { dedupeKey: notice.dedupeKey, error: String(err) });
    }
  }
}
