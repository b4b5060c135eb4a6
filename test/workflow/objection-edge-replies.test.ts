import { WorkflowNotFoundError } from '@temporalio/client';
import { CreditRecord } from '../../infra/database/entities/registry';
import {
  forwardUpdate,
  issueReplyUpdate,
  providerReplyUpdate,
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

/** The provider's reply at the edges: after a withdrawal, and a correction that clears a field. */
describe('objection provider replies at the edges', () => {
  let world: ObjectionWorld;
  beforeAll(async () => {
    world = await createObjectionWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('宁晋: a reply after the applicant withdrew finds no verification and changes neither the record nor its measures', async () => {
    const provider = '宁晋县市场监督管理局';
    const record = await recordOf(world, provider, { withMeasure: true });
    const handle = await startCase(world, {
      jurisdiction: 'ningjin',
      office: '宁晋县社会信用体系建设领导小组办公室',
      provider,
      receivedAt: '2027-08-02T10:00:00+08:00', // Monday
      record,
    });
    await waitFor(handle, (s) => s.suspendedMeasureIds.length === 1 && s.step?.secondLevelAt !== undefined);
    await skipTo(world, '2027-08-03T10:00:00+08:00');
    await handle.executeUpdate(forwardUpdate, { args: [{ actor: 'caseworker.1' }] });
    // Verify 5 WD from Tue 08-03: Wed 04, Thu 05, Fri 06, Mon 09, Tue 08-10.
    const forwarded = await waitFor(
      handle,
      (s) => s.step?.step === 'verify' && s.step.secondLevelAt !== undefined,
    );
    expect(forwarded.step?.due).toBe(endOfDay('2027-08-10'));
    expect(await measureStatuses(world, record.measureIds)).toEqual(['suspended']);

    await skipTo(world, '2027-08-04T10:00:00+08:00');
    const withdrawn = await handle.executeUpdate(withdrawUpdate, {
      args: [{ actor: 'caseworker.1', reason: '申请人已自行与处罚机关沟通' }],
    });
    expect(withdrawn).toMatchObject({ status: 'withdrawn', overdue: false, clockStops: [] });
    expect(withdrawn.step).toBeUndefined();

    const child = world.env.client.workflow.getHandle(verificationWorkflowId(withdrawn.caseId));
    const late = await child
      .executeUpdate(providerReplyUpdate, {
        args: [
          {
            actor: 'provider.1',
            department: provider,
            outcome: 'revoked',
            opinion: '经核查，原处罚认定有误，予以撤销。',
            wrongfulPunishment: true,
          },
        ],
      })
      .catch((e: unknown) => e);
    expect(late).toBeInstanceOf(WorkflowNotFoundError);
    expect((await child.describe()).status.name).toBe('COMPLETED');
    expect(await child.result()).toEqual({ kind: 'withdrawn' });

    expect(await handle.result()).toMatchObject({ status: 'withdrawn' });
    const result = await stateOf(handle);
    expect(result.reply).toBeUndefined();
    expect(result.timeline.map((e) => e.kind)).toEqual([
      'received',
      'record-disputed',
      'forwarded',
      'withdrawn',
    ]);
    expect((await recordRow(world, record.recordId)).status).toBe('active');
    expect(await measureStatuses(world, record.measureIds)).toEqual(['active']);
    expect(world.restorationTasks.filter((t) => t.caseId === withdrawn.caseId)).toEqual([]);
    const kinds = (await notificationsOf(world, withdrawn.caseId)).map((n) => n.kind);
    expect(kinds).toEqual(['objection.received', 'objection.verification.requested', 'objection.withdrawn']);
  });

  it('national: a correction with null clears an optional field, and the reply letter says it was deleted', async () => {
    const provider = '某县应急管理局';
    const subject = await recordOf(world, provider);
    const { record: withEnd } = await world.registry.records.register({
      subjectCode: subject.subjectCode,
      kind: 'administrative-penalty',
      department: provider,
      documentNo: '测应急罚〔2026〕7号',
      decisionDate: '2026-03-02',
      conductEndedOn: '2026-02-20',
      severityTier: '一般',
      title: '未按规定开展安全培训',
      content: '罚款五千元',
      publicityStart: '2026-03-05',
      publicityMinEnd: '2026-06-05',
      publicityMaxEnd: '2029-03-05',
      actor: 'provider.1',
    });
    const handle = await startCase(world, {
      jurisdiction: 'national',
      office: '某县发展和改革局',
      provider,
      receivedAt: '2027-08-16T10:00:00+08:00', // Monday
      record: { ...subject, recordId: withEnd.id },
    });
    await waitFor(handle, (s) => s.step?.secondLevelAt !== undefined);
    expect((await recordRow(world, withEnd.id)).status).toBe('disputed');
    await handle.executeUpdate(forwardUpdate, { args: [{ actor: 'caseworker.1' }] });
    const forwarded = await waitFor(
      handle,
      (s) => s.step?.step === 'verify' && s.step.secondLevelAt !== undefined,
    );

    await skipTo(world, '2027-08-17T10:00:00+08:00');
    const accepted = await world.env.client.workflow
      .getHandle(verificationWorkflowId(forwarded.caseId))
      .executeUpdate(providerReplyUpdate, {
        args: [
          {
            actor: 'provider.1',
            department: provider,
            outcome: 'corrected',
            opinion: '经核查，该违法行为处于持续状态，终止日期记载有误，予以删除。',
            correctedValues: { conductEndedOn: null },
          },
        ],
      });
    expect(accepted).toMatchObject({ outcome: 'corrected', late: false });
    // Notify 2 WD from Tue 08-17: Wed 18, Thu 08-19.
    const verified = await waitFor(
      handle,
      (s) => s.status === 'verified' && s.step?.step === 'notify' && s.step.secondLevelAt !== undefined,
    );
    expect(verified.step?.due).toBe(endOfDay('2027-08-19'));
    expect(verified.reply?.correctedValues).toEqual({ conductEndedOn: null });
    const replied = verified.timeline.find((e) => e.kind === 'provider-replied');
    expect(replied?.detail?.correctedValues).toEqual({ conductEndedOn: null });
    const applied = verified.timeline.find((e) => e.kind === 'outcome-applied');
    expect(applied?.summary).toBe('信用记录已更正并推送共享平台');

    const row = await world.dataSource.getRepository(CreditRecord).findOneByOrFail({ id: withEnd.id });
    expect(row).toMatchObject({ status: 'corrected', conductEndedOn: null, content: '罚款五千元' });

    const closed = await handle.executeUpdate(issueReplyUpdate, { args: [{ actor: 'caseworker.1' }] });
    expect(closed.replyLetter).toContain('一、处理结果：经核实信息有误，已予更正。');
    expect(closed.replyLetter).toContain('三、更正内容：删除“失信行为终止日期”。');
    expect(closed.replyLetter).not.toContain('null');
    expect((await notificationsOf(world, closed.caseId)).filter((n) => n.kind.includes('registry'))).toEqual(
      [],
    );
  });
});
