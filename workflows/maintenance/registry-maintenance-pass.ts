import { maintenance } from './maintenance-activities';

/** The schedule that starts registryMaintenancePass every day (apps/worker/recurring-work.ts). */
export const REGISTRY_MAINTENANCE_SCHEDULE_ID = 'registry-maintenance-daily';
/** The id of the pass's runs; the schedule appends the scheduled time to it. */
export const REGISTRY_MAINTENANCE_PASS_WORKFLOW_ID = 'registry-maintenance-pass';

export interface RegistryMaintenancePassResult {
  /** Records whose publicity ended at its maximum period. */
  expired: number;
  /** Records deleted because their retention ended. */
  deleted: number;
  /** List entries that exited because their validity ended. */
  exited: number;
}

/**
 * One pass of the registry's dated chores, run by a daily schedule shortly after midnight Beijing
 * time (the dates these rules compare are Beijing dates): end publicity at its maximum period
 * (公示期满自动停止公示), delete personal negative records whose retention ended, and take
 * subjects off lists whose entries' validity ended (名单退出). What they change reaches the
 * platform outbox and the notifications table in the same transactions; platformOutboxRelay
 * pushes and delivers it within its next round, so the platform has one pusher and sees changes
 * in order. Every chore takes only what is due, so a repeated or late pass does no harm.
 */
export async function registryMaintenancePass(): Promise<RegistryMaintenancePassResult> {
  const { expired } = await maintenance.expireDueRecords();
  const { deleted } = await maintenance.deleteRecordsPastRetention();
  const { exited } = await maintenance.exitListEntriesDue();
  return { expired: expired.length, deleted: deleted.length, exited: exited.length };
}
