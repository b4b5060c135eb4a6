import { inspect } from 'node:util';
import { NativeConnection, Runtime, Worker, DefaultLogger, LogEntry } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createActivities } from '../../activities';
import { HttpWebhookPlatformAdapter } from '../../activities/platform/adapters';
import type { WorkerStatusSource } from '../../infra/temporal/worker-status';
import { maskPersonalData } from '../../infra/logging/personal-data';
import { ensureSearchAttributes } from './search-attributes';

export interface CreditWorkerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  dataSource: DataSource;
  /** Push registry changes to this webhook; unset: the local platform_sink table. */
  platformWebhookUrl?: string;
  logLevel?: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Workflows kept in memory between tasks; undefined: the SDK's default (from the heap size). */
  cachedWorkflows?: number;
  /** gzip on gRPC requests (a remote cluster) or none (a server on this machine): config.temporal.compression. */
  compression: 'gzip' | 'none';
}

export interface CreditWorker extends WorkerStatusSource {
  worker: Worker;
  /** Resolves when the worker has stopped (after shutdown() or a fatal error). */
  run(): Promise<void>;
  shutdown(): Promise<void>;
}

let runtimeInstalled = false;

/** The SDK's log lines (activity failures carry error messages) with personal data masked, on stderr. */
function maskedLogLine({ level, message, meta, timestampNanos }: LogEntry): void {
  const time = new Date(Number(timestampNanos / 1_000_000n)).toISOString();
  const details = meta === undefined ? '' : ` ${inspect(meta, { breakLength: Infinity, depth: 4 })}`;
  process.stderr.write(maskPersonalData(`${time} [${level}] ${message}${details}`) + '\n');
}

/** Creates the worker of this service: every workflow in workflows/, every activity from activities/. */
export async function createCreditWorker(options: CreditWorkerOptions): Promise<CreditWorker> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger(options.logLevel ?? 'WARN', maskedLogLine) });
    runtimeInstalled = true;
  }
  const connection = await NativeConnection.connect({
    address: options.address,
    grpcCompression: { codec: options.compression },
  });
  await ensureSearchAttributes(connection, options.namespace);
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    ...(options.cachedWorkflows !== undefined ? { maxCachedWorkflows: options.cachedWorkflows } : {}),
    activities: createActivities({
      dataSource: options.dataSource,
      platformAdapter: options.platformWebhookUrl
        ? new HttpWebhookPlatformAdapter({ url: options.platformWebhookUrl })
        : undefined,
    }),
  });
  let running: Promise<void> | undefined;
  return {
    worker,
    state: () => worker.getState(),
    run() {
      running ??= worker.run().finally(() => connection.close());
      return running;
    },
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
