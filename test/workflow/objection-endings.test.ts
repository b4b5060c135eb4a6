import { CalendarStore } from '../../activities/calendar/calendar-store';
import { OpenDeadline } from '../../infra/database/entities';
import { statutoryHolidays } from '../../workflows/calendar';
import {
  calendarChangedSignal,
  forwardUpdate,
  issueReplyUpdate,
  providerReplyUpdate,
  requestMaterialsUpdate,
  withdrawUpdate,
} from '../../workflows/objection/messages';
import { verificationWorkflowId } from '../../workflows/objection/types';
import {
  createObjectionWorld,
  endOfDay,
  measureStatuses,
  notificationsOf,
  ObjectionWorld,
  recordOf,
  recordRow,
  skipTo,
  startCase,
  stateOf,
  waitFor,
} from './objection-support';

/** Withdrawal, lapse after 补正, and an upheld record across a worker restart. */
describe('objection endings', () => {
  let world: ObjectionWorld;
  beforeAll(async () => {
    world = await createObjectionWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  const openDeadlines = (workflowIds: string[]) =>
    world.dataSource
      .getRepository(OpenDeadline)
      .find({ where: workflowIds.map((workflowId) => ({ workflowId })) });

  it('上海: withdrawal during verification ends the provider step and clears the dispute mark', async () => {
    const provider = '上海市浦东新区市场监督管理局';
    const record = await recordOf(world, provider);
    const handle = await startCase(world, {
      jurisdiction: 'shanghai',
      office: '上海市浦东新区发展和改革委员会',
      provider,
      receivedAt: '2027-06-07T10:00:00+08:00', // Monday
      record,
    });
    // 上海: forward within 2 WD → Thu 06-10 (端午 Wed 06-09); the record is flagged meanwhile.
    await waitFor(handle, (s) => s.step?.due === endOfDay('2027-06-10'));
    expect((await recordRow(world, record.recordId)).status).toBe('disputed');
    await handle.executeUpdate(forwardUpdate, { args: [{ actor: 'caseworker.1' }] });
    const forwarded = await waitFor(
      handle,
      (s) => s.step?.step === 'verify' && s.step.due === endOfDay('2027-06-15'),
    );
    const child = world.env.client.workflow.getHandle(verificationWorkflowId(forwarded.caseId));
    expect(await openDeadlines([handle.workflowId, child.workflowId])).toHaveLength(1);

    const withdrawn = await handle.executeUpdate(withdrawUpdate, {
      args: [{ actor: 'caseworker.1', reason: '申请人电话告知已与信息提供单位协商解决' }],
    });
    expect(withdrawn).toMatchObject({
      status: 'withdrawn',
      endReason: '申请人电话告知已与信息提供单位协商解决',
    });
    expect(withdrawn.step).toBeUndefined();
    expect(await handle.result()).toMatchObject({ status: 'withdrawn' });
    // The provider's inbox ends without a reply (it had none when the withdrawal came).
    expect((await child.describe()).status.name).toBe('COMPLETED');
    expect(await child.result()).toEqual({ kind: 'withdrawn' });
    expect((await recordRow(world, record.recordId)).status).toBe('active');
    expect(await openDeadlines([handle.workflowId, child.workflowId])).toEqual([]);
    // The provider can no longer reply.
    const late = await child
      .executeUpdate(providerReplyUpdate, {
        args: [{ actor: 'p', department: provider, outcome: 'upheld', opinion: '经核查信息无误。' }],
      })
      .catch((e: unknown) => e);
    expect(late).toBeInstanceOf(Error);
    const letters = (await notificationsOf(world, withdrawn.caseId)).filter(
      (n) => n.kind === 'objection.withdrawn',
    );
    expect(letters).toHaveLength(1);
  });

  it('national: a case whose 补正 does not arrive lapses after 10 working days and the record is restored', async () => {
    const provider = '某县税务局';
    const record = await recordOf(world, provider);
    const handle = await startCase(world, {
      jurisdiction: 'national',
      office: '某县发展和改革局',
      provider,
      receivedAt: '2027-06-14T10:00:00+08:00', // Monday (端午 2027 is Wed 06-09)
      record,
    });
    await waitFor(handle, (s) => s.step?.secondLevelAt !== undefined);
    const asked = await handle.executeUpdate(requestMaterialsUpdate, {
      args: [{ actor: 'caseworker.1', items: ['身份证明', '异议事项的证明材料'] }],
    });
    expect(asked.pendingMaterials?.lapsesAt).toBe(endOfDay('2027-06-28'));
    // Nothing is due while waiting for the applicant: no reminder, no escalation.
    await skipTo(world, '2027-06-28T12:00:00+08:00');
    const waiting = await waitFor(handle, (s) => s.status === 'awaiting-materials');
    expect(waiting.timeline.some((e) => ['reminder', 'overdue'].includes(e.kind))).toBe(false);

    await skipTo(world, '2027-06-29T09:00:00+08:00');
    expect(await handle.result()).toMatchObject({ status: 'lapsed' });
    const lapsed = await stateOf(handle);
    expect(lapsed.timeline.map((e) => e.kind)).toEqual([
      'received',
      'record-disputed',
      'materials-requested',
      'lapsed',
    ]);
    expect((await recordRow(world, record.recordId)).status).toBe('active');
    expect(await openDeadlines([handle.workflowId])).toEqual([]);
    const notice = (await notificationsOf(world, lapsed.caseId)).find((n) => n.kind === 'objection.lapsed');
    expect(notice?.body).toContain('2027年6月28日');
  });

  it('a calendar declared while the provider verifies moves the deadline and is put on the case file', async () => {
    const provider = '永昌县市场监督管理局';
    const record = await recordOf(world, provider);
    const handle = await startCase(world, {
      jurisdiction: 'yongchang',
      office: '永昌县发展和改革局',
      provider,
      receivedAt: '2027-12-28T10:00:00+08:00', // Tuesday
      record,
    });
    await waitFor(handle, (s) => s.step?.secondLevelAt !== undefined);
    await skipTo(world, '2027-12-29T10:00:00+08:00');
    await handle.executeUpdate(forwardUpdate, { args: [{ actor: 'caseworker.1' }] });
    // 2028 is not published: only the statutory New Year's Day (Sat 01-01) is known.
    // Thu 12-30 (1), Fri 12-31 (2), Mon 01-03 (3), Tue 01-04 (4), Wed 01-05 (5), provisional.
    const provisional = await waitFor(
      handle,
      (s) => s.step?.step === 'verify' && s.step.secondLevelAt !== undefined,
    );
    expect(provisional.step).toMatchObject({ due: endOfDay('2028-01-05'), provisional: true });

    // The arrangement is published with Mon 01-03 off; the calendar API signals open deadlines.
    await new CalendarStore(world.dataSource).declareYear(
      2028,
      {
        holidays: [...Object.keys(statutoryHolidays(2028)), '2028-01-03'].sort(),
        makeupWorkdays: [],
        reason: '测试用 2028 年节假日安排',
      },
      'admin',
    );
    // The verify step's clock runs in the case workflow, with the case's other clocks.
    await handle.signal(calendarChangedSignal, { years: [2028] });
    const moved = await waitFor(handle, (s) => s.step?.due === endOfDay('2028-01-06'));
    expect(moved.step?.provisional).toBe(false);
    expect(moved.timeline.filter((e) => e.kind === 'deadlines-recomputed')).toHaveLength(1);
    const stored = await openDeadlines([handle.workflowId]);
    expect(stored.map((d) => [d.step, d.dueAt.toISOString(), d.provisional])).toEqual([
      ['verify', endOfDay('2028-01-06'), false],
    ]);
    await handle.executeUpdate(withdrawUpdate, { args: [{ actor: 'caseworker.1', reason: '申请人撤回' }] });
  });

  it('宁晋: an upheld record gets its suspended measures back, with the worker restarted mid-case', async () => {
    const provider = '宁晋县人力资源和社会保障局';
    const record = await recordOf(world, provider, { withMeasure: true });
    const handle = await startCase(world, {
      jurisdiction: 'ningjin',
      office: '宁晋县社会信用体系建设领导小组办公室',
      provider,
      receivedAt: '2027-07-05T10:00:00+08:00',
      record,
    });
    await waitFor(handle, (s) => s.suspendedMeasureIds.length === 1 && s.step?.secondLevelAt !== undefined);
    expect(await measureStatuses(world, record.measureIds)).toEqual(['suspended']);
    await handle.executeUpdate(forwardUpdate, { args: [{ actor: 'caseworker.1' }] });
    const forwarded = await waitFor(
      handle,
      (s) => s.step?.step === 'verify' && s.step.secondLevelAt !== undefined,
    );

    // The worker goes away and a new one (no cached workflow state) takes over.
    await world.stopWorker();
    await world.startWorker();

    const child = world.env.client.workflow.getHandle(verificationWorkflowId(forwarded.caseId));
    await child.executeUpdate(providerReplyUpdate, {
      args: [
        {
          actor: 'p',
          department: provider,
          outcome: 'upheld',
          opinion: '经核查，原认定事实清楚，信息无误。',
        },
      ],
    });
    await waitFor(handle, (s) => s.step?.step === 'notify');
    expect((await recordRow(world, record.recordId)).status).toBe('active');
    expect(await measureStatuses(world, record.measureIds)).toEqual(['active']);
    const closed = await handle.executeUpdate(issueReplyUpdate, { args: [{ actor: 'caseworker.1' }] });
    expect(closed.replyLetter).toContain('维持');
    expect(closed.replyLetter).toContain('核查期间暂停执行的 1 项联合惩戒措施自即日起恢复执行');
    expect(await handle.result()).toMatchObject({ status: 'closed', outcome: 'upheld' });
    // The read model got newer revisions only, ending with the last, and each timeline entry
    // exactly once, in order (a publication carries only the entries not sent before).
    const ours = world.published.filter((p) => p.caseId === closed.caseId);
    const revisions = ours.map((p) => p.revision);
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
    expect(new Set(revisions).size).toBe(revisions.length);
    expect(revisions[revisions.length - 1]).toBe(closed.revision);
    const seqs = ours.flatMap((p) => p.entries.map((e) => e.seq));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(seqs).toHaveLength((await stateOf(handle)).timeline.length);
    expect(ours.every((p) => !('timeline' in (p.view as object)))).toBe(true);

    const refused = await handle
      .executeUpdate(withdrawUpdate, { args: [{ actor: 'a', reason: '撤回' }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
  });
});
