import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { findFreePort } from '../../infra/net';

export const ROOT = path.resolve(__dirname, '..', '..');

/** The whole service as `npm start` runs it, on a fresh data directory and free ports. */
export interface LaunchedService {
  child: ChildProcess;
  env: NodeJS.ProcessEnv;
  baseUrl: string;
  output(): string;
  /** SIGINT (Ctrl-C), then waits for the exit; removes the data directory. */
  stop(): Promise<void>;
}

export async function launchService(): Promise<LaunchedService> {
  mkdirSync(path.join(ROOT, '.test-data'), { recursive: true });
  const dataDir = mkdtempSync(path.join(ROOT, '.test-data', 'service-'));
  chmodSync(dataDir, 0o755);
  const port = await findFreePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    EMBEDDED_POSTGRES_PORT: String(await findFreePort()),
    EMBEDDED_TEMPORAL_PORT: String(await findFreePort()),
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
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const service: LaunchedService = {
    child,
    env,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => out,
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
