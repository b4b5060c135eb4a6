import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import {
  extendUpdate,
  forwardUpdate,
  issueReplyUpdate,
  materialsReceivedUpdate,
  providerReplyUpdate,
  requestMaterialsUpdate,
  withdrawUpdate,
  type ProviderReplyInput,
} from '../../workflows/objection/messages';
import { verificationWorkflowId } from '../../workflows/objection/types';
import { recordHistories } from '../support/replay';
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

const settled = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

/** The notify activities a case scheduled whose dedupe key matches, with the task that scheduled each. */
async function notifyCommands(
  handle: WorkflowHandle,
  matches: (dedupeKey: string) => boolean,
): Promise<Array<{ recipient: string; task: string }>> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const a = e.activityTaskScheduledEventAttributes;
    if (a?.activityType?.name !== 'notify') return [];
    const input = defaultPayloadConverter.fromPayload<{ dedupeKey: string; recipient: string }>(
      a.input!.payloads![0],
    );
    return matches(input.dedupeKey)
      ? [{ recipient: input.recipient, task: String(a.workflowTaskCompletedEventId) }]
      : [];
  });
}

const XZ = { jurisdiction: 'xinzheng-mz', office: '新郑市民政局', provider: '新郑市市场监督管理局' };
const YX = { jurisdiction: 'yexian-mz', office: '叶县民政局', provider: '叶县民政局' };

