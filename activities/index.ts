import type { DataSource } from 'typeorm';
import type { NotificationChannel } from '../workflows/case/notices';
import { createDeadlineActivities } from './deadlines/deadline-activities';
import { LogNotificationAdapter, NotificationAdapter } from './notifications/adapters';
import { createNotificationActivities } from './notifications/notifications';
import { createCaseActivities } from './case/publish-case';
import { createCommitmentActivities } from './commitment/commitment-activities';
import { writeCommitmentCase } from './commitment/commitment-read-model';
import { createRepairActivities } from './repair/repair-activities';
import { writeRepairCase } from './repair/repair-read-model';
import { createRectificationActivities } from './rectification/rectification-activities';
import { writeRectificationCase } from './rectification/rectification-read-model';
import { createObjectionActivities, writeObjectionCase } from './objection/objection-activities';
import { LocalSinkPlatformAdapter, PlatformAdapter } from './platform/adapters';
import { createPlatformOutboxActivities } from './platform/push';
import { createRegistryActivities } from './registry/registry-activities';

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
    // The case kit's read models, one writer per procedure.
    ...createCaseActivities({
      dataSource: deps.dataSource,
      writers: {
        objection: writeObjectionCase,
        commitment: writeCommitmentCase,
        repair: writeRepairCase,
        rectification: writeRectificationCase,
      },
    }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
