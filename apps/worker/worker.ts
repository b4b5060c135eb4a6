import { NativeConnection, Runtime, Worker, DefaultLogger } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createActivities } from '../../activities';
import { HttpWebhookPlatformAdapter } from '../../activities/platform/adapters';
import type { WorkerStatusSource } from '../../infra/temporal/worker-status';
import { ensureSearchAttributes } from './search-attributes';

export interface CreditWorkerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  dataSource: DataSource;
  /** Push registry changes to this webhook; unset: the local platform_sink table. */
  platformWebhookUrl?: string;
  logLevel?: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

export interface CreditWorker extends WorkerStatusSource {
  worker: Worker;
  /** Resolves when the worker has stopped (after shutdown() or a fatal error). */
  run(): Promise<void>;
  shutdown(): Promise<void>;
}

let runtimeInstalled = false;

/** Creates the worker of this service: every workflow in workflows/, every activity from activities/. */
export async function createCreditWorker(options: CreditWorkerOptions): Promise<CreditWorker> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger(options.logLevel ?? 'WARN') });
    runtimeInstalled = true;
  }
  const connection = await NativeConnection.connect({ address: options.address });
  await ensureSearchAttributes(connection, options.namespace);
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath: require.resolve('../../workflows'),
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