/** The defects a review of the first objection workflow found (B1–B8 and more), each pinned by a scenario. */
describe('objection defects stay fixed', () => {
  let world: ObjectionWorld;
  beforeAll(async () => {
    world = await createObjectionWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  const replies = (department: string, outcome: 'upheld' | 'revoked' = 'upheld') => ({
    args: [
      {
        actor: 'provider.1',
        department,
        outcome,
        opinion:
          outcome === 'upheld' ? '经核查，原记录事实清楚，予以维持。' : '经核查，原认定有误，予以撤销。',
      },
    ] as [ProviderReplyInput],
  });

  it('B2: a second 补正 request sent with the first is refused, and the one clock stop closes', async () => {
    const record = await recordOf(world, XZ.provider);
    const handle = await startCase(world, { ...XZ, receivedAt: '2027-03-01T10:00:00+08:00', record });
    await waitFor(handle, (s) => s.step?.secondLevelAt !== undefined);
    const ask = () =>
      settled(
        handle.executeUpdate(requestMaterialsUpdate, {
          args: [{ actor: 'caseworker.1', items: ['身份证明'] }],
        }),
      );
    const [a, b] = await Promise.all([ask(), ask()]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    const refused = (a.ok ? b : a) as { error: WorkflowUpdateFailedError };
    expect((refused.error.cause as { type?: string }).type).toBe('OBJECTION_WRONG_STATUS');
    await skipTo(world, '2027-03-02T10:00:00+08:00');
    await handle.executeUpdate(materialsReceivedUpdate, {
      args: [{ actor: 'caseworker.1', attachments: [{ ref: 'doc-2', name: '身份证明' }] }],
    });
    const resumed = await stateOf(handle);
    expect(resumed.status).toBe('received');
    expect(resumed.clockStops).toHaveLength(1);
    expect(resumed.clockStops.every((stop) => stop.to !== undefined)).toBe(true);
    // The forward step's clock runs again: it is reminded.
    await skipTo(world, '2027-03-12T12:00:00+08:00');
    await waitFor(handle, (s) => s.timeline.some((e) => e.kind === 'reminder'));
    await handle.executeUpdate(withdrawUpdate, { args: [{ actor: 'caseworker.1', reason: '申请人撤回' }] });
    await handle.result();
    await recordHistories([handle], 'objection', 'B2 double materials request');
  });

  it('B3: 补正 is refused once a forward was accepted, and once a withdrawal was accepted', async () => {
    const record = await recordOf(world, XZ.provider);
    const handle = await startCase(world, { ...XZ, receivedAt: '2027-03-08T10:00:00+08:00', record });
    await waitFor(handle, (s) => s.step?.secondLevelAt !== undefined);
    const [forwarded, asked] = await Promise.all([
      settled(handle.executeUpdate(forwardUpdate, { args: [{ actor: 'caseworker.1' }] })),
      settled(
        handle.executeUpdate(requestMaterialsUpdate, {
          args: [{ actor: 'caseworker.1', items: ['身份证明'] }],
        }),
      ),
    ]);
    // Whichever was accepted first, the other is refused and the case is consistent.
    expect([forwarded.ok, asked.ok].filter(Boolean)).toHaveLength(1);
    const s = await stateOf(handle);
    if (forwarded.ok) {
      expect(s.status).toBe('forwarded');
      expect(s.clockStops).toEqual([]);
      expect(s.pendingMaterials).toBeUndefined();
    } else {
      expect(s.status).toBe('awaiting-materials');
    }
    const [withdrawn, askedAgain] = await Promise.all([
      settled(
        handle.executeUpdate(withdrawUpdate, { args: [{ actor: 'caseworker.1', reason: '申请人撤回' }] }),
      ),
      settled(
        handle.executeUpdate(requestMaterialsUpdate, { args: [{ actor: 'caseworker.1', items: ['其他'] }] }),
      ),
    ]);
    expect(withdrawn.ok).toBe(true);
    expect(askedAgain.ok).toBe(false);
    const ended = await handle.result();
    expect(ended.status).toBe('withdrawn');
    expect(ended.clockStops.every((stop) => stop.to !== undefined)).toBe(true);
    await recordHistories([handle], 'objection', 'B3 materials after forward and withdrawal');
  });

  it('B4, B8: two extensions send two notices; an extension right after forwarding is answered', async () => {
    const record = await recordOf(world, XZ.provider);
    const handle = await startCase(world, { ...XZ, receivedAt: '2027-04-05T10:00:00+08:00', record });
    await waitFor(handle, (s) => s.step?.secondLevelAt !== undefined);
    await skipTo(world, '2027-04-06T10:00:00+08:00');
    // B8: the extension goes in with the forwarding, before the provider's step exists.
    const [forwarded, extended] = await Promise.all([
      handle.executeUpdate(forwardUpdate, { args: [{ actor: 'caseworker.1' }] }),
      settled(
        handle.executeUpdate(extendUpdate, {
          args: [{ actor: 'caseworker.1', workingDays: 2, reason: '核查需调取档案' }],
        }),
      ),
    ]);
    expect(forwarded.status).toBe('forwarded');
    if (!extended.ok) {
      expect(((extended.error as WorkflowUpdateFailedError).cause as { type?: string }).type).toBe(
        'OBJECTION_WRONG_STATUS',
      );
    }
    const before = await waitFor(handle, (s) => s.step?.step === 'verify' && s.step.due !== '');
    const again = await handle.executeUpdate(extendUpdate, {
      args: [{ actor: 'caseworker.1', workingDays: 1, reason: '信息提供单位申请' }],
    });
    expect(again.step?.step).toBe('verify');
    expect(Date.parse(again.step!.due)).toBeGreaterThan(Date.parse(before.step!.due));
    const third = await handle.executeUpdate(extendUpdate, {
      args: [{ actor: 'caseworker.1', workingDays: 1, reason: '信息提供单位再次申请' }],
    });
    expect(Date.parse(third.step!.due)).toBeGreaterThan(Date.parse(again.step!.due));
    const notices = (await notificationsOf(world, third.caseId)).filter(
      (n) => n.kind === 'objection.extended',
    );
    expect(notices).toHaveLength(extended.ok ? 3 : 2);
    expect(new Set(notices.map((n) => n.body)).size).toBe(notices.length);
    await handle.executeUpdate(withdrawUpdate, { args: [{ actor: 'caseworker.1', reason: '申请人撤回' }] });
    await handle.result();
    await recordHistories(
      [handle, world.env.client.workflow.getHandle(verificationWorkflowId(third.caseId))],
      'objection',
      'B4 B8 extensions',
    );
  });

  it('B5: under 叶县 the whole-case limit chases the written reply, and an extension in the reply step is answered', async () => {
    const record = await recordOf(world, YX.provider);
    const handle = await startCase(world, { ...YX, receivedAt: '2027-05-10T10:00:00+08:00', record });
    const received = await waitFor(handle, (s) => s.caseDue !== undefined);
    expect(received.caseDue).toBe(endOfDay('2027-05-17'));
    await handle.executeUpdate(forwardUpdate, { args: [{ actor: 'caseworker.1' }] });
    const child = world.env.client.workflow.getHandle(verificationWorkflowId(received.caseId));
    await child.executeUpdate(providerReplyUpdate, replies(YX.provider));
    const notify = await waitFor(handle, (s) => s.step?.step === 'notify' && s.outcomeApplied);
    expect(notify.step?.due).toBe(endOfDay('2027-05-17'));
    const extended = await handle.executeUpdate(extendUpdate, {
      args: [{ actor: 'caseworker.1', workingDays: 2, reason: '告知书需负责人签发' }],
    });
    expect(extended.caseDue).toBe(endOfDay('2027-05-19'));
    expect(extended.step?.due).toBe(endOfDay('2027-05-19'));
    // Past the extended limit without a written reply: the case is overdue and put to the supervisor.
    await skipTo(world, '2027-05-20T09:00:00+08:00');
    const overdue = await waitFor(handle, (s) => s.overdue && s.escalationLevel === 1);
    expect(overdue.status).toBe('verified');
    const kinds = (await notificationsOf(world, overdue.caseId)).map((n) => `${n.kind}|${n.recipient}`);
    expect(kinds).toContain(`objection.step.overdue|supervisor@${YX.office}`);
    const closed = await handle.executeUpdate(issueReplyUpdate, { args: [{ actor: 'caseworker.1' }] });
    expect(closed.status).toBe('closed');
    expect(closed.overdue).toBe(false);
    await handle.result();
    // The overdue notice to the assignee and the one to the supervisor go out in one workflow task.
    const overdueNotices = await notifyCommands(handle, (key) => key.includes(':due:'));
    expect(overdueNotices).toHaveLength(2);
    expect(overdueNotices.map((n) => n.recipient)).toContain(`supervisor@${YX.office}`);
    expect(new Set(overdueNotices.map((n) => n.task)).size).toBe(1);
    await recordHistories([handle, child], 'objection', 'B5 case limit chases the reply');
    // The history of the same scenario with the notices sent together (the file above is older).
    await recordHistories([handle], 'objection', 'B5 case limit chases the reply staff told together');
  });

  it('B6: an extension sent with the provider reply leaves the case consistent', async () => {
    const record = await recordOf(world, XZ.provider);
    const handle = await startCase(world, { ...XZ, receivedAt: '2027-06-07T10:00:00+08:00', record });
    await waitFor(handle, (s) => s.step?.secondLevelAt !== undefined);
    await handle.executeUpdate(forwardUpdate, { args: [{ actor: 'caseworker.1' }] });
    const s0 = await waitFor(handle, (s) => s.step?.step === 'verify' && s.step.due !== '');
    const child = world.env.client.workflow.getHandle(verificationWorkflowId(s0.caseId));
    const [reply, extension] = await Promise.all([
      child.executeUpdate(providerReplyUpdate, replies(XZ.provider)),
      settled(
        handle.executeUpdate(extendUpdate, {
          args: [{ actor: 'caseworker.1', workingDays: 3, reason: '需补充核查' }],
        }),
      ),
    ]);
    expect(reply.outcome).toBe('upheld');
    const after = await waitFor(handle, (s) => s.outcomeApplied);
    const extendedEntries = after.timeline.filter((e) => e.kind === 'extended');
    if (extension.ok) {
      // Accepted: on file, and the whole case's limit carries it.
      expect(extendedEntries).toHaveLength(1);
      expect(after.extensions.case).toBe(3);
    } else {
      // Refused: nothing of it is on file or in the limits.
      expect(extendedEntries).toHaveLength(0);
      expect(after.extensions.case ?? 0).toBe(0);
    }
    await handle.executeUpdate(issueReplyUpdate, { args: [{ actor: 'caseworker.1' }] });
    await handle.result();
    await recordHistories([handle, child], 'objection', 'B6 extension with the reply');
  });

  it('a reply and a withdrawal sent together: exactly one wins, and a reply that won is applied', async () => {
    const record = await recordOf(world, '宁晋县市场监督管理局', { withMeasure: true });
    const handle = await startCase(world, {
      jurisdiction: 'ningjin',
      office: '宁晋县社会信用体系建设领导小组办公室',
      provider: '宁晋县市场监督管理局',
      receivedAt: '2027-07-05T10:00:00+08:00',
      record,
    });
    await waitFor(handle, (s) => s.step !== undefined);
    await handle.executeUpdate(forwardUpdate, { args: [{ actor: 'caseworker.1' }] });
    const s0 = await waitFor(handle, (s) => s.step?.step === 'verify');
    const child = world.env.client.workflow.getHandle(verificationWorkflowId(s0.caseId));
    const [reply, withdrawal] = await Promise.all([
      settled(child.executeUpdate(providerReplyUpdate, replies('宁晋县市场监督管理局', 'revoked'))),
      settled(
        handle.executeUpdate(withdrawUpdate, { args: [{ actor: 'caseworker.1', reason: '申请人撤回' }] }),
      ),
    ]);
    expect([reply.ok, withdrawal.ok].filter(Boolean)).toHaveLength(1);
    if (reply.ok) {
      expect(
        ((withdrawal as { error: WorkflowUpdateFailedError }).error.cause as { type?: string }).type,
      ).toBe('OBJECTION_WRONG_STATUS');
      const applied = await waitFor(handle, (s) => s.outcomeApplied);
      expect(applied.status).toBe('verified');
      expect(applied.reply?.outcome).toBe('revoked');
      expect((await recordRow(world, record.recordId)).status).toBe('revoked');
      expect(await measureStatuses(world, record.measureIds)).toEqual(['lifted']);
      await handle.executeUpdate(issueReplyUpdate, { args: [{ actor: 'caseworker.1' }] });
    } else {
      expect(await child.result()).toEqual({ kind: 'withdrawn' });
      expect((await recordRow(world, record.recordId)).status).toBe('active');
      expect(await measureStatuses(world, record.measureIds)).toEqual(['active']);
    }
    await handle.result();
    await recordHistories([handle, child], 'objection', 'reply and withdrawal together');
  });

  it('a verification that fails ends the case as aborted, the record restored and the supervisor told', async () => {
    const record = await recordOf(world, '宁晋县人力资源和社会保障局', { withMeasure: true });
    const handle = await startCase(world, {
      jurisdiction: 'ningjin',
      office: '宁晋县社会信用体系建设领导小组办公室',
      provider: '宁晋县人力资源和社会保障局',
      receivedAt: '2027-08-02T10:00:00+08:00',
      record,
    });
    await waitFor(handle, (s) => s.step !== undefined);
    expect(await measureStatuses(world, record.measureIds)).toEqual(['suspended']);
    await handle.executeUpdate(forwardUpdate, { args: [{ actor: 'caseworker.1' }] });
    const s0 = await waitFor(handle, (s) => s.step?.step === 'verify');
    await world.env.client.workflow
      .getHandle(verificationWorkflowId(s0.caseId))
      .terminate('operator ended the verification by mistake');
    const ended = await handle.result();
    expect(ended.status).toBe('aborted');
    expect(ended.overdue).toBe(false);
    expect(ended.step).toBeUndefined();
    expect((await recordRow(world, record.recordId)).status).toBe('active');
    expect(await measureStatuses(world, record.measureIds)).toEqual(['active']);
    const timeline = (await stateOf(handle)).timeline.map((e) => e.kind);
    expect(timeline[timeline.length - 1]).toBe('aborted');
    const told = (await notificationsOf(world, ended.caseId)).map((n) => `${n.kind}|${n.recipient}`);
    expect(told).toContain('objection.aborted|supervisor@宁晋县社会信用体系建设领导小组办公室');
    await expect(
      handle.executeUpdate(withdrawUpdate, { args: [{ actor: 'a', reason: '撤回' }] }),
    ).rejects.toBeInstanceOf(Error);
    await recordHistories([handle], 'objection', 'verification fails');
  });
});
