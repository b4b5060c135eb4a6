import { CreditCheck } from '../../infra/database/entities/registry';
import { calendarChangedSignal } from '../../workflows/case/step-clock';
import {
  extendItemUpdate,
  supplyItemUpdate,
  withdrawCommitmentUpdate,
} from '../../workflows/commitment/messages';
import { recordHistories } from '../support/replay';
import {
  cleanSubject,
  commitmentOf,
  kinds,
  recordsOfCase,
  startCommitment,
  untilCommitment,
  XZ,
  YX,
} from './commitment-support';
import {
  CALENDAR_2027,
  createObjectionWorld,
  endOfDay,
  notificationsOf,
  recordOf,
  skipTo,
  type ObjectionWorld,
} from './objection-support';
import { CalendarStore } from '../../activities/calendar/calendar-store';

const wd = (value: number) => ({ value, unit: 'working-days' as const });
const months = (value: number) => ({ value, unit: 'months' as const });

/** 容缺受理: items tracked one by one to their deadlines; kept, breached (exactly once), withdrawn. */
describe('commitment: 容缺受理 (deferred materials)', () => {
  let world: ObjectionWorld;
  /** Answers of registerCommitmentRecord are "lost" once per case: the retry must find the first record. */
  const lostOnce = new Set<string>();
  beforeAll(async () => {
    world = await createObjectionWorld({
      wrap: (base) => ({
        async registerCommitmentRecord(input: Parameters<typeof base.registerCommitmentRecord>[0]) {
          const result = await base.registerCommitmentRecord(input);
          if (input.kind === 'commitment-breach' && !lostOnce.has(input.caseRef)) {
            lostOnce.add(input.caseRef);
            throw new Error('the answer was lost after the record was committed');
          }
          return result;
        },
      }),
    });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('新郑: an item across Spring Festival and one in months, reminded and supplied: kept, a positive record', async () => {
    const subject = await cleanSubject(world);
    const handle = await startCommitment(world, {
      ...XZ,
      kind: 'deferred-materials',
      signedAt: '2027-01-29T10:00:00+08:00',
      subject,
      items: [
        { name: '营业执照副本复印件', limit: wd(10) },
        { name: '消防验收意见书', limit: months(1) },
      ],
    });
    const admitted = await untilCommitment(handle, (s) => s.items.every((i) => i.deadline?.due));
    expect(admitted.status).toBe('in-force');
    expect(admitted.eligibility).toMatchObject({ eligible: true, reasons: [] });
    expect(admitted.text.body).toContain('营业执照副本复印件，10个工作日内提供');
    // 10 working days from Fri 29 January, Spring Festival (5–8 February 2027) not counted.
    expect(admitted.items[0].deadline!.due).toBe(endOfDay('2027-02-16'));
    expect(admitted.items[1].deadline!.due).toBe(endOfDay('2027-02-28'));
    const check = await world.dataSource
      .getRepository(CreditCheck)
      .findOneByOrFail({ id: admitted.eligibility!.creditCheckId });
    expect(check.caseRef).toBe(`commitment:${admitted.caseId}`);

    await skipTo(world, '2027-02-10T09:00:00+08:00');
    const reminded = await untilCommitment(handle, (s) => s.items[0].deadline?.remindedAt !== undefined);
    expect(reminded.timeline.filter((e) => e.kind === 'reminder')).toHaveLength(1);
    await handle.executeUpdate(supplyItemUpdate, {
      args: [
        {
          actor: 'caseworker.1',
          itemNo: 1,
          attachment: { ref: 'ARC-2027-0001', name: '营业执照副本复印件' },
        },
      ],
    });
    await expect(
      handle.executeUpdate(supplyItemUpdate, {
        args: [{ actor: 'caseworker.1', itemNo: 1, attachment: { ref: 'ARC-2027-0002', name: '又一份' } }],
      }),
    ).rejects.toMatchObject({ cause: { type: 'COMMITMENT_ITEM_SUPPLIED' } });

    await skipTo(world, '2027-02-20T09:00:00+08:00');
    const kept = await handle.executeUpdate(supplyItemUpdate, {
      args: [
        { actor: 'caseworker.1', itemNo: 2, attachment: { ref: 'ARC-2027-0003', name: '消防验收意见书' } },
      ],
    });
    expect(kept.status).toBe('kept');
    expect(kept.keptRecordId).toBeDefined();
    const { records } = await recordsOfCase(world, kept.caseNo);
    expect(records.map((r) => r.kind)).toEqual(['commitment-kept']);
    const notices = await notificationsOf(world, kept.caseId);
    expect(notices.filter((n) => n.recipient === '13900000000').map((n) => n.kind)).toEqual([
      'commitment.admitted',
      'commitment.item.reminder',
      'commitment.kept',
    ]);
    await handle.result();
    await recordHistories([handle], 'commitment', 'deferred kept across Spring Festival');
  });

  it('新郑: a subject without three clean years is refused the green channel, with the reason and the date it may apply again', async () => {
    const record = await recordOf(world, '新郑市市场监督管理局'); // a penalty decided 2026-03-02
    const handle = await startCommitment(world, {
      ...XZ,
      kind: 'deferred-materials',
      signedAt: '2027-03-01T10:00:00+08:00',
      subject: { code: record.subjectCode, name: record.subjectName },
      items: [{ name: '章程', limit: wd(5) }],
    });
    const refused = await handle.result();
    expect(refused.status).toBe('refused');
    expect(refused.eligibility?.reasons.join('')).toContain('连续3年无不良信用记录');
    expect(refused.eligibility?.retryFrom).toBe('2029-03-03');
    const s = await commitmentOf(handle);
    expect(kinds(s)).toEqual(['signed', 'credit-checked', 'refused']);
    await recordHistories([handle], 'commitment', 'deferred refused without clean record');
  });

  it('叶县: an item missed past the second level is a breach, recorded once although an answer was lost and the worker restarted; the fast track is barred until repair', async () => {
    const subject = await cleanSubject(world);
    const handle = await startCommitment(world, {
      ...YX,
      kind: 'deferred-materials',
      signedAt: '2027-03-01T10:00:00+08:00',
      subject,
      items: [{ name: '法定代表人身份证明', limit: wd(3) }],
    });
    const planned = await untilCommitment(handle, (s) => s.items[0].deadline?.secondLevelAt !== undefined);
    expect(planned.items[0].deadline).toMatchObject({
      due: endOfDay('2027-03-04'),
      secondLevelAt: endOfDay('2027-03-08'),
    });
    await skipTo(world, '2027-03-05T09:00:00+08:00');
    const overdue = await untilCommitment(handle, (s) => s.overdue);
    expect(overdue.status).toBe('in-force');
    expect(overdue.escalationLevel).toBe(1);
    const staff = (await notificationsOf(world, overdue.caseId)).map((n) => n.recipient);
    expect(staff).toContain(`supervisor@${YX.department}`);
    // A withdrawal after the deadline would escape the breach: refused.
    await expect(
      handle.executeUpdate(withdrawCommitmentUpdate, { args: [{ actor: 'caseworker.1', reason: '不办了' }] }),
    ).rejects.toMatchObject({ cause: { type: 'COMMITMENT_DEADLINE_PASSED' } });

    await world.stopWorker();
    await world.startWorker();
    await skipTo(world, '2027-03-09T09:00:00+08:00');
    const breached = await untilCommitment(handle, (s) => s.closedAt !== undefined);
    expect(breached.status).toBe('breached');
    expect(breached.breach).toMatchObject({ cause: 'item-missed', barredUntil: '2028-03-09' });
    const { records, outbox } = await recordsOfCase(world, breached.caseNo);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ kind: 'commitment-breach', id: breached.breach!.recordId });
    expect(records[0].publicityStart).toBe('2027-03-09');
    expect(outbox).toHaveLength(1);
    expect(kinds(breached).filter((k) => k === 'record-registered')).toHaveLength(1);
    expect(lostOnce.has(`commitment:${breached.caseId}`)).toBe(true);
    await handle.result();
    await recordHistories([handle], 'commitment', 'deferred item missed breach');

    // The next fast-track intake of the subject is refused …
    const barred = await startCommitment(world, {
      ...YX,
      kind: 'notice-commitment',
      signedAt: '2027-03-10T10:00:00+08:00',
      subject,
    });
    const refused = await barred.result();
    expect(refused.status).toBe('refused');
    expect(refused.eligibility?.reasons.join('')).toContain('2028-03-09前（或该违约记录完成信用修复前）');
    expect(refused.eligibility?.retryFrom).toBe('2028-03-10');
    // … a voluntary commitment is not a fast track …
    const voluntary = await startCommitment(world, {
      ...YX,
      kind: 'voluntary',
      signedAt: '2027-03-10T10:00:00+08:00',
      subject,
    });
    expect((await untilCommitment(voluntary, (s) => s.status !== 'checking')).status).toBe('in-force');
    await voluntary.terminate('test over');
    // … and once the breach record is repaired, the bar is lifted.
    await world.registry.records.transition(breached.breach!.recordId!, 'repair', {
      actor: 'provider.1',
      reason: '信用修复',
    });
    const after = await startCommitment(world, {
      ...YX,
      kind: 'notice-commitment',
      signedAt: '2027-03-11T10:00:00+08:00',
      subject,
    });
    expect((await untilCommitment(after, (s) => s.status !== 'checking')).status).toBe('in-force');
    await after.terminate('test over');
  });

  it('叶县: an extension moves the item, the signer is told; a withdrawal before any deadline ends it without breach', async () => {
    const subject = await cleanSubject(world);
    const handle = await startCommitment(world, {
      ...YX,
      kind: 'deferred-materials',
      signedAt: '2027-04-06T10:00:00+08:00',
      subject,
      items: [{ name: '场所产权证明', limit: wd(5) }],
    });
    const first = await untilCommitment(handle, (s) => !!s.items[0].deadline?.due);
    const extended = await handle.executeUpdate(extendItemUpdate, {
      args: [{ actor: 'caseworker.1', itemNo: 1, workingDays: 3, reason: '产权登记部门出证需要时间' }],
    });
    expect(Date.parse(extended.items[0].deadline!.due)).toBeGreaterThan(
      Date.parse(first.items[0].deadline!.due),
    );
    await expect(
      handle.executeUpdate(extendItemUpdate, {
        args: [{ actor: 'caseworker.1', itemNo: 2, workingDays: 3, reason: '无此项' }],
      }),
    ).rejects.toMatchObject({ cause: { type: 'COMMITMENT_INVALID_INPUT' } });
    const withdrawn = await handle.executeUpdate(withdrawCommitmentUpdate, {
      args: [{ actor: 'caseworker.1', reason: '申请人撤回备案申请' }],
    });
    expect(withdrawn.status).toBe('withdrawn');
    await handle.result();
    expect((await recordsOfCase(world, withdrawn.caseNo)).records).toHaveLength(0);
    const notices = (await notificationsOf(world, withdrawn.caseId)).map((n) => n.kind);
    expect(notices).toEqual(expect.arrayContaining(['commitment.item.extended', 'commitment.withdrawn']));
    await recordHistories([handle], 'commitment', 'deferred extended and withdrawn');
  });

  it('a new holiday arrangement moves an open item deadline', async () => {
    const subject = await cleanSubject(world);
    const handle = await startCommitment(world, {
      ...YX,
      kind: 'deferred-materials',
      signedAt: '2027-09-20T10:00:00+08:00',
      subject,
      items: [{ name: '年度工作报告', limit: wd(3) }],
    });
    const before = await untilCommitment(handle, (s) => !!s.items[0].deadline?.due);
    expect(before.items[0].deadline!.due).toBe(endOfDay('2027-09-23'));
    await new CalendarStore(world.dataSource).declareYear(
      2027,
      {
        ...CALENDAR_2027,
        holidays: [...CALENDAR_2027.holidays, '2027-09-22'].sort(),
        reason: '测试：新增假日',
      },
      'test',
    );
    await handle.signal(calendarChangedSignal, { years: [2027] });
    const after = await untilCommitment(handle, (s) => s.items[0].deadline?.due === endOfDay('2027-09-24'));
    expect(kinds(after)).toContain('deadlines-recomputed');
    await handle.terminate('test over');
  });
});
