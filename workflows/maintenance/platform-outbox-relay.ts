import { continueAsNew, sleep, workflowInfo } from '@temporalio/workflow';
import { deliverListNotices, maintenance } from './maintenance-activities';

/** One per deployment, started idempotently by the worker's start (apps/worker/recurring-work.ts). */
export const PLATFORM_OUTBOX_RELAY_WORKFLOW_ID = 'platform-outbox-relay';

export interface PlatformOutboxRelayOptions {
  /** How often pending platform_outbox rows are pushed and list-exit notifications delivered. */
  pushEveryMs: number;
}

const DEFAULTS: PlatformOutboxRelayOptions = { pushEveryMs: 60_000 };

/**
 * Pushes the platform outbox to the shared credit platform (HTTP webhook, else the local
 * platform_sink) and delivers the list-exit notifications, every minute. A loop rather than a
 * one-minute schedule: each scheduled action is a workflow run of its own, 1,440 a day, and the
 * dev server keeps every closed run and reads them all back at start (it has no retention), where
 * this loop costs a few runs a day as it continues as new. The only pusher, so rows reach the
 * platform in outbox order.
 */
export async function platformOutboxRelay(options: Partial<PlatformOutboxRelayOptions> = {}): Promise<void> {
  const { pushEveryMs } = { ...DEFAULTS, ...options };
  for (let round = 0; round < 500 && !workflowInfo().continueAsNewSuggested; round++) {
    await maintenance.pushPlatformOutbox({});
    await deliverListNotices();
    await sleep(pushEveryMs);
  }
  await continueAsNew<typeof platformOutboxRelay>(options);
}
