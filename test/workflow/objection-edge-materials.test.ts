import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { CalendarStore } from '../../activities/calendar/calendar-store';
import { OpenDeadline } from '../../infra/database/entities';
import {
  calendarChangedSignal,
  extendUpdate,
  forwardUpdate,
  materialsReceivedUpdate,
  requestMaterialsUpdate,
  withdrawUpdate,
} from '../../workflows/objection/messages';
import {
  CALENDAR_2027,
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

const XZ_OFFICE = '新郑市民政局';
const XZ_PROVIDER = '新郑市市场监督管理局';

/** The refusal code of a failed update. */
const refusalOf = async (attempt: Promise<unknown>): Promise<string | undefined> => {
  const err = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof WorkflowUpdateFailedError)) throw new Error(`expected a refusal, got ${String(err)}`);
  return (err.cause as { type?: string }).type;
};

/** Is the instant within the Beijing minute `local` (YYYY-MM-DDTHH:mm)? */
const atMinute = (instant: string | undefined, local: string) => {
  const start = Date.parse(`${local}:00+08:00`);
  const t = Date.parse(instant ?? '');
  return t >= start && t < start + 60_000;
};

/** 补正 (correction requests): clock stops, withdrawal while waiting, a calendar change while stopped. */
describe('objection 补正 edge cases', () => {
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

  it('新郑: two 补正 rounds stop the clock twice; the forward and case limits skip every day they touch', async () => {
    const record = await recordOf(world, XZ_PROVIDER);
    const handle = await startCase(world, {
      jurisdiction: 'xinzheng-mz',
      office: XZ_OFFICE,
      provider: XZ_PROVIDER,
      receivedAt: '2027-03-01T10:00:00+08:00', // Monday
      record,
    });
    // Forward 5 WD: Tue 02, Wed 03, Thu 04, Fri 05, Mon 03-08; case 12 WD: … Wed 03-17.
    const received = await waitFor(
      handle,
      (s) => s.caseDue !== undefined && s.step?.secondLevelAt !== undefined,
    );
    expect(received.step).toMatchObject({ step: 'forward', due: endOfDay('2027-03-08') });
    expect(received.caseDue).toBe(endOfDay('2027-03-17'));

    // Round 1: Tue 03-02 → Wed 03-03. The applicant has 10 WD: Wed 03 (1) … Tue 03-16 (10).
    await skipTo(world, '2027-03-02T10:00:00+08:00');
    const first = await handle.executeUpdate(requestMaterialsUpdate, {
      args: [{ actor: 'caseworker.1', items: ['报送回执原件扫描件'] }],
    });
    expect(first.pendingMaterials?.lapsesAt).toBe(endOfDay('2027-03-16'));
    expect(first.step).toMatchObject({
      step: 'materials',
      due: endOfDay('2027-03-16'),
      assignee: 'applicant',
    });
    await skipTo(world, '2027-03-03T15:00:00+08:00');
    const back = await handle.executeUpdate(materialsReceivedUpdate, {
      args: [{ actor: 'caseworker.1', attachments: [{ ref: 'doc-2', name: '报送回执原件' }] }],
    });
    expect(back.status).toBe('received');
    expect(back.pendingMaterials).toBeUndefined();
    // Thu 04 (1), Fri 05 (2), Mon 08 (3), Tue 09 (4), Wed 03-10 (5).
    await waitFor(handle, (s) => s.step?.step === 'forward' && s.step.due === endOfDay('2027-03-10'));

    // Round 2: Fri 03-05 → Mon 03-08. The applicant has 10 WD: Mon 08 (1) … Fri 03-19 (10).
    await skipTo(world, '2027-03-05T10:00:00+08:00');
    const second = await handle.executeUpdate(requestMaterialsUpdate, {
      args: [{ actor: 'caseworker.1', items: ['法定代表人身份证明'] }],
    });
    expect(second.pendingMaterials?.lapsesAt).toBe(endOfDay('2027-03-19'));
    expect(second.clockStops).toHaveLength(2);
    await skipTo(world, '2027-03-08T11:00:00+08:00');
    await handle.executeUpdate(materialsReceivedUpdate, {
      args: [{ actor: 'caseworker.1', attachments: [{ ref: 'doc-3', name: '法定代表人身份证明' }] }],
    });
    // Counting from Mon 03-01: Tue 02 and Wed 03 stopped, Thu 04 (1), Fri 05 and Mon 08 stopped,
    // Tue 09 (2), Wed 10 (3), Thu 11 (4), Fri 12 (5). Case: Mon 15 (6) … Tue 03-23 (12).
    const resumed = await waitFor(
      handle,
      (s) =>
        s.step?.step === 'forward' &&
        s.step.due === endOfDay('2027-03-12') &&
        s.caseDue === endOfDay('2027-03-23'),
    );
    expect(resumed.step).toMatchObject({
      remindAt: endOfDay('2027-03-11'),
      secondLevelAt: endOfDay('2027-03-16'),
      escalationLevel: 0,
    });
    expect(resumed.overdue).toBe(false);
    expect(resumed.clockStops).toHaveLength(2);
    expect(atMinute(resumed.clockStops[0].from, '2027-03-02T10:00')).toBe(true);
    expect(atMinute(resumed.clockStops[0].to, '2027-03-03T15:00')).toBe(true);
    expect(atMinute(resumed.clockStops[1].from, '2027-03-05T10:00')).toBe(true);
    expect(atMinute(resumed.clockStops[1].to, '2027-03-08T11:00')).toBe(true);
    expect(resumed.attachments.map((a) => a.ref)).toEqual(['doc-1', 'doc-2', 'doc-3']);
    expect(resumed.timeline.map((e) => e.kind)).toEqual([
      'received',
      'record-disputed',
      'materials-requested',
      'materials-received',
      'materials-requested',
      'materials-received',
    ]);
    const asked = (await notificationsOf(world, resumed.caseId)).filter(
      (n) => n.kind === 'objection.materials.requested',
    );
    expect(asked).toHaveLength(2);
    expect(asked[0].body).toContain('2027年3月16日');
    expect(asked[1].body).toContain('2027年3月19日');

    // Forwarded on Tue 03-09: verify 5 WD, no clock stops of its own → Tue 03-16; the case stays Tue 03-23.
    await skipTo(world, '2027-03-09T10:00:00+08:00');
    await handle.executeUpdate(forwardUpdate, { args: [{ actor: 'caseworker.1' }] });
    const forwarded = await waitFor(
      handle,
      (s) => s.step?.step === 'verify' && s.step.secondLevelAt !== undefined,
    );
    expect(forwarded.step?.due).toBe(endOfDay('2027-03-16'));
    expect(forwarded.caseDue).toBe(endOfDay('2027-03-23'));
    // Nothing ran over: no reminder, no overdue so far.
    expect(forwarded.timeline.some((e) => ['reminder', 'overdue', 'escalated'].includes(e.kind))).toBe(false);
    await handle.executeUpdate(withdrawUpdate, { args: [{ actor: 'caseworker.1', reason: '申请人撤回' }] });
  });

  it('宁晋: withdrawal while awaiting materials closes the clock stop and restores the record and its measures', async () => {
    const provider = '宁晋县人力资源和社会保障局';
    const record = await recordOf(world, provider, { withMeasure: true });
    const handle = await startCase(world, {
      jurisdiction: 'ningjin',
      office: '宁晋县社会信用体系建设领导小组办公室',
      provider,
      receivedAt: '2027-03-22T10:00:00+08:00', // Monday
      record,
    });
    // Forward 2 WD: Tue 23, Wed 03-24.
    const received = await waitFor(
      handle,
      (s) => s.suspendedMeasureIds.length === 1 && s.step?.due === endOfDay('2027-03-24'),
    );
    expect((await recordRow(world, record.recordId)).status).toBe('disputed');
    expect(await measureStatuses(world, record.measureIds)).toEqual(['suspended']);

    await skipTo(world, '2027-03-23T10:00:00+08:00');
    const asked = await handle.executeUpdate(requestMaterialsUpdate, {
      args: [{ actor: 'caseworker.1', items: ['身份证明'] }],
    });
    // 10 WD: Wed 24 (1), Thu 25, Fri 26, Mon 29, Tue 30, Wed 31, Thu 04-01, Fri 02 (8),
    // Mon 04-05 清明, Tue 06 (9), Wed 04-07 (10).
    expect(asked.pendingMaterials?.lapsesAt).toBe(endOfDay('2027-04-07'));

    // Extension is not for a stopped clock.
    expect(
      await refusalOf(
        handle.executeUpdate(extendUpdate, {
          args: [{ actor: 'caseworker.1', workingDays: 2, reason: '等待材料' }],
        }),
      ),
    ).toBe('OBJECTION_WRONG_STATUS');
    expect((await stateOf(handle)).revision).toBe(asked.revision);

    await skipTo(world, '2027-03-25T14:00:00+08:00');
    const withdrawn = await handle.executeUpdate(withdrawUpdate, {
      args: [{ actor: 'caseworker.1', reason: '申请人表示材料无法取得，撤回申请' }],
    });
    expect(withdrawn).toMatchObject({
      status: 'withdrawn',
      endReason: '申请人表示材料无法取得，撤回申请',
      overdue: false,
      escalationLevel: 0,
    });
    expect(withdrawn.step).toBeUndefined();
    expect(withdrawn.pendingMaterials).toBeUndefined();
    expect(withdrawn.clockStops).toHaveLength(1);
    expect(atMinute(withdrawn.clockStops[0].from, '2027-03-23T10:00')).toBe(true);
    expect(atMinute(withdrawn.clockStops[0].to, '2027-03-25T14:00')).toBe(true);
    expect(withdrawn.clockStops[0].to).toBe(withdrawn.closedAt);
    expect((await stateOf(handle)).timeline.map((e) => e.kind)).toEqual([
      'received',
      'record-disputed',
      'materials-requested',
      'withdrawn',
    ]);
    expect(await handle.result()).toMatchObject({ status: 'withdrawn' });
    expect((await recordRow(world, record.recordId)).status).toBe('active');
    expect(await measureStatuses(world, record.measureIds)).toEqual(['active']);
    expect(await openDeadlines([handle.workflowId])).toEqual([]);

    // Late materials find no running case (the workflow has completed).
    const late = await handle
      .executeUpdate(materialsReceivedUpdate, {
        args: [{ actor: 'caseworker.1', attachments: [{ ref: 'doc-9', name: '身份证明' }] }],
      })
      .catch((e: unknown) => e);
    expect(late).toBeInstanceOf(WorkflowNotFoundError);
    const kinds = (await notificationsOf(world, received.caseId)).map((n) => n.kind);
    expect(kinds).toEqual(['objection.received', 'objection.materials.requested', 'objection.withdrawn']);
  });

  it('新郑: a calendar change while the clock is stopped for 补正 counts once the clock runs again', async () => {
    const record = await recordOf(world, XZ_PROVIDER);
    const handle = await startCase(world, {
      jurisdiction: 'xinzheng-mz',
      office: XZ_OFFICE,
      provider: XZ_PROVIDER,
      receivedAt: '2027-04-12T10:00:00+08:00', // Monday
      record,
    });
    // Forward: Tue 13 … Mon 04-19; case 12 WD: … Wed 04-28.
    const received = await waitFor(
      handle,
      (s) => s.step?.due === endOfDay('2027-04-19') && s.caseDue === endOfDay('2027-04-28'),
    );
    await skipTo(world, '2027-04-13T10:00:00+08:00');
    await handle.executeUpdate(requestMaterialsUpdate, {
      args: [{ actor: 'caseworker.1', items: ['报送回执原件扫描件'] }],
    });

    // A revised 2027 arrangement makes Fri 04-16 a holiday (test fixture); the calendar API signals.
    await new CalendarStore(world.dataSource).declareYear(
      2027,
      {
        ...CALENDAR_2027,
        holidays: [...CALENDAR_2027.holidays, '2027-04-16'].sort(),
        reason: '测试：调整安排',
      },
      'admin',
    );
    await handle.signal(calendarChangedSignal, { years: [2027] });
    const waiting = await waitFor(handle, (s) => s.status === 'awaiting-materials');
    expect(waiting.step?.step).toBe('materials');

    await skipTo(world, '2027-04-14T15:00:00+08:00');
    await handle.executeUpdate(materialsReceivedUpdate, {
      args: [{ actor: 'caseworker.1', attachments: [{ ref: 'doc-2', name: '报送回执原件' }] }],
    });
    // Tue 13 and Wed 14 stopped; Thu 15 (1), Fri 16 now a holiday, Mon 19 (2), Tue 20 (3),
    // Wed 21 (4), Thu 04-22 (5). Case: Fri 23 (6), Mon 26 … Fri 30 (11), Mon 05-03 (12).
    const resumed = await waitFor(
      handle,
      (s) =>
        s.step?.step === 'forward' &&
        s.step.due === endOfDay('2027-04-22') &&
        s.caseDue === endOfDay('2027-05-03'),
    );
    expect(resumed.step).toMatchObject({
      remindAt: endOfDay('2027-04-21'),
      secondLevelAt: endOfDay('2027-04-26'),
    });
    expect(resumed.step?.provisional).toBe(false);
    const stored = await openDeadlines([handle.workflowId]);
    expect(stored.map((d) => [d.step, d.dueAt.toISOString()]).sort()).toEqual([
      ['case', endOfDay('2027-05-03')],
      ['forward', endOfDay('2027-04-22')],
    ]);
    // On Thu 04-22 in the morning nothing is overdue (the old due, Wed 04-21, no longer applies).
    await skipTo(world, '2027-04-22T09:00:00+08:00');
    const thursday = await stateOf(handle);
    expect(thursday.overdue).toBe(false);
    expect(thursday.timeline.filter((e) => e.kind === 'overdue')).toEqual([]);
    expect(thursday.timeline.filter((e) => e.kind === 'reminder').map((e) => e.detail?.due)).toEqual([
      endOfDay('2027-04-22'),
    ]);
    await handle.executeUpdate(withdrawUpdate, { args: [{ actor: 'caseworker.1', reason: '申请人撤回' }] });
    expect(received.caseId).toBe(resumed.caseId);
  });
});
