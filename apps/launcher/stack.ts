import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { seedReferenceData } from '../../activities/reference-data';
import { createApiApp } from '../api/api';
import { loadSigningKeys } from '../api/auth/signing-keys';
import { TokenService } from '../api/auth/tokens';
import { startRecurringWork } from '../worker/recurring-work';
import { createCreditWorker, CreditWorker } from '../worker/worker';
import type { AppConfig } from '../../infra/config/config';
import { openDatabase } from '../../infra/database/data-source';
import { ensureDatabase, startEmbeddedPostgres } from '../../infra/database/embedded-postgres';
import { connectTemporalClient } from '../../infra/temporal/client';
import { startEmbeddedTemporal } from '../../infra/temporal/embedded-temporal';
import { NO_LOCAL_WORKER } from '../../infra/temporal/worker-status';

export interface StackEvents {
  /** One line per component as it comes up (what, where). */
  ready(component: 'database' | 'temporal' | 'worker' | 'api', line: string): void;
  log?(line: string): void;
  /** What an operator should see whatever the log level (in Chinese): a component restarted. */
  notice?(line: string): void;
}

export interface RunningStack {
  config: AppConfig;
  dataSource: DataSource;
  temporalAddress: string;
  /** Present when the API runs (the worker alone needs no signing keys). */
  tokens?: TokenService;
  worker?: CreditWorker;
  api?: INestApplication;
  apiUrl?: string;
  stop(): Promise<void>;
}

function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/**
 * Brings up the whole service in dependency order: PostgreSQL (embedded unless DATABASE_URL),
 * migrations, Temporal (embedded dev server unless TEMPORAL_ADDRESS), worker, API. Stops in
 * reverse order; a failure part-way stops what was already started.
 */
export async function startStack(
  config: AppConfig,
  events: StackEvents,
  parts: { worker?: boolean; api?: boolean } = {},
): Promise<RunningStack> {
  const stops: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      await stop().catch((err: unknown) => events.log?.(`stop failed: ${String(err)}`));
    }
    stops.length = 0;
  };
  try {
    let databaseUrl = config.database.url;
    if (!databaseUrl) {
      const dataDir = path.join(config.dataDir, 'postgres');
      const pg = await startEmbeddedPostgres({
        dataDir,
        port: config.database.embeddedPort,
        onLog: events.log,
      });
      stops.push(() => pg.stop());
      await ensureDatabase(pg.url, config.database.name);
      databaseUrl = pg.urlFor(config.database.name);
      events.ready('database', `PostgreSQL（嵌入式）  ${redactUrl(databaseUrl)}  数据目录 ${dataDir}`);
    } else {
      events.ready('database', `PostgreSQL（外部）    ${redactUrl(databaseUrl)}`);
    }
    const dataSource = await openDatabase(databaseUrl);
    await seedReferenceData(dataSource);
    // The Nest app's TypeORM module may already have closed the pool when the API stopped.
    stops.push(async () => (dataSource.isInitialized ? dataSource.destroy() : undefined));

    let temporalAddress = config.temporal.address;
    if (!temporalAddress) {
      const temporal = await startEmbeddedTemporal({
        port: config.temporal.embeddedPort,
        namespace: config.temporal.namespace,
        dataDir: path.join(config.dataDir, 'temporal'),
        // The dev server keeps its state in the service's database, in a schema of its own.
        databaseUrl,
        onLog: events.log,
        onNotice: events.notice,
        // Its fail-stop on a lost PostgreSQL (or any crash) is not the end of the service.
        supervised: true,
        retentionDays: config.temporal.embeddedRetentionDays,
      });
      stops.push(() => temporal.stop());
      temporalAddress = temporal.address;
      events.ready(
        'temporal',
        `Temporal（开发服务器） ${temporalAddress}  命名空间 ${config.temporal.namespace}`,
      );
    } else {
      events.ready(
        'temporal',
        `Temporal（外部集群）   ${temporalAddress}  命名空间 ${config.temporal.namespace}`,
      );
    }
    const temporal = await connectTemporalClient(temporalAddress, config.temporal.namespace);
    stops.push(() => temporal.close());

    const running: RunningStack = { config, dataSource, temporalAddress, stop: stopAll };

    if (parts.worker ?? config.temporal.startWorker) {
      const worker = await createCreditWorker({
        address: temporalAddress,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        dataSource,
        platformWebhookUrl: config.platform.webhookUrl,
        cachedWorkflows: config.temporal.cachedWorkflows,
        compression: config.temporal.compression,
      });
      const done = worker.run();
      done.catch((err: unknown) => events.log?.(`worker stopped with an error: ${String(err)}`));
      stops.push(() => worker.shutdown());
      running.worker = worker;
      // The registry's daily chores and the quarterly reports as schedules, the platform push
      // relay; runs of the long-lived workflows they replaced are ended (issue #19).
      await startRecurringWork(temporal.client, { taskQueue: config.temporal.taskQueue, log: events.log });
      events.ready('worker', `Worker                任务队列 ${config.temporal.taskQueue}`);
    }

    if (parts.api ?? true) {
      const tokens = new TokenService(loadSigningKeys(config.auth), config.auth);
      running.tokens = tokens;
      const api = await createApiApp({
        config,
        dataSource,
        temporal: temporal.client,
        temporalProbe: temporal.probe,
        workerStatus: running.worker ?? NO_LOCAL_WORKER,
        tokens,
      });
      await api.listen(config.http.port, config.http.host);
      stops.push(() => api.close());
      running.api = api;
      running.apiUrl = `http://localhost:${config.http.port}`;
      events.ready('api', `API                   ${running.apiUrl}  （接口文档 ${running.apiUrl}/docs）`);
    }
    return running;
  } catch (err) {
    await stopAll();
    throw err;
  }
}
