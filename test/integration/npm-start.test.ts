import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { findFreePort } from '../../infra/net';

const ROOT = path.resolve(__dirname, '..', '..');

interface Launch {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function launch(env: NodeJS.ProcessEnv): Launch {
  const child = spawn(process.execPath, ['infra/run-ts.js', 'apps/launcher/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitFor(launched: Launch, text: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!launched.output().includes(text)) {
    if (launched.child.exitCode !== null) throw new Error(`launcher exited early:\n${launched.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for "${text}":\n${launched.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `npm start` as an operator runs it: every component embedded, one line each, Ctrl-C stops all. */
describe('npm start (embedded stack)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(ROOT, '.test-data', 'start-'));
    chmodSync(dataDir, 0o755);
    env = {
      DATA_DIR: dataDir,
      PORT: String(await findFreePort()),
      EMBEDDED_POSTGRES_PORT: String(await findFreePort()),
      EMBEDDED_TEMPORAL_PORT: String(await findFreePort()),
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
    };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves /health 200 with every component up, stops cleanly on SIGINT, reuses its data on restart, and starts a killed dev server again', async () => {
    const first = launch(env);
    try {
      await waitFor(first, '已就绪');
      const out = first.output();
      for (const component of ['PostgreSQL（嵌入式）', 'Temporal（开发服务器）', 'Worker', 'API']) {
        expect(out).toContain(component);
      }
      expect(out).toContain('npm run token');
      const health = await fetch(`http://127.0.0.1:${env.PORT}/health`);
      const body = await health.json();
      expect(body).toMatchObject({
        status: 'up',
        components: { database: { status: 'up' }, temporal: { status: 'up' }, worker: { status: 'up' } },
      });
      expect(health.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${env.PORT}/docs-json`)).status).toBe(200);
    } finally {
      first.child.kill('SIGINT');
    }
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('已停止');
    const publicKey = path.join(dataDir, 'auth', 'jwt-public.pem');
    expect(existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
    expect(existsSync(publicKey)).toBe(true);
    const keyBefore = readFileSync(publicKey, 'utf8');

    const second = launch(env);
    try {
      await waitFor(second, '已就绪');
      expect((await fetch(`http://127.0.0.1:${env.PORT}/health`)).status).toBe(200);

      // The dev server killed on its own (the OOM killer; its fail-stop on a lost PostgreSQL
      // exits the same way): the launcher starts it again and the service is whole once more.
      const devServerPid = () =>
        (
          JSON.parse(readFileSync(path.join(dataDir, 'temporal', 'dev-server.pid'), 'utf8')) as {
            server: { pid: number };
          }
        ).server.pid;
      const killed = devServerPid();
      process.kill(killed, 'SIGKILL');
      await waitFor(second, 'Temporal 开发服务器已重新启动（第 1 次）');
      expect(second.output()).toContain('Temporal 开发服务器意外退出（信号 SIGKILL）');
      expect(devServerPid()).not.toBe(killed);
      let health: { status?: string; components?: Record<string, { status: string }> } = {};
      for (let i = 0; i < 150 && health.components?.worker?.status !== 'up'; i++) {
        await new Promise((r) => setTimeout(r, 200));
        health = (await (await fetch(`http://127.0.0.1:${env.PORT}/health`)).json()) as typeof health;
      }
      expect(health).toMatchObject({
        status: 'up',
        components: { temporal: { status: 'up' }, worker: { status: 'up' } },
      });
    } finally {
      second.child.kill('SIGINT');
    }
    expect(await second.exited).toBe(0);
    expect(readFileSync(publicKey, 'utf8')).toBe(keyBefore);
  });

  it('fails fast with a message naming the variable when the configuration is bad', async () => {
    const bad = launch({ ...env, TEMPORAL_ADDRESS: 'http://nowhere' });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain('TEMPORAL_ADDRESS');
  });
});
