import { log, proxyActivities } from '@temporalio/workflow';
import type { createNotificationActivities } from '../../activities/notifications/notifications';
import type { createPlatformOutboxActivities } from '../../activities/platform/push';
import type { createRegistryActivities } from '../../activities/registry/registry-activities';

type MaintenanceActivities = ReturnType<typeof createPlatformOutboxActivities> &
  Pick<
    ReturnType<typeof createRegistryActivities>,
    'expireDueRecords' | 'deleteRecordsPastRetention' | 'exitListEntriesDue' | 'pendingListNotices'
  >;

/**
 * The registry's chores, as the maintenance workflows call them (registryMaintenance, the
 * scheduled registryMaintenancePass and platformOutboxRelay).
 */
export const maintenance = proxyActivities<MaintenanceActivities>({
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

/** Hands the list-exit notifications still pending to their channels; a failed one waits for the next round. */
export async function deliverListNotices(): Promise<void> {
  for (const notice of await maintenance.pendingListNotices()) {
    try {
      await notify(notice);
    } catch (err) {
      log.warn('名单退出通知未能送达，下一轮重试', { dedupeKey: notice.dedupeKey, error: String(err) });
    }
  }
}
