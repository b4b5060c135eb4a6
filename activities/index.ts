import type { DataSource } from 'typeorm';
import type { NotificationChannel } from '../workflows/case/notices';
import { createDeadlineActivities } from './deadlines/deadline-activities';
import { LogNotificationAdapter, NotificationAdapter } from './notifications/adapters';
import { createNotificationActivities } from './notifications/notifications';
import { createCaseActivities } from './case/publish-case';
import { createCommitmentActivities } from './commitment/commitment-activities';
import { commitmentProcedure } from './commitment/commitment-read-model';
import { createRepairActivities } from './repair/repair-activities';
import { repairProcedure } from './repair/repair-read-model';
import { createRectificationActivities } from './rectification/rectification-activities';
import { rectificationProcedure } from './rectification/rectification-read-model';
import { createObjectionActivities, objectionProcedure } from './objection/objection-activities';
import { LocalSinkPlatformAdapter, PlatformAdapter } from './platform/adapters';
import { createPlatformOutboxActivities } from './platform/push';
import { createRegistryActivities } from './registry/registry-activities';
import { createSupervisionActivities } from './supervision/quarterly-report';

/**
 * The procedures on the case kit, each declared next to its read-model writer (writer, index
 * mapping, workflow type, state query). A new procedure joins with its declaration here.
 */
export const CASE_PROCEDURES = [
  objectionProcedure,
  commitmentProcedure,
  repairProcedure,
  rectificationProcedure,
] as const;

/** What activity implementations need from the outside world. */
export interface ActivityDeps {
  dataSource: DataSource;
  /** Channel adapters (SMS, e-mail, WeChat ...); channels without one use the log adapter. */
  notificationAdapters?: Partial<Record<NotificationChannel, NotificationAdapter>>;
  /** Where platform_outbox rows go (HttpWebhookPlatformAdapter); default: the local platform_sink table. */
  platformAdapter?: PlatformAdapter;
}

/**
 * Builds every activity with its dependencies (`createActivities(deps)`), so activities can be
 * tested without a framework and the worker wires them in one place. Procedures add theirs here.
 */
export function createActivities(deps: ActivityDeps) {
  const notifications = createNotificationActivities({
    dataSource: deps.dataSource,
    adapters: deps.notificationAdapters ?? {},
    fallback: new LogNotificationAdapter(),
  });
  return {
    ...notifications,
    ...createDeadlineActivities({ dataSource: deps.dataSource }),
    ...createRegistryActivities({ dataSource: deps.dataSource }),
    ...createPlatformOutboxActivities({
      dataSource: deps.dataSource,
      adapter: deps.platformAdapter ?? new LocalSinkPlatformAdapter(deps.dataSource),
    }),
    ...createObjectionActivities({ dataSource: deps.dataSource, notify: notifications.notify }),
    ...createCommitmentActivities({ dataSource: deps.dataSource }),
    ...createRepairActivities({ dataSource: deps.dataSource }),
    ...createRectificationActivities({ dataSource: deps.dataSource }),
    // The case kit's read models and the supervision index, as each procedure declares them.
    ...createCaseActivities({ dataSource: deps.dataSource, procedures: CASE_PROCEDURES }),
    // The quarterly supervision report (workflows/supervision/quarterly-reports.ts).
    ...createSupervisionActivities({
      dataSource: deps.dataSource,
      procedures: CASE_PROCEDURES,
      notify: notifications.notify,
    }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
