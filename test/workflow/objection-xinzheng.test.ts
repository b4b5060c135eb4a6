import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  extendUpdate,
  forwardUpdate,
  issueReplyUpdate,
  materialsReceivedUpdate,
  providerReplyUpdate,
  requestMaterialsUpdate,
} from '../../workflows/objection/messages';
import { verificationWorkflowId } from '../../workflows/objection/types';
import {
  createObjectionWorld,
  endOfDay,
  notificationsOf,
  ObjectionWorld,
  recordOf,
  recordRow,
  skipTo,
  startCase,
  stateOf,
  waitFor,
} from './objection-support';

const OFFICE = '新郑市民政局';
const PROVIDER = '新郑市市场监督管理局';

/**
 * 新郑 (seed 003 六(三)): forward ≤5 WD, verify ≤5 WD, notify ≤2 WD, reply ≤12 WD from receipt;
 * the objection does not affect the record meanwhile.
 */
describe('objection under the 新郑 policy (5+5+2 ≤ 12 working days)', () => {
  let world: ObjectionWorld;
  beforeAll(async () => {
    world = await createObjectionWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('stops the clock for 补正, extends verification with the applicant told, and applies a correction', async () => {
    const record = await recordOf(world, PROVIDER);
    const handle = await startCase(world, {
      jurisdiction: 'xinzheng-mz',
      office: OFFICE,
      provider: PROVIDER,
      receivedAt: '2027-11-01T10:00:00+08:00', // Monday
      record,
      contact: 'zhangsan@example.cn',
    });
    const received = await waitFor(
      handle,
      (s) => s.caseDue !== undefined && s.step?.secondLevelAt !== undefined,
    );
    expect(received.step).toMatchObject({ step: 'forward', due: endOfDay('2027-11-08') });
    expect(received.caseDue).toBe(endOfDay('2027-11-17'));
    // 新郑: the objection does not affect the record.
    expect((await recordRow(world, record.recordId)).status).toBe('active');

    // 补正 on Tuesday: the clock stops; the applicant has 10 working days.
    await skipTo(world, '2027-11-02T10:00:00+08:00');
    const asked = await handle.executeUpdate(requestMaterialsUpdate, {
      args: [{ actor: 'caseworker.1', items: ['报送回执原件扫描件'] }],
    });
    expect(asked.status).toBe('awaiting-materials');
    expect(asked.pendingMaterials?.lapsesAt).toBe(endOfDay('2027-11-16'));
    expect(asked.step).toMatchObject({ step: 'materials', assignee: 'applicant' });

    // Forwarding while materials are awaited is refused and changes nothing.
    const refused = await handle
      .executeUpdate(forwardUpdate, { args: [{ actor: 'caseworker.1' }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refused as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'OBJECTION_WRONG_STATUS' });
    expect((await stateOf(handle)).revision).toBe(asked.revision);

    // Materials on Thursday: Tue–Thu do not count (a partly stopped day is not a working day).
    await skipTo(world, '2027-11-04T15:00:00+08:00');
    await handle.executeUpdate(materialsReceivedUpdate, {
      args: [{ actor: 'caseworker.1', attachments: [{ ref: 'doc-2', name: '报送回执原件' }] }],
    });
    // Fri 11-05 (1), Mon 8 (2), Tue 9 (3), Wed 10 (4), Thu 11 (5); the case: 12 WD → Mon 11-22.
    const resumed = await waitFor(
      handle,
      (s) =>
        s.step?.step === 'forward' &&
        s.step.due === endOfDay('2027-11-11') &&
        s.caseDue === endOfDay('2027-11-22'),
    );
    expect(resumed.status).toBe('received');
    expect(resumed.clockStops).toHaveLength(1);
    expect(resumed.clockStops[0].to).toBeDefined();
    expect(resumed.attachments.map((a) => a.ref)).toEqual(['doc-1', 'doc-2']);

    await skipTo(world, '2027-11-05T10:00:00+08:00');
    await handle.executeUpdate(forwardUpdate, { args: [{ actor: 'caseworker.1' }] });
    // Verify: 5 WD from Friday's forwarding → Fri 11-12.
    await waitFor(handle, (s) => s.step?.step === 'verify' && s.step.due === endOfDay('2027-11-12'));

    // The provider asks for more time; the office extends by 3 working days and tells the applicant.
    await skipTo(world, '2027-11-08T10:00:00+08:00');
    const extended = await handle.executeUpdate(extendUpdate, {
      args: [{ actor: 'caseworker.1', workingDays: 3, reason: '需调取市场监管档案核实' }],
    });
    expect(extended.step).toMatchObject({ step: 'verify', extendedBy: 3, due: endOfDay('2027-11-17') });
    await waitFor(handle, (s) => s.caseDue === endOfDay('2027-11-25'));
    const told = (await notificationsOf(world, extended.caseId)).filter(
      (n) => n.kind === 'objection.extended',
    );
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ channel: 'email', recipient: 'zhangsan@example.cn' });
    expect(told[0].body).toContain('需调取市场监管档案核实');
    expect(told[0].body).toContain('2027年11月17日');

    // An invalid reply is refused without touching the verification's history.
    const child = world.env.client.workflow.getHandle(verificationWorkflowId(extended.caseId));
    const historyBefore = (await child.describe()).historyLength;
    for (const [reply, code] of [
      [{ outcome: 'corrected', opinion: '经核查记载有误，予以更正。' }, 'OBJECTION_INVALID_INPUT'],
      [
        { outcome: 'corrected', opinion: '经核查记载有误。', correctedValues: { owner: 'x' } },
        'OBJECTION_INVALID_INPUT',
      ],
      [{ outcome: 'upheld', opinion: '无误' }, 'OBJECTION_INVALID_INPUT'],
      [
        { outcome: 'upheld', opinion: '经核查信息无误。', department: '新郑市民政局' },
        'VERIFICATION_OTHER_DEPARTMENT',
      ],
    ] as const) {
      const err = await child
        .executeUpdate(providerReplyUpdate, {
          args: [{ actor: 'provider.1', department: PROVIDER, ...reply } as never],
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((err as WorkflowUpdateFailedError).cause).toMatchObject({ type: code });
    }
    expect((await child.describe()).historyLength).toBe(historyBefore);

    await skipTo(world, '2027-11-09T10:00:00+08:00');
    await child.executeUpdate(providerReplyUpdate, {
      args: [
        {
          actor: 'provider.1',
          department: PROVIDER,
          outcome: 'corrected',
          opinion: '经核查，处罚内容记载有误，已更正。',
          correctedValues: { content: '警告（已更正）' },
        },
      ],
    });
    // Notify: 2 WD from the result → Thu 11-11.
    const verified = await waitFor(
      handle,
      (s) => s.step?.step === 'notify' && s.step.secondLevelAt !== undefined,
    );
    expect(verified.step?.due).toBe(endOfDay('2027-11-11'));
    expect(verified.reply).toMatchObject({ outcome: 'corrected', late: false });
    const corrected = await recordRow(world, record.recordId);
    expect(corrected).toMatchObject({ status: 'corrected', content: '警告（已更正）' });

    // The caseworker lets the notify step run over: overdue and escalated to the supervisor.
    await skipTo(world, '2027-11-12T09:00:00+08:00');
    const overdue = await waitFor(handle, (s) => s.overdue && s.step?.escalationLevel === 1);
    expect(overdue.timeline.filter((e) => e.kind === 'overdue').map((e) => e.detail?.step)).toEqual([
      'notify',
    ]);
    const supervisor = (await notificationsOf(world, overdue.caseId)).filter(
      (n) => n.kind === 'objection.step.overdue',
    );
    expect(supervisor.map((n) => n.recipient)).toContain(`supervisor@${OFFICE}`);

    const closed = await handle.executeUpdate(issueReplyUpdate, { args: [{ actor: 'caseworker.1' }] });
    expect(closed).toMatchObject({ status: 'closed', overdue: false, outcome: 'corrected' });
    expect(closed.replyLetter).toContain('“内容”更正为“警告（已更正）”');
    const again = await handle
      .executeUpdate(issueReplyUpdate, { args: [{ actor: 'caseworker.1' }] })
      .catch((e: unknown) => e);
    expect((again as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'OBJECTION_ENDED' });
    expect(await handle.result()).toMatchObject({ status: 'closed' });
  });
});
