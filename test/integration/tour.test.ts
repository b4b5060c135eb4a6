import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { launchService, ROOT, type LaunchedService } from '../support/launched-service';

/** The shell blocks of a Markdown document, in order. */
export function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/**
 * docs/tour.md, as a newcomer runs it: every shell block, copied as printed, in one shell, on a
 * fresh `npm start`. A command that fails (curl --fail-with-body on a 4xx/5xx, a missing tool)
 * fails the tour.
 */
describe('the guided tour (docs/tour.md)', () => {
  let service: LaunchedService;
  beforeAll(async () => {
    service = await launchService();
  });
  afterAll(() => service?.stop());

  it('takes one objection from the provider’s record to the written reply, one rectification to its verification and one commitment to its first supplied item, every command as printed', () => {
    const blocks = shellBlocks(readFileSync(path.join(ROOT, 'docs', 'tour.md'), 'utf8'));
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    const script = ['set -euo pipefail', ...blocks].join('\n');
    const run = spawnSync('bash', ['-c', script], {
      cwd: ROOT,
      env: { ...service.env, API: service.baseUrl },
      encoding: 'utf8',
      timeout: 300_000,
    });
    const shown = `${run.stdout}\n${run.stderr}`;
    expect({ status: run.status, output: run.status === 0 ? '' : shown }).toEqual({ status: 0, output: '' });
    expect(run.stdout).toContain('异议处理结果告知书');
    expect(run.stdout).toContain('经核实信息有误，已予更正');
    expect(run.stdout).toContain('"statusName": "已办结"');
    // The rectification: ordered with a query code, reported by the subject, verified as done.
    expect(run.stdout).toMatch(/"stage": "整改中"/);
    expect(run.stdout).toContain('"statusName": "已整改"');
    expect(run.stdout).toContain('"materialName": "完成信用整改的证明"');
    // The commitment: in force, the first item supplied, the second still open.
    expect(run.stdout).toMatch(/"name": "住所使用证明",\s+"state": "supplied"/);
    expect(run.stdout).toMatch(/"name": "验资报告",\s+"state": "open"/);
  });
});
