import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  extendUpdate,
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
  notificationsOf,
  ObjectionWorld,
  recordOf,
  skipTo,
  startCase,
  stateOf,
  waitFor,
} from './objection-support';

const OFFICE = '新郑市民政局';
const PROVIDER = '新郑市市场监督管理局';
const APPLICANT = '13800000000';

/** The refusal code of a failed update. */
const refusalOf = async (attempt: Promise<unknown>): Promise<string | undefined> => {
  const err = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof WorkflowUpdateFailedError)) throw new Error(`expected a refusal, got ${String(err)}`);
  return (err.cause as { type?: string }).type;
};

/** 延期 (extensions) under the 新郑 policy: forward 5 WD, verify 5 WD, notify 2 WD, case 12 WD. */
describe('objection extensions (新郑)', () => {
  let world: ObjectionWorld;
  beforeAll(async () => {
    world = await createObjectionWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('an overdue forward step extended into the future is no longer overdue, and is reminded and overdue again at its new date', async () => {
    const record = await recordOf(world, PROVIDER);
    const handle = await startCase(world, {
      jurisdiction: 'xinzheng-mz',
      office: OFFICE,
      provider: PROVIDER,
      receivedAt: '2027-05-10T10:00:00+08:00', // Monday
      record,
    });
    // Forward: Tue 11 (1) … Fri 14 (4), Mon 05-17 (5); remind Fri 05-14; second level Wed 05-19.
    const received = await waitFor(
      handle,
      (s) => s.caseDue !== undefined && s.step?.secondLevelAt !== undefined,
    );
    expect(received.step).toMatchObject({
      due: endOfDay('2027-05-17'),
      remindAt: endOfDay('2027-05-14'),
      secondLevelAt: endOfDay('2027-05-19'),
    });
    expect(received.caseDue).toBe(endOfDay('2027-05-26'));

    await skipTo(world, '2027-05-18T09:00:00+08:00');
    const overdue = await waitFor(handle, (s) => s.overdue && s.step?.escalationLevel === 1);
    expect(overdue.escalationLevel).toBe(1);
    expect(overdue.step?.overdueAt).toBeDefined();

    await skipTo(world, '2027-05-18T10:00:00+08:00');
    const extended = await handle.executeUpdate(extendUpdate, {
      args: [{ actor: 'caseworker.1', workingDays: 3, reason: '申请人补充说明需要核对' }],
    });
    // 5 + 3 WD: Tue 18 (6), Wed 19 (7), Thu 05-20 (8); remind Wed 05-19; second level Mon 05-24.
    expect(extended.step).toMatchObject({
      step: 'forward',
      extendedBy: 3,
      due: endOfDay('2027-05-20'),
      remindAt: endOfDay('2027-05-19'),
      secondLevelAt: endOfDay('2027-05-24'),
      escalationLevel: 0,
    });
    expect(extended.step?.overdueAt).toBeUndefined();
    expect(extended.overdue).toBe(false);
    // The case has reached level 1 once: that stays on record.
    expect(extended.escalationLevel).toBe(1);
    // The case limit moves too: 15 WD → … Wed 26 (12), Thu 27, Fri 28, Mon 05-31 (15).
    await waitFor(handle, (s) => s.caseDue === endOfDay('2027-05-31'));
    const told = (await notificationsOf(world, extended.caseId)).filter(
      (n) => n.kind === 'objection.extended',
    );
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ channel: 'sms', recipient: APPLICANT });
    expect(told[0].body).toContain('申请人补充说明需要核对');
    expect(told[0].body).toContain('2027年5月20日');

    // The new reminder (end of Wed 05-19) and the new due (end of Thu 05-20) fire.
    await skipTo(world, '2027-05-21T09:00:00+08:00');
    const again = await waitFor(
      handle,
      (s) => s.overdue && s.timeline.filter((e) => e.kind === 'overdue').length === 2,
    );
    expect(again.step?.escalationLevel).toBe(1);
    expect(
      again.timeline
        .filter((e) => ['reminder', 'overdue', 'extended'].includes(e.kind))
        .map((e) => [e.kind, e.detail?.due ?? e.detail?.workingDays]),
    ).toEqual([
      ['reminder', endOfDay('2027-05-17')],
      ['overdue', endOfDay('2027-05-17')],
      ['extended', 3],
      ['reminder', endOfDay('2027-05-20')],
      ['overdue', endOfDay('2027-05-20')],
    ]);
    const notices = (await notificationsOf(world, again.caseId))
      .filter((n) => n.kind.startsWith('objection.step.'))
      .map((n) => `${n.kind}→${n.recipient}`)
      .sort();
    expect(notices).toEqual([
      'objection.step.overdue→caseworker.1',
      'objection.step.overdue→caseworker.1',
      `objection.step.overdue→supervisor@${OFFICE}`,
      `objection.step.overdue→supervisor@${OFFICE}`,
      'objection.step.reminder→caseworker.1',
      'objection.step.reminder→caseworker.1',
    ]);
    await handle.executeUpdate(withdrawUpdate, { args: [{ actor: 'caseworker.1', reason: '申请人撤回' }] });
  });

  it('refuses extensions of 0 or 31 days, fractions and empty reasons without any change; 30 days is the maximum', async () => {
    const record = await recordOf(world, PROVIDER);
    const handle = await startCase(world, {
      jurisdiction: 'xinzheng-mz',
      office: OFFICE,
      provider: PROVIDER,
      receivedAt: '2027-06-14T10:00:00+08:00', // Monday
      record,
    });
    // Forward: Tue 15 … Mon 06-21; case: … Wed 06-30.
    const received = await waitFor(
      handle,
      (s) => s.step?.due === endOfDay('2027-06-21') && s.caseDue === endOfDay('2027-06-30'),
    );
    for (const input of [
      { workingDays: 0, reason: '需要更多时间' },
      { workingDays: 31, reason: '需要更多时间' },
      { workingDays: -2, reason: '需要更多时间' },
      { workingDays: 1.5, reason: '需要更多时间' },
      { workingDays: '3', reason: '需要更多时间' },
      { workingDays: null, reason: '需要更多时间' },
      { workingDays: 3, reason: '' },
      { workingDays: 3, reason: '   ' },
      { workingDays: 3 },
    ]) {
      expect(
        await refusalOf(
          handle.executeUpdate(extendUpdate, { args: [{ actor: 'caseworker.1', ...input } as never] }),
        ),
      ).toBe('OBJECTION_INVALID_INPUT');
    }
    const after = await stateOf(handle);
    expect(after.revision).toBe(received.revision);
    expect(after.step).toEqual(received.step);
    expect(after.caseDue).toBe(received.caseDue);
    expect(after.timeline.some((e) => e.kind === 'extended')).toBe(false);
    expect((await notificationsOf(world, received.caseId)).map((n) => n.kind)).toEqual([
      'objection.received',
    ]);

    // 30 WD is allowed: 35 WD from Mon 06-14 → Mon 08-02; the case 42 WD → Wed 08-11.
    const longest = await handle.executeUpdate(extendUpdate, {
      args: [{ actor: 'caseworker.1', workingDays: 30, reason: '需调取外省档案' }],
    });
    expect(longest.step).toMatchObject({ extendedBy: 30, due: endOfDay('2027-08-02') });
    await waitFor(handle, (s) => s.caseDue === endOfDay('2027-08-11'));

    // While the clock is stopped for 补正 there is nothing to extend.
    const asked = await handle.executeUpdate(requestMaterialsUpdate, {
      args: [{ actor: 'caseworker.1', items: ['身份证明'] }],
    });
    expect(
      await refusalOf(
        handle.executeUpdate(extendUpdate, {
          args: [{ actor: 'caseworker.1', workingDays: 1, reason: '等待材料' }],
        }),
      ),
    ).toBe('OBJECTION_WRONG_STATUS');
    expect((await stateOf(handle)).revision).toBe(asked.revision);
    await handle.executeUpdate(withdrawUpdate, { args: [{ actor: 'caseworker.1', reason: '申请人撤回' }] });
  });

  it('an escalated verify step extended clears the step level, fires its due again; the notify step extends too; no notice twice', async () => {
    const record = await recordOf(world, PROVIDER);
    const handle = await startCase(world, {
      jurisdiction: 'xinzheng-mz',
      office: OFFICE,
      provider: PROVIDER,
      receivedAt: '2027-07-05T10:00:00+08:00', // Monday
      record,
    });
    await waitFor(handle, (s) => s.caseDue !== undefined && s.step?.secondLevelAt !== undefined);
    await handle.executeUpdate(forwardUpdate, { args: [{ actor: 'caseworker.1' }] });
    // Verify: Tue 06 … Fri 09 (4), Mon 07-12 (5); remind Fri 07-09; second level Wed 07-14. Case: Wed 07-21.
    const forwarded = await waitFor(
      handle,
      (s) => s.step?.step === 'verify' && s.step.secondLevelAt !== undefined,
    );
    expect(forwarded.step).toMatchObject({
      due: endOfDay('2027-07-12'),
      remindAt: endOfDay('2027-07-09'),
      secondLevelAt: endOfDay('2027-07-14'),
    });
    expect(forwarded.caseDue).toBe(endOfDay('2027-07-21'));

    await skipTo(world, '2027-07-15T09:00:00+08:00');
    const escalated = await waitFor(handle, (s) => s.escalationLevel === 2 && s.step?.escalationLevel === 2);
    expect(escalated.overdue).toBe(true);

    await skipTo(world, '2027-07-15T10:00:00+08:00');
    const extended = await handle.executeUpdate(extendUpdate, {
      args: [{ actor: 'caseworker.1', workingDays: 3, reason: '信息提供单位需调取原始档案' }],
    });
    // 5 + 3 WD: Tue 13 (6), Wed 14 (7), Thu 07-15 (8); remind Wed 07-14 (past: not again); second level Mon 07-19.
    expect(extended.step).toMatchObject({
      step: 'verify',
      extendedBy: 3,
      due: endOfDay('2027-07-15'),
      remindAt: endOfDay('2027-07-14'),
      secondLevelAt: endOfDay('2027-07-19'),
      escalationLevel: 0,
    });
    expect(extended.step?.overdueAt).toBeUndefined();
    expect(extended.overdue).toBe(false);
    expect(extended.escalationLevel).toBe(2);
    // Case: 15 WD → … Wed 21 (12), Thu 22, Fri 23, Mon 07-26 (15).
    await waitFor(handle, (s) => s.caseDue === endOfDay('2027-07-26'));

    // The new due passes: overdue again (level 1 on the step).
    await skipTo(world, '2027-07-16T09:00:00+08:00');
    const again = await waitFor(handle, (s) => s.overdue && s.step?.escalationLevel === 1);
    expect(
      again.timeline
        .filter((e) => ['reminder', 'overdue', 'escalated'].includes(e.kind))
        .map((e) => [e.kind, e.detail?.due]),
    ).toEqual([
      ['reminder', endOfDay('2027-07-12')],
      ['overdue', endOfDay('2027-07-12')],
      ['escalated', endOfDay('2027-07-12')],
      ['overdue', endOfDay('2027-07-15')],
    ]);

    await skipTo(world, '2027-07-16T10:00:00+08:00');
    const accepted = await world.env.client.workflow
      .getHandle(verificationWorkflowId(again.caseId))
      .executeUpdate(providerReplyUpdate, {
        args: [
          {
            actor: 'provider.1',
            department: PROVIDER,
            outcome: 'upheld',
            opinion: '经核查，原认定事实清楚，信息无误。',
          },
        ],
      });
    expect(accepted).toMatchObject({ outcome: 'upheld', late: true });
    // Notify: 2 WD from Fri 07-16 → Mon 19 (1), Tue 07-20 (2); remind Mon 07-19; second level Thu 07-22.
    const verified = await waitFor(
      handle,
      (s) => s.status === 'verified' && s.step?.step === 'notify' && s.step.secondLevelAt !== undefined,
    );
    expect(verified.step).toMatchObject({
      due: endOfDay('2027-07-20'),
      remindAt: endOfDay('2027-07-19'),
      secondLevelAt: endOfDay('2027-07-22'),
      extendedBy: 0,
      escalationLevel: 0,
    });
    expect(verified.overdue).toBe(false);

    await skipTo(world, '2027-07-19T10:00:00+08:00');
    const notifyExtended = await handle.executeUpdate(extendUpdate, {
      args: [{ actor: 'caseworker.1', workingDays: 2, reason: '书面告知需负责人签发' }],
    });
    // 2 + 2 WD: Wed 21 (3), Thu 07-22 (4); remind Wed 07-21; second level Mon 07-26.
    expect(notifyExtended.step).toMatchObject({
      step: 'notify',
      extendedBy: 2,
      due: endOfDay('2027-07-22'),
      remindAt: endOfDay('2027-07-21'),
      secondLevelAt: endOfDay('2027-07-26'),
    });
    const closed = await handle.executeUpdate(issueReplyUpdate, { args: [{ actor: 'caseworker.1' }] });
    expect(closed).toMatchObject({ status: 'closed', outcome: 'upheld', overdue: false });
    expect(closed.step).toBeUndefined();
    expect(await handle.result()).toMatchObject({ status: 'closed' });

    const all = await notificationsOf(world, closed.caseId);
    const extensions = all.filter((n) => n.kind === 'objection.extended');
    expect(extensions.map((n) => n.body)).toEqual([
      expect.stringContaining('2027年7月15日'),
      expect.stringContaining('2027年7月22日'),
    ]);
    expect(extensions[1].body).toContain('书面告知申请人');
    // Every notice once: by kind, channel and recipient.
    const counts: Record<string, number> = {};
    for (const n of all) {
      const key = `${n.kind}|${n.channel}|${n.recipient}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    expect(counts).toEqual({
      [`objection.received|sms|${APPLICANT}`]: 1,
      [`objection.verification.requested|internal|provider@${PROVIDER}`]: 1,
      [`objection.step.reminder|internal|provider@${PROVIDER}`]: 1,
      [`objection.step.overdue|internal|provider@${PROVIDER}`]: 2,
      [`objection.step.overdue|internal|supervisor@${OFFICE}`]: 2,
      [`objection.step.escalated|internal|provider@${PROVIDER}`]: 1,
      [`objection.step.escalated|internal|supervisor@${OFFICE}`]: 1,
      'objection.step.escalated|internal|credit-office@xinzheng-mz': 1,
      [`objection.extended|sms|${APPLICANT}`]: 2,
      [`objection.reply|sms|${APPLICANT}`]: 1,
      [`objection.reply|letter|${APPLICANT}`]: 1,
    });
    // The two overdue notices of each recipient are about different dates.
    const overdueBodies = all.filter((n) => n.kind === 'objection.step.overdue').map((n) => n.body);
    expect(new Set(overdueBodies).size).toBe(2);
  });
});
