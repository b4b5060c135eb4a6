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

  it('takes one objection from the provider’s record to the written reply, one rectification to its verification, one commitment to its first supplied item, one online credit repair to its approval and one 重点关注名单 entry to its exit, every command as printed', () => {
    const blocks = shellBlocks(readFileSync(path.join(ROOT, 'docs', 'tour.md'), 'utf8'));
    expect(blocks.length).toBeGreaterThanOrEqual(27);
    const script = ['set -euo pipefail', ...blocks].join('\n');
    const run = spawnSync('bash', ['-c', script], {
      cwd: ROOT,
      env: { ...service.env, API: service.baseUrl },
      encoding: 'utf8',
      timeout: 300_000,
    });
    const shown = `${run.stdout}\n${run.stderr}`;
    expect({ status: run.status, output: run.status === 0 ? '' : shown }).toEqual({ status: 0, output: '' });
    // The public view before the objection: the record as registered, not yet disputed.
    expect(run.stdout).toMatch(/"title": "未按规定报送年度工作报告",\s+"disputed": false/);
    expect(run.stdout).toContain('异议处理结果告知书');
    expect(run.stdout).toContain('经核实信息有误，已予更正');
    expect(run.stdout).toContain('"statusName": "已办结"');
    // The rectification: ordered with a query code, reported by the subject, verified as done.
    expect(run.stdout).toMatch(/"stage": "整改中"/);
    expect(run.stdout).toContain('"statusName": "已整改"');
    expect(run.stdout).toContain('"materialName": "完成信用整改的证明"');
    // The commitment: in force, the first item supplied, the second still open, in the signer's look-up too.
    expect(run.stdout).toMatch(/"name": "住所使用证明",\s+"state": "supplied"/);
    expect(run.stdout).toMatch(/"name": "验资报告",\s+"state": "open"/);
    expect(run.stdout).toMatch(/"name": "验资报告",\s+"supplied": false/);
    // The repair: the old record on the public view, eligible today, applied for online with nothing
    // missing, accepted by the identifying department's office, approved; the letter issued, and
    // the record gone from the public view (19号 and 18号 remain, 7号 does not).
    expect(run.stdout).toMatch(
      /"published": \[\s+"叶市监罚〔2026〕19号",\s+"叶市监罚〔2026〕18号",\s+"叶市监罚〔2026〕7号"\s+\]/,
    );
    expect(run.stdout).toMatch(/"eligible": true,\s+"tier": "一般"/);
    expect(run.stdout).toMatch(/"statusName": "待受理",\s+"missing": \[\]/);
    expect(run.stdout).toMatch(/"statusName": "已受理",\s+"step": "认定部门审核决定"/);
    expect(run.stdout).toMatch(/"statusName": "已修复",\s+"recordRepaired": true/);
    expect(run.stdout).toContain('信用修复决定书');
    expect(run.stdout).toContain('决定准予信用修复');
    expect(run.stdout).toMatch(
      /"statusName": "已修复",\s+"decision": "已缴清罚款并公开年度财务报告，符合信用修复条件"/,
    );
    expect(run.stdout).toContain('"失信信息已停止公示，已通知信用信息共享平台停止共享"');
    expect(run.stdout).toMatch(/"published": \[\s+"叶市监罚〔2026〕19号",\s+"叶市监罚〔2026〕18号"\s+\]/);
    // The list exit: listed and found by the credit check, the measure applied; the exit decided,
    // a second one refused; no current entry, the measure lifted and its department told.
    expect(run.stdout).toMatch(/"lists": \[\s+"市场监管领域重点关注名单"\s+\]/);
    expect(run.stdout).toMatch(/"statusName": "执行中",\s+"executingDepartment": "叶县民政局行政审批股"/);
    expect(run.stdout).toMatch(
      /"exitCauseName": "认定部门或信用主管部门办理退出",\s+"exitReason": "整改到位，移出重点关注名单"/,
    );
    expect(run.stdout).toContain('"code": "LIST_ENTRY_ALREADY_EXITED"');
    expect(run.stdout).toMatch(
      /"current": \[\],\s+"entries": \[\s+\{\s+"listName": "市场监管领域重点关注名单",\s+"exitedOn": "\d{4}-\d{2}-\d{2}"/,
    );
    expect(run.stdout).toMatch(/"liftedMeasures": 1,\s+"told": \[\s+"叶县民政局行政审批股"\s+\]/);
    expect(run.stdout).toMatch(/"lists": \[\],\s+"measures": \[\]/);
  });
});
