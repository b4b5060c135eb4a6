import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { commandOf, identityOf, stillRunning, stopProcess, type ProcessIdentity } from '../process-identity';

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
  /** Receives what an operator should see (in Chinese), e.g. a stale server being stopped. */
  onNotice?: (line: string) => void;
  readyTimeoutMs?: number;
  /**
   * Days the namespace keeps a closed run (its history), set with UpdateNamespace once the server
   * answers; the server's own default is 1 day, as the real dev server's. Unset: left as it is.
   */
  retentionDays?: number;
  /**
   * Start the server again when it exits without being asked to (its fail-stop on a lost
   * PostgreSQL, a crash, the OOM killer), as systemd's Restart=always would: after 1 s, then with
   * a doubling delay up to 30 s while it cannot come up (PostgreSQL still away). Default off;
   * `supervise()` on the handle turns it on and off.
   */
  supervised?: boolean;
}

export interface EmbeddedTemporalHandle {
  address: string;
  /** The server process running now (a new one after each restart). */
  readonly process: ChildProcess;
  /** How many times the supervisor started the server again. */
  restarts(): number;
  supervise(on: boolean): void;
  stop(): Promise<void>;
}

const RESTART_FIRST_DELAY_MS = 1_000;
const RESTART_MAX_DELAY_MS = 30_000;

export const DEV_SERVER_BIN = path.resolve(
  __dirname,
  '..',
  'temporal-dev-server',
  'bin',
  'temporal-dev-server',
);

/** What `dev-server.pid` in the data directory records: the server and the process that started it. */
interface DevServerPidFile {
  server: ProcessIdentity;
  owner: ProcessIdentity;
  port: number;
}

const pidFileOf = (dataDir: string) => path.join(dataDir, 'dev-server.pid');

function readPidFile(dataDir: string): DevServerPidFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(pidFileOf(dataDir), 'utf8')) as DevServerPidFile;
    return typeof parsed?.server?.pid === 'number' && typeof parsed?.owner?.pid === 'number'
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The data directory's lock: a dev server an earlier start of this data directory left running
 * (its launcher died without stopping it) is stopped; one whose starter still runs is another
 * instance on the same directory, and we refuse. A pid file naming any other process (a reused
 * pid, not our executable) is ignored.
 */
export async function stopStaleDevServer(dataDir: string, notice?: (line: string) => void): Promise<void> {
  const recorded = readPidFile(dataDir);
  if (!recorded) return;
  const command = commandOf(recorded.server.pid);
  const ours = stillRunning(recorded.server) && (command === undefined || command.includes(DEV_SERVER_BIN));
  if (ours && recorded.owner.pid !== process.pid && stillRunning(recorded.owner)) {
    throw new Error(
      `数据目录 ${dataDir} 的 Temporal 开发服务器（进程 ${recorded.server.pid}）正由另一个运行中的进程 ${recorded.owner.pid} 使用；` +
        '请先停止该实例，或为本实例设置另一个 DATA_DIR。',
    );
  }
  if (ours) {
    notice?.(
      `发现上次未正常退出时遗留的 Temporal 开发服务器（进程 ${recorded.server.pid}，端口 ${recorded.port}），正在停止它…`,
    );
    const stopped = await stopProcess(recorded.server, [
      { signal: 'SIGTERM', graceMs: 10_000 },
      { signal: 'SIGKILL', graceMs: 2_000 },
    ]);
    if (!stopped) {
      throw new Error(
        `无法停止遗留的 Temporal 开发服务器（进程 ${recorded.server.pid}），请手动结束该进程后重新启动。`,
      );
    }
    notice?.(`已停止遗留的 Temporal 开发服务器（进程 ${recorded.server.pid}）。`);
  }
  rmSync(pidFileOf(dataDir), { force: true });
}

/**
 * Starts the project's Temporal-compatible development server (infra/temporal-dev-server) as a
 * child process with the same arguments the official `temporal server start-dev` takes, and waits
 * until it answers gRPC. Never used when TEMPORAL_ADDRESS points at a real cluster. Supervised,
 * a server that exits by itself is started again (its state is in PostgreSQL: it recovers).
 */
