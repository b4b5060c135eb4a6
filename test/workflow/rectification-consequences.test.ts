import type { WorkflowHandle } from '@temporalio/client';
import { ListEntry } from '../../infra/database/entities/registry';
import type { PolicyVersion, RectificationConsequence } from '../../workflows/policies/types';
import {
  decideConsequenceUpdate,
  recordInterviewUpdate,
  scheduleInterviewUpdate,
} from '../../workflows/rectification/messages';
import type { RectificationState } from '../../workflows/rectification/types';
import { recordHistories } from '../support/replay';
import { createObjectionWorld, notificationsOf, skipTo, type ObjectionWorld } from './objection-support';
import {
  DEPARTMENT_ACTOR,
  dishonestSubject,
  interviewRecordsOf,
  kinds,
  scheduleAt,
  startRectification,
  untilRectification,
  YC,
} from './rectification-support';

const wd = (value: number) => ({ value, unit: 'working-days' as const });
const withConsequence =
  (consequence: RectificationConsequence) =>
  (p: PolicyVersion): PolicyVersion => ({
    ...p,
    document: { ...p.document, rectification: { ...p.document.rectification!, consequence } },
  });

/** After the 警示约谈: the supervisor rejects, the policy has no consequence, measures are refused. */
describe('rectification: what follows the 警示约谈', () => {
  let world: ObjectionWorld;
  beforeAll(async () => {
    world = await createObjectionWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  /** Both interviews held (one working day each time), until the last deadline has passed. */
  async function throughWarning(handle: WorkflowHandle): Promise<void> {
    let s: RectificationState = await untilRectification(handle, (x) => !!x.terms[0].deadline?.due);
    for (const n of [1, 2]) {
      await skipTo(world, new Date(Date.parse(s.terms.at(-1)!.deadline!.due) + 9 * 3_600_000).toISOString());
      await untilRectification(handle, (x) => !!x.interviews[n - 1]?.scheduleDeadline?.due);
      const at = new Date((await world.env.currentTimeMs()) + 3_600_000).toISOString();
      await handle.executeUpdate(scheduleInterviewUpdate, { args: [scheduleAt(at)] });
      await skipTo(world, new Date(Date.parse(at) + 3_600_000).toISOString());
      await handle.executeUpdate(recordInterviewUpdate, {
        args: [
          {
            actor: DEPARTMENT_ACTOR,
            appeared: true,
            summary: '告知未按期整改的后果',
            undertakings: '一个工作日内完成',
            newDeadline: wd(1),
            newDeadlineReason: '整改事项简单',
          },
        ],
      });
      s = await untilRectification(handle, (x) => !!x.terms[n]?.deadline?.due);
    }
    await skipTo(world, new Date(Date.parse(s.terms.at(-1)!.deadline!.due) + 9 * 3_600_000).toISOString());
  }

  it('the supervisor rejects the proposed 重点关注名单 entry: closed unrectified, nothing listed, the department told', async () => {
    const subject = await dishonestSubject(world);
    const handle = await startRectification(world, {
      startedAt: '2027-10-11T10:00:00+08:00',
      subject,
      deadline: { limit: wd(1), reason: '整改事项简单' },
    });
    await throughWarning(handle);
    const proposed = await untilRectification(handle, (s) => !!s.consequence?.deadline?.due);
    expect(proposed.status).toBe('consequence-proposed');
    await expect(
      handle.executeUpdate(decideConsequenceUpdate, {
        args: [{ actor: 'supervisor.1', confirmed: false, reason: ' ' }],
      }),
    ).rejects.toMatchObject({ cause: { type: 'RECTIFICATION_INVALID_INPUT' } });
    const rejected = await handle.executeUpdate(decideConsequenceUpdate, {
      args: [{ actor: 'supervisor.1', confirmed: false, reason: '该企业已启动整改，暂不列入' }],
    });
    expect(rejected).toMatchObject({
      status: 'unrectified',
      consequence: { decision: { confirmed: false } },
    });
    expect(rejected.consequence?.applied).toBeUndefined();
    await handle.result();
    expect(
      await world.dataSource.getRepository(ListEntry).countBy({ documentNo: `${rejected.caseNo}-重点关注` }),
    ).toBe(0);
    const notices = (await notificationsOf(world, rejected.caseId)).map((n) => `${n.recipient} ${n.kind}`);
    expect(notices).toContain(`${DEPARTMENT_ACTOR} rectification.consequence.rejected`);
    expect((await interviewRecordsOf(world, rejected.caseNo)).records).toHaveLength(2);
    await recordHistories([handle], 'rectification', 'consequence rejected by the supervisor');
  });

  it('a policy without a consequence closes the case unrectified after the 警示约谈', async () => {
    const subject = await dishonestSubject(world);
    const handle = await startRectification(world, {
      startedAt: '2027-11-08T10:00:00+08:00',
      subject,
      deadline: { limit: wd(1), reason: '整改事项简单' },
      policy: withConsequence({ kind: 'none' }),
    });
    await throughWarning(handle);
    const closed = await handle.result();
    expect(closed).toMatchObject({ status: 'unrectified', stage: 'warning-interview' });
    expect(closed.consequence).toBeUndefined();
    const notices = (await notificationsOf(world, closed.caseId)).map((n) => `${n.recipient} ${n.kind}`);
    expect(notices).toContain(`supervisor@${YC.department} rectification.unrectified`);
    await recordHistories([handle], 'rectification', 'no consequence in the policy');
  });

  it('confirmed measures the registry refuses are on file, never applied', async () => {
    const subject = await dishonestSubject(world);
    await world.registry.measures.define({
      code: 'CJ-RECT',
      name: '列为重点监管对象，提高抽查比例和频次',
      kind: 'punishment',
      legalBasis: '永政办发〔2022〕21号（七）',
      applicableLists: ['black'],
      publishedOn: '2026-01-01',
      actor: 'admin',
    });
    const handle = await startRectification(world, {
      startedAt: '2027-12-06T10:00:00+08:00',
      subject,
      deadline: { limit: wd(1), reason: '整改事项简单' },
      policy: withConsequence({ kind: 'measures', measureCodes: ['CJ-RECT'] }),
    });
    await throughWarning(handle);
    const proposed = await untilRectification(handle, (s) => !!s.consequence?.deadline?.due);
    expect(proposed.consequence?.summary).toBe('实施失信约束措施（措施清单编码：CJ-RECT）');
    const confirmed = await handle.executeUpdate(decideConsequenceUpdate, {
      args: [{ actor: 'supervisor.1', confirmed: true, reason: '同意' }],
    });
    expect(confirmed.status).toBe('sanctioned');
    expect(confirmed.consequence?.applied).toMatchObject({
      appliedMeasureIds: [],
      refused: [{ measureCode: 'CJ-RECT', code: 'MEASURE_NOT_APPLICABLE' }],
    });
    const done = await untilRectification(handle, (s) => kinds(s).includes('consequence-applied'));
    expect(done.timeline.find((e) => e.kind === 'consequence-applied')?.summary).toContain('未实施：CJ-RECT');
    await handle.result();
    await recordHistories([handle], 'rectification', 'confirmed measures refused by the registry');
  });
});
