import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { findFreePort } from '../../infra/net';

export const ROOT = path.resolve(__dirname, '..', '..');

/** The ports a launched service listens on. */
export interface ServicePorts {
  api: number;
  postgres: number;
  temporal: number;
}

/** The whole service as `npm start` runs it, on a fresh data directory and free ports. */
export interface LaunchedService {
  child: ChildProcess;
  env: NodeJS.ProcessEnv;
  baseUrl: string;
  dataDir: string;
  ports: ServicePorts;
  output(): string;
  /** Resolves when the launcher process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGINT (Ctrl-C), then waits for the exit; removes the data directory. */
  stop(): Promise<void>;
  /** Sends `signal` to the launcher process alone (not its group), waits for its exit; keeps the data directory. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

export interface LaunchOptions {
  /** Launch on this data directory (e.g. an earlier launch's) instead of a fresh one. */
  dataDir?: string;
  /** Listen on these ports (e.g. an earlier launch's) instead of free ones. */
  ports?: ServicePorts;
}

export async function launchService(options: LaunchOptions = {}): Promise<LaunchedService> {
  mkdirSync(path.join(ROOT, '.test-data'), { recursive: true });
  const dataDir = options.dataDir ?? mkdtempSync(path.join(ROOT, '.test-data', 'service-'));
  chmodSync(dataDir, 0o755);
  const ports: ServicePorts = options.ports ?? {
    api: await findFreePort(),
    postgres: await findFreePort(),
    temporal: await findFreePort(),
  };
  const port = ports.api;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    EMBEDDED_POSTGRES_PORT: String(ports.postgres),
    EMBEDDED_TEMPORAL_PORT: String(ports.temporal),
    LOG_LEVEL: 'warn',
    DATABASE_URL: '',
    TEMPORAL_ADDRESS: '',
  };
  const child = spawn(process.execPath, ['infra/run-ts.js', 'apps/launcher/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const service: LaunchedService = {
    child,
    env,
    baseUrl: `http://127.0.0.1:${port}`,
    dataDir,
    ports,
    output: () => out,
    exited,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 120_000;
  while (!out.includes('已就绪')) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${out}`);
    if (Date.now() > deadline) {
      await service.stop();
      throw new Error(`npm start not ready in 120 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return service;
}
