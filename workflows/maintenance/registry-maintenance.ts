import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { createPlatformOutboxActivities } from '../../activities/platform/push';
import type { createRegistryActivities } from '../../activities/registry/registry-activities';

type MaintenanceActivities = ReturnType<typeof createPlatformOutboxActivities> &
  Pick<ReturnType<typeof createRegistryActivities>, 'expireDueRecords' | 'deleteRecordsPastRetention'>;

const { pushPlatformOutbox, expireDueRecords, deleteRecordsPastRetention } =
  proxyActivities<MaintenanceActivities>({
    startToCloseTimeout: '5m',
    // A platform outage is retried with back-off until it recovers; nothing is lost meanwhile.
    retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '10m' },
  });

export const REGISTRY_MAINTENANCE_WORKFLOW_ID = 'registry-maintenance';

export interface MaintenanceOptions {
  /** How often pending platform_outbox rows are pushed. */
  pushEveryMs: number;
  /** How often publicity expiry and retention deletion run. */
  sweepEveryMs: number;
}

const DEFAULTS: MaintenanceOptions = { pushEveryMs: 60_000, sweepEveryMs: 24 * 3600_000 };

/**
 * The system's own chores on the credit registry: push changes to the shared credit platform,
 * end publicity at its maximum period (公示期满自动停止公示), delete personal negative records when
 * their retention ends. One long-lived workflow per deployment, continued as new to keep history short.
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
      lastSweepAt = Date.now();
    }
    await pushPlatformOutbox({});
    await sleep(pushEveryMs);
  }
  await continueAsNew<typeof registryMaintenance>(options, lastSweepAt);
}
