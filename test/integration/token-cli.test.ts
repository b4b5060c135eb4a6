import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { startTestApi, TestApi } from '../support/api';

const ROOT = path.resolve(__dirname, '..', '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run token -- <args>` as an operator runs it (the same entry point, without npm's banner). */
function token(args: string[], dataDir: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['infra/run-ts.js', 'apps/api/auth/token-cli.ts', ...args],
      { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A line of a Node stack trace: "    at fn (file:line:col)". */
const STACK_LINE = /^\s+at /m;

describe('npm run token', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'token-cli-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('--help prints the Chinese usage with every option and an example, and exits 0', async () => {
    const run = await token(['--help'], dataDir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('用法：npm run token');
    for (const option of ['--role', '--sub', '--department', '--jurisdiction', '--ttl', '--help']) {
      expect(run.stdout).toContain(option);
    }
    expect(run.stdout).toContain('示例：');
    expect(run.stdout).toMatch(/npm run token -- --role supervisor/);
    expect(run.stderr).not.toMatch(STACK_LINE);
  });

  it.each([
    [['--bogus'], '未知选项：--bogus'],
    [['--role'], '选项 --role 需要一个值'],
    [['--role', 'supervisor', 'extra'], '多余的参数：extra'],
    [['--role', 'supervisor', '--ttl', '8 hours'], '--ttl 的值「8 hours」无效'],
    [['--sub', 'zhang.san'], '请用 --role 指定角色'],
    [['--role', 'chief'], '未知角色：chief'],
  ])(
    'a wrong call %j says what is wrong, prints the usage and exits 2 without a stack trace',
    async (args, says) => {
      const run = await token(args, dataDir);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(says);
      expect(run.stderr).toContain('用法：npm run token');
      expect(run.stderr).not.toMatch(STACK_LINE);
    },
  );

  describe('a valid call', () => {
    let api: TestApi;

    beforeAll(async () => {
      // The API verifies with the key pair the CLI generated into the same DATA_DIR.
      await token(['--role', 'admin'], dataDir);
      api = await startTestApi({ env: { DATA_DIR: dataDir } });
    });
    afterAll(() => api.close());

    it('prints one token on stdout that the API accepts with the given claims', async () => {
      const run = await token(
        [
          '--role',
          'caseworker',
          '--role',
          'provider',
          '--jurisdiction',
          'ningjin',
          '--sub',
          'zhang.san',
          '--ttl',
          '30m',
        ],
        dataDir,
      );
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      const lines = run.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const me = await request(api.app.getHttpServer())
        .get('/api/me')
        .set('Authorization', `Bearer ${lines[0]}`);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({
        sub: 'zhang.san',
        roles: ['caseworker', 'provider'],
        jurisdiction: 'ningjin',
      });
      const claims = JSON.parse(Buffer.from(lines[0].split('.')[1], 'base64url').toString()) as {
        iat: number;
        exp: number;
      };
      expect(claims.exp - claims.iat).toBe(30 * 60);
    });

    it('runs every `npm run token -- …` example of README.md as printed: each token is accepted', async () => {
      const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
      const examples = [...readme.matchAll(/`npm run token -- ([^`]+)`/g)]
        .map((m) => m[1].trim())
        .filter((args) => args !== '--help' && !args.includes('<'));
      expect(examples.length).toBeGreaterThanOrEqual(2);
      for (const example of examples) {
        const run = await token(example.split(/\s+/), dataDir);
        expect({ example, code: run.code, stderr: run.stderr }).toEqual({ example, code: 0, stderr: '' });
        const me = await request(api.app.getHttpServer())
          .get('/api/me')
          .set('Authorization', `Bearer ${run.stdout.trim()}`);
        expect({ example, status: me.status }).toEqual({ example, status: 200 });
      }
    });

    it('reads a bare number of seconds as seconds', async () => {
      const run = await token(['--role', 'supervisor', '--jurisdiction', 'ningjin', '--ttl', '90'], dataDir);
      expect(run.code).toBe(0);
      const claims = JSON.parse(Buffer.from(run.stdout.trim().split('.')[1], 'base64url').toString()) as {
        iat: number;
        exp: number;
      };
      expect(claims.exp - claims.iat).toBe(90);
    });
  });
});
