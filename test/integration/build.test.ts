import { ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { findFreePort } from '../../infra/net';
import { startEmbeddedTemporal, type EmbeddedTemporalHandle } from '../../infra/temporal/embedded-temporal';
import { createTestDatabase } from '../support/database';

const ROOT = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);

/**
 * What `npm run build` makes is what the deployment image runs (infra/deploy/Dockerfile:
 * `node dist/apps/api/main.js`): the compiled API must serve the browser console, whose files
 * are not TypeScript and are copied by infra/copy-build-assets.js.
 */
describe('the build (npm run build, as the deployment image runs it)', () => {
  let app: string;
  let out: string;
  let dataDir: string;
  let database: { url: string; drop: () => Promise<void> };
  let api: ChildProcess | undefined;
  let temporal: EmbeddedTemporalHandle | undefined;
  let baseUrl: string;
  let output = '';

  beforeAll(async () => {
    // The image's layout: /app/dist, /app/node_modules, /app/package.json.
    app = mkdtempSync(path.join(tmpdir(), 'build-'));
    out = path.join(app, 'dist');
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(app, 'node_modules'), 'dir');
    copyFileSync(path.join(ROOT, 'package.json'), path.join(app, 'package.json'));
    dataDir = mkdtempSync(path.join(tmpdir(), 'build-data-'));
    // The build script's two steps, into a directory of the test's own.
    await run(
      process.execPath,
      [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', out],
      { cwd: ROOT },
    );
    await run(process.execPath, [path.join(ROOT, 'infra/copy-build-assets.js'), out], { cwd: ROOT });

    database = await createTestDatabase('build');
    const port = await findFreePort();
    // The API connects to Temporal at start (the workflows it starts); the dev server in memory.
    temporal = await startEmbeddedTemporal({
      port: await findFreePort(),
      namespace: 'default',
      dataDir: path.join(dataDir, 'temporal'),
    });
    baseUrl = `http://127.0.0.1:${port}`;
    api = spawn(process.execPath, ['dist/apps/api/main.js'], {
      cwd: app,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: temporal.address,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    api.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    api.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (api.exitCode !== null) throw new Error(`the compiled API exited (${api.exitCode}):\n${output}`);
      const up = await fetch(`${baseUrl}/`).then(
        (r) => r.status < 500,
        () => false,
      );
      if (up) break;
      if (Date.now() > deadline) throw new Error(`the compiled API did not answer in 60 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 180_000);

  afterAll(async () => {
    if (api && api.exitCode === null) {
      const exited = new Promise((r) => api!.once('exit', r));
      api.kill('SIGKILL');
      await exited;
    }
    await temporal?.stop();
    await database?.drop();
    rmSync(app, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('carries every run-time asset next to the compiled code', () => {
    const console = path.join(out, 'apps/api/console/public');
    expect(readdirSync(console).sort()).toEqual(
      readdirSync(path.join(ROOT, 'apps/api/console/public')).sort(),
    );
    expect(existsSync(path.join(out, 'infra/database/postgres-watchdog.js'))).toBe(true);
  });

  it('serves the browser console from the compiled API: the page, its script and its style', async () => {
    const page = await fetch(`${baseUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('<html');
    for (const file of ['app.mjs', 'console.css']) {
      const res = await fetch(`${baseUrl}/console/${file}`);
      expect(res.status).toBe(200);
    }
  });
});
