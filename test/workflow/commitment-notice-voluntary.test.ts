import {
  decideBreachUpdate,
  recordVerificationUpdate,
  reportBreachUpdate,
} from '../../workflows/commitment/messages';
import type { CommitmentView } from '../../workflows/commitment/types';
import { recordHistories } from '../support/replay';
import {
  cleanSubject,
  kinds,
  recordsOfCase,
  startCommitment,
  untilCommitment,
  YX,
} from './commitment-support';
import {
  createObjectionWorld,
  endOfDay,
  notificationsOf,
  recordOf,
  skipTo,
  type ObjectionWorld,
} from './objection-support';
import type { RegistryError } from '../../activities/registry';

const years = (value: number) => ({ value, unit: 'years' as const });

/** 告知承诺 (verified after the fact) and 主动/自律承诺 (published, years long, with reported breaches). */
describe('commitment: 告知承诺 and voluntary commitments', () => {
  let world: ObjectionWorld;
  beforeAll(async () => {
    world = await createObjectionWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('叶县 告知承诺: the verification is the department’s step (overdue, escalated); found false, it is a breach', async () => {
    const subject = await cleanSubject(world);
    const handle = await startCommitment(world, {
      ...YX,
      kind: 'notice-commitment',
      signedAt: '2027-05-10T10:00:00+08:00',
      subject,
    });
    const planned = await untilCommitment(handle, (s) => !!s.verification?.deadline?.due);
    // 20 working days from Mon 10 May 2027 (no holidays in between).
    expect(planned.verification!.deadline!.due).toBe(endOfDay('2027-06-07'));
    await skipTo(world, '2027-06-11T09:00:00+08:00');
    const escalated = await untilCommitment(handle, (s) => s.escalationLevel === 2);
    expect(kinds(escalated)).toEqual(expect.arrayContaining(['reminder', 'overdue', 'escalated']));
    const recipients = (await notificationsOf(world, escalated.caseId)).map((n) => n.recipient);
    expect(recipients).toEqual(
      expect.arrayContaining([`supervisor@${YX.department}`, 'credit-office@yexian-mz']),
    );
    const breached = await handle.executeUpdate(recordVerificationUpdate, {
      args: [{ actor: 'caseworker.1', truthful: false, finding: '现场核查，养老床位数与承诺不符' }],
    });
    expect(breached).toMatchObject({ status: 'breached', breach: { cause: 'verification-false' } });
    expect(breached.breach!.recordId).toBeDefined();
    expect((await recordsOfCase(world, breached.caseNo)).records).toHaveLength(1);
    await handle.result();
    await recordHistories([handle], 'commitment', 'notice verification false');
  });

  it('叶县 告知承诺: verified true, it is kept', async () => {
    const subject = await cleanSubject(world);
    const handle = await startCommitment(world, {
      ...YX,
      kind: 'notice-commitment',
      signedAt: '2027-06-14T10:00:00+08:00',
      subject,
    });
    await untilCommitment(handle, (s) => !!s.verification?.deadline?.due);
    await expect(
      handle.executeUpdate(recordVerificationUpdate, {
        args: [{ actor: 'caseworker.1', truthful: true, finding: ' ' }],
      }),
    ).rejects.toMatchObject({ cause: { type: 'COMMITMENT_INVALID_INPUT' } });
    const kept = await handle.executeUpdate(recordVerificationUpdate, {
      args: [{ actor: 'caseworker.1', truthful: true, finding: '经核查，承诺事项属实' }],
    });
    expect(kept.status).toBe('kept');
    expect((await recordsOfCase(world, kept.caseNo)).records.map((r) => r.kind)).toEqual(['commitment-kept']);
    await handle.result();
  });

  it('a voluntary commitment over three years continues as new, carrying its state; reports are reviewed; it is kept at the end', async () => {
    const subject = await cleanSubject(world);
    const handle = await startCommitment(world, {
      ...YX,
      kind: 'voluntary',
      signedAt: '2027-07-01T10:00:00+08:00',
      subject,
      historyLimit: 60,
    });
    const started = await untilCommitment(handle, (s) => s.status === 'in-force');
    expect(started.published).toBe(true);
    expect(started.validUntil).toBe(endOfDay('2030-07-01'));
    for (let n = 1; n <= 4; n++) {
      await skipTo(world, `2027-${String(7 + n).padStart(2, '0')}-02T10:00:00+08:00`);
      await handle.executeUpdate(reportBreachUpdate, {
        args: [
          { actor: 'supervisor.1', description: `第${n}次投诉：服务收费与公示不符`, source: '投诉举报' },
        ],
      });
      await handle.executeUpdate(decideBreachUpdate, {
        args: [{ actor: 'caseworker.1', reportNo: n, confirmed: false, reason: '经核查，收费与公示一致' }],
      });
    }
    const carried = await untilCommitment(handle, (s) => s.run > 1);
    expect(carried.reports.map((r) => r.status)).toEqual([
      'dismissed',
      'dismissed',
      'dismissed',
      'dismissed',
    ]);
    await skipTo(world, '2030-07-02T10:00:00+08:00');
    const kept = await untilCommitment(handle, (s) => s.closedAt !== undefined, 30_000);
    expect(kept.status).toBe('kept');
    expect(kept.timeline.map((e) => e.seq)).toEqual(kept.timeline.map((_, i) => i + 1));
    // Each entry was published once, across the runs.
    const sent = world.published
      .filter((p) => p.caseId === kept.caseId)
      .flatMap((p) => p.entries.map((e) => e.seq));
    expect(sent).toEqual(kept.timeline.map((e) => e.seq));
    const result: CommitmentView = await handle.result();
    expect(result.run).toBe(kept.run);
    await recordHistories([handle], 'commitment', 'voluntary three years continued as new');
  });

  it('a blacklisted subject’s voluntary commitment: a confirmed breach applies the published measure, never an unpublished one', async () => {
    const record = await recordOf(world, '叶县民政局', { withMeasure: true });
    await world.registry.measures
      .define({
        code: 'CN-DRAFT',
        name: '暂停政府采购资格（草案）',
        kind: 'punishment',
        legalBasis: '草案',
        applicableLists: ['black'],
        actor: 'admin',
      })
      .catch((e: RegistryError) => {
        if (e.code !== 'MEASURE_CODE_TAKEN') throw e;
      });
    const handle = await startCommitment(world, {
      ...YX,
      kind: 'voluntary',
      signedAt: '2030-08-01T10:00:00+08:00',
      subject: { code: record.subjectCode, name: record.subjectName },
      validity: years(1),
    });
    await untilCommitment(handle, (s) => s.status === 'in-force');
    await handle.executeUpdate(reportBreachUpdate, {
      args: [{ actor: 'provider.9', description: '未按承诺公开服务价格' }],
    });
    const breached = await handle.executeUpdate(decideBreachUpdate, {
      args: [
        {
          actor: 'caseworker.1',
          reportNo: 1,
          confirmed: true,
          reason: '现场核实属实',
          measureCodes: ['CJ-OBJ', 'CN-DRAFT'],
        },
      ],
    });
    expect(breached.status).toBe('breached');
    const entry = (await untilCommitment(handle, () => true)).timeline.find(
      (e) => e.kind === 'measure-applied',
    );
    expect(entry?.summary).toContain('未实施：CN-DRAFT');
    expect((entry?.detail as { refused: { code: string }[] }).refused.map((r) => r.code)).toEqual([
      'MEASURE_NOT_PUBLISHED',
    ]);
    await handle.result();
    await recordHistories([handle], 'commitment', 'voluntary breach confirmed with measures');
  });
});
