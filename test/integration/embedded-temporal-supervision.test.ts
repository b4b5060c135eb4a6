import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { findFreePort } from '../../infra/net';
import { startEmbeddedTemporal, type EmbeddedTemporalHandle } from '../../infra/temporal/embedded-temporal';

const ROOT = path.resolve(__dirname, '..', '..');

async function waitUntil(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const exitOf = (handle: EmbeddedTemporalHandle) =>
  new Promise<void>((resolve) => handle.process.once('exit', () => resolve()));

async function answers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: '1s' });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

/**
 * The embedded dev server's supervisor (what keeps `npm start` whole when the server exits by
 * itself: its fail-stop on a lost PostgreSQL, a crash, the OOM killer).
 */
describe('embedded Temporal dev server supervision', () => {
  jest.setTimeout(240_000);
  let dataDir: string;
  let handle: EmbeddedTemporalHandle | undefined;
  const notices: string[] = [];

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(ROOT, '.test-data', 'supervision-'));
    notices.length = 0;
  });
  afterEach(async () => {
    await handle?.stop();
    handle = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts a killed server again, keeps trying with a growing delay while it cannot come up, and never after stop()', async () => {
    const port = await findFreePort();
    handle = await startEmbeddedTemporal({
      port,
      namespace: 'default',
      dataDir,
      supervised: true,
      onNotice: (line) => notices.push(line),
    });
    const first = handle.process.pid;

    // While the port is taken the server cannot come up: the supervisor waits 1 s, 2 s, 4 s…
    const exited = exitOf(handle);
    handle.process.kill('SIGKILL');
    await exited;
    // Another program on the port, hanging up on whoever calls.
    const squatter: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      await waitUntil('two failed restarts', () => notices.filter((n) => n.includes('意外退出')).length >= 3);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
    await waitUntil('the server restarted', () => handle!.restarts() === 1);
    expect(handle.process.pid).not.toBe(first);
    expect(await answers(handle.address)).toBe(true);
    const delays = notices
      .filter((n) => n.includes('意外退出'))
      .map((n) => Number(/(\d+) 秒后重新启动/.exec(n)?.[1]));
    expect(delays.slice(0, 3)).toEqual([1, 2, 4]);
    expect(notices[0]).toContain('信号 SIGKILL');
    expect(notices.at(-1)).toContain('已重新启动（第 1 次）');

    // Stopped on purpose: it stays stopped (the supervisor hears the exit before stop() returns).
    const last = handle.process;
    const before = notices.length;
    await handle.stop();
    expect(last.exitCode !== null || last.signalCode !== null).toBe(true);
    expect(notices.slice(before)).toEqual([]);
    expect(handle.restarts()).toBe(1);
    handle = undefined;
  });

  it('keeps closed runs for the configured retention, set again on a server its supervisor restarted', async () => {
    const retentionDays = async (address: string) => {
      const connection = await Connection.connect({ address });
      try {
        const { config } = await connection.workflowService.describeNamespace({ namespace: 'default' });
        return Number(config?.workflowExecutionRetentionTtl?.seconds ?? 0) / 86_400;
      } finally {
        await connection.close();
      }
    };
    handle = await startEmbeddedTemporal({
      port: await findFreePort(),
      namespace: 'default',
      dataDir,
      supervised: true,
      retentionDays: 30,
    });
    expect(await retentionDays(handle.address)).toBe(30);
    const exited = exitOf(handle);
    handle.process.kill('SIGKILL');
    await exited;
    // In memory, the restarted server begins with its own default namespace (1 day).
    await waitUntil('the server restarted', () => handle!.restarts() === 1);
    expect(await retentionDays(handle.address)).toBe(30);
  });

  it('leaves an unsupervised server down, and supervise(true) takes effect for the next exit', async () => {
    const port = await findFreePort();
    handle = await startEmbeddedTemporal({
      port,
      namespace: 'default',
      dataDir,
      onNotice: (l) => notices.push(l),
    });
    let exited = exitOf(handle);
    handle.process.kill('SIGKILL');
    await exited; // the supervisor's exit listener ran before this one
    expect({ restarts: handle.restarts(), notices }).toEqual({ restarts: 0, notices: [] });
    expect(await answers(handle.address)).toBe(false);
    await handle.stop();

    handle = await startEmbeddedTemporal({
      port,
      namespace: 'default',
      dataDir,
      onNotice: (l) => notices.push(l),
    });
    handle.supervise(true);
    exited = exitOf(handle);
    handle.process.kill('SIGTERM');
    await exited;
    await waitUntil('the server restarted', () => handle!.restarts() === 1);
    expect(await answers(handle.address)).toBe(true);
  });
});
