import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';

export interface EmbeddedTemporalOptions {
  port: number;
  namespace: string;
  /** A directory of the dev server's own (created if missing). */
  dataDir: string;
  /**
   * PostgreSQL database that keeps the dev server's state (in its own schema, `temporal_dev`), so
   * running workflows survive a restart. Without it, state is in memory and ends with the process.
   */
  databaseUrl?: string;
  onLog?: (line: string) => void;
  readyTimeoutMs?: number;
}

export interface EmbeddedTemporalHandle {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export const DEV_SERVER_BIN = path.resolve(
  __dirname,
  '..',
  'temporal-dev-server',
  'bin',
  'temporal-dev-server',
);

/**
 * Starts the project's Temporal-compatible development server (infra/temporal-dev-server) as a
 * child process with the same arguments the official `temporal server start-dev` takes, and waits
 * until it answers gRPC. Never used when TEMPORAL_ADDRESS points at a real cluster.
 */
export async function startEmbeddedTemporal(
  options: EmbeddedTemporalOptions,
): Promise<EmbeddedTemporalHandle> {
  mkdirSync(options.dataDir, { recursive: true });
  const address = `127.0.0.1:${options.port}`;
  const child = spawn(
    process.execPath,
    [
      DEV_SERVER_BIN,
      'server',
      'start-dev',
      '--port',
      String(options.port),
      '--namespace',
      options.namespace,
      '--ip',
      '127.0.0.1',
      ...(options.databaseUrl ? ['--db-url', options.databaseUrl] : []),
      '--headless',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let exited: string | undefined;
  let stderrTail = '';
  child.on('exit', (code, signal) => (exited = `exited with ${signal ?? code}`));
  const forward = (chunk: Buffer) =>
    chunk
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .forEach((l) => options.onLog?.(l));
  child.stdout?.on('data', forward);
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-2000);
    forward(chunk);
  });

  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) throw new Error(`Temporal dev server ${exited}: ${stderrTail.trim()}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: '1s' });
      try {
        await connection.workflowService.getSystemInfo({});
      } finally {
        await connection.close();
      }
      return { address, process: child, stop };
    } catch (err) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`Temporal dev server did not become ready on ${address}: ${String(err)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