export async function startEmbeddedTemporal(
  options: EmbeddedTemporalOptions,
): Promise<EmbeddedTemporalHandle> {
  mkdirSync(options.dataDir, { recursive: true });
  const dataDir = path.resolve(options.dataDir);
  await stopStaleDevServer(dataDir, options.onNotice);
  const address = `127.0.0.1:${options.port}`;
  const supervisor = {
    on: options.supervised ?? false,
    stopping: false,
    restarts: 0,
    delayMs: RESTART_FIRST_DELAY_MS,
    timer: undefined as NodeJS.Timeout | undefined,
  };
  let current = await launchDevServer(options, dataDir, address);

  /** After an exit nobody asked for: start again, with a growing delay while it cannot come up. */
  const restartLater = (why: string) => {
    if (!supervisor.on || supervisor.stopping) return;
    options.onNotice?.(
      `Temporal 开发服务器意外退出（${why}），${Math.round(supervisor.delayMs / 1000)} 秒后重新启动…`,
    );
    supervisor.timer = setTimeout(() => {
      supervisor.timer = undefined;
      if (supervisor.stopping) return;
      launchDevServer(options, dataDir, address).then(
        (child) => {
          if (supervisor.stopping) {
            void stopChild(child);
            return;
          }
          current = child;
          supervisor.restarts++;
          supervisor.delayMs = RESTART_FIRST_DELAY_MS;
          options.onNotice?.(
            `Temporal 开发服务器已重新启动（第 ${supervisor.restarts} 次），从存储恢复运行中的案件。`,
          );
          watch(child);
        },
        (err: unknown) => {
          supervisor.delayMs = Math.min(supervisor.delayMs * 2, RESTART_MAX_DELAY_MS);
          restartLater(String(err instanceof Error ? err.message : err).split('\n')[0]);
        },
      );
    }, supervisor.delayMs);
    supervisor.timer.unref();
  };
  const watch = (child: ChildProcess) =>
    child.once('exit', (code, signal) => {
      if (child === current) restartLater(signal ? `信号 ${signal}` : `退出码 ${code}`);
    });
  watch(current);

  return {
    address,
    get process() {
      return current;
    },
    restarts: () => supervisor.restarts,
    supervise: (on) => {
      supervisor.on = on;
      if (!on && supervisor.timer) {
        clearTimeout(supervisor.timer);
        supervisor.timer = undefined;
      }
    },
    stop: async () => {
      supervisor.stopping = true;
      if (supervisor.timer) clearTimeout(supervisor.timer);
      await stopChild(current);
    },
  };
}

/** SIGTERM, then SIGKILL after 10 s; resolves when the process has exited. */
function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

/** One server process, spawned, recorded in the data directory's pid file, and answering gRPC. */
async function launchDevServer(
  options: EmbeddedTemporalOptions,
  dataDir: string,
  address: string,
): Promise<ChildProcess> {
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
    // The IPC channel is the server's tie to us: when it closes (we died), the server stops.
    { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  if (child.pid !== undefined) {
    const record: DevServerPidFile = {
      server: identityOf(child.pid),
      owner: identityOf(process.pid),
      port: options.port,
    };
    writeFileSync(pidFileOf(dataDir), JSON.stringify(record) + '\n');
  }
  // The channel must not keep this process alive on its own.
  child.channel?.unref();
  let exited: string | undefined;
  let stderrTail = '';
  child.on('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`;
    if (readPidFile(dataDir)?.server.pid === child.pid) rmSync(pidFileOf(dataDir), { force: true });
  });
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

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) throw new Error(`Temporal dev server ${exited}: ${stderrTail.trim()}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: '1s' });
      try {
        await connection.workflowService.getSystemInfo({});
        if (options.retentionDays !== undefined) {
          await connection.workflowService.updateNamespace({
            namespace: options.namespace,
            config: { workflowExecutionRetentionTtl: msToTs(`${options.retentionDays} days`) },
          });
        }
      } finally {
        await connection.close();
      }
      return child;
    } catch (err) {
      if (Date.now() > deadline) {
        await stopChild(child);
        throw new Error(`Temporal dev server did not become ready on ${address}: ${String(err)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
