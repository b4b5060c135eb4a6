import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { prettyStream } from '../../apps/api/core/log-output';
import { findFreePort } from '../../infra/net';
import { DevServerHandle, start } from '../../infra/temporal-dev-server';
import { createTestDatabase } from '../support/database';

const ROOT = path.resolve(__dirname, '..', '..');

interface Run {
  child: ChildProcess;
  stdout: () => string;
  exited: Promise<number | null>;
}

/** `npm run start:api` with stdout a pipe (not a terminal), as a container or `| tee` runs it. */
function startApi(env: NodeJS.ProcessEnv): Run {
  const child = spawn(process.execPath, ['infra/run-ts.js', 'apps/api/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, exited };
}

async function waitFor(run: Run, text: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!run.stdout().includes(text)) {
    if (run.child.exitCode !== null) throw new Error(`API exited early:\n${run.stdout()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for "${text}":\n${run.stdout()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type LogLine = Record<string, unknown> & { level: number; msg?: string; context?: string };

/** Runs the API at `level`, makes one request, stops it, and answers its console output. */
async function consoleAt(level: string, env: NodeJS.ProcessEnv): Promise<{ text: string; json: LogLine[] }> {
  const port = await findFreePort();
  const run = startApi({ ...env, PORT: String(port), LOG_LEVEL: level });
  try {
    await waitFor(run, '✔ API');
    expect((await fetch(`http://127.0.0.1:${port}/api/me`)).status).toBe(401);
    await waitFor(run, '/api/me');
  } finally {
    run.child.kill('SIGINT');
  }
  await run.exited;
  const text = run.stdout();
  const json = text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
  return { text, json };
}

describe('the API console (npm start, npm run start:api)', () => {
  let server: DevServerHandle;
  let db: { url: string; drop: () => Promise<void> };
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    server = await start({ port: 0 });
    db = await createTestDatabase('console');
    dataDir = mkdtempSync(path.join(tmpdir(), 'console-'));
    env = {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: server.address,
      DATA_DIR: dataDir,
      START_WORKER: 'false',
    };
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('at info, not on a terminal: the start-up lines, then JSON lines only, no route listing, one concise line per request', async () => {
    const { text, json } = await consoleAt('info', env);
    expect(text).toContain('✔ API');
    // Every line is a start-up line of the launcher (indented) or one JSON object.
    for (const line of text.split('\n').filter(Boolean)) {
      expect(line.startsWith('{') || line.startsWith('  ')).toBe(true);
    }
    expect(text).not.toContain('Mapped {');
    expect(
      json.filter((l) => ['RoutesResolver', 'RouterExplorer', 'InstanceLoader'].includes(l.context ?? '')),
    ).toEqual([]);
    const requests = json.filter((l) => l.msg?.startsWith('GET /api/me'));
    expect(requests).toHaveLength(1);
    expect(requests[0].msg).toMatch(/^GET \/api\/me 401 \d+ms$/);
    expect(requests[0].level).toBe(30);
    expect(Object.keys(requests[0].req as object).sort()).toEqual(['id', 'method', 'url']);
    expect(requests[0].res).toEqual({ statusCode: 401 });
  });

  it('at debug: the route listing and each request in detail', async () => {
    const { json } = await consoleAt('debug', env);
    const routes = json.filter((l) => l.context === 'RouterExplorer');
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.every((l) => l.level === 20)).toBe(true);
    expect(routes.map((l) => l.msg)).toContain('Mapped {/api/me, GET} route');
    const request = json.find((l) => l.msg?.startsWith('GET /api/me 401'))!;
    expect((request.req as { headers?: object }).headers).toEqual(expect.any(Object));
  });

  it('on a terminal: human-readable lines, not JSON', () => {
    let written = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written += chunk.toString();
        done();
      },
    });
    const logger = pino({ level: 'info' }, prettyStream('info', sink));
    logger.info({ context: 'ObjectionsService', req: { id: 'r1' } }, '异议案件已受理');
    expect(written).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: \[ObjectionsService\] 异议案件已受理\n$/);
  });
});
