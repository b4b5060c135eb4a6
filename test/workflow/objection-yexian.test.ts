import { WorkflowUpdateFailedError } from '@temporalio/client';
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

const OFFICE = '叶县民政局';
const PROVIDER = '叶县民政局';

/**
 * 叶县 (seed 000 四(二)): reply within 5 working days of receipt, measures suspended while verifying.
 * A case received on the last working day before National Day runs over the holiday.
 */
describe('objection under the 叶县 policy, over National Day', () => {
  let world: ObjectionWorld;
  beforeAll(async () => {
    world = await createObjectionWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('counts 5 working days past the holiday, reminds, escalates twice, and applies a late revocation', async () => {
    const record = await recordOf(world, PROVIDER, { withMeasure: true });
    // Thu 2027-09-30, the last working day before the 10-01..10-07 holiday.
    const handle = await startCase(world, {
      jurisdiction: 'yexian-mz',
      office: OFFICE,
      provider: PROVIDER,
      receivedAt: '2027-09-30T10:00:00+08:00',
      record,
    });
    const received = await waitFor(
      handle,
      (s) => s.caseDue !== undefined && s.timeline.some((e) => e.kind === 'record-disputed'),
    );
    // Fri 10-08 (1), Sat 10-09 make-up day (2), Mon 10-11 (3), Tue 10-12 (4), Wed 10-13 (5).
    expect(received.caseDue).toBe(endOfDay('2027-10-13'));
    expect(received.caseDueProvisional).toBe(false);
    expect(received.suspension).toBe('suspend-measures');
    expect(received.suspendedMeasureIds).toEqual(record.measureIds);
    expect((await recordRow(world, record.recordId)).status).toBe('disputed');
    expect(await measureStatuses(world, record.measureIds)).toEqual(['suspended']);

    await handle.executeUpdate(forwardUpdate, { args: [{ actor: 'caseworker.1', note: '请核查' }] });
    const forwarded = await waitFor(
      handle,
      (s) => s.step?.step === 'verify' && s.step.secondLevelAt !== undefined,
    );
    expect(forwarded.status).toBe('forwarded');
    expect(forwarded.step).toMatchObject({
      department: PROVIDER,
      due: endOfDay('2027-10-13'),
      remindAt: endOfDay('2027-10-12'),
      // Two working days after the due day: Thu 10-14, Fri 10-15.
      secondLevelAt: endOfDay('2027-10-15'),
      escalationLevel: 0,
    });

    // Reminder the day before: the step is not overdue yet.
    await skipTo(world, '2027-10-13T09:00:00+08:00');
    const reminded = await waitFor(handle, (s) => s.timeline.some((e) => e.kind === 'reminder'));
    expect(reminded.overdue).toBe(false);
    expect(reminded.step?.remindedAt).toBeDefined();

    // Due and not done: overdue, to the supervisor (level 1).
    await skipTo(world, '2027-10-14T09:00:00+08:00');
    const overdue = await waitFor(handle, (s) => s.escalationLevel === 1 && s.step?.escalationLevel === 1);
    expect(overdue.overdue).toBe(true);

    // Two working days later: the credit office (level 2).
    await skipTo(world, '2027-10-18T09:00:00+08:00');
    const escalated = await waitFor(handle, (s) => s.escalationLevel === 2);
    // The case's 5-day limit and the verify step fall due together: one reminder, one escalation each.
    expect(
      escalated.timeline
        .filter((e) => ['reminder', 'overdue', 'escalated'].includes(e.kind))
        .map((e) => e.kind),
    ).toEqual(['reminder', 'overdue', 'escalated']);

    // Supervisors (and operators in the Temporal UI) find it by its search attributes.
    const listed: string[] = [];
    for await (const wf of world.env.client.workflow.list({
      query: `CaseJurisdiction = 'yexian-mz' AND CaseOverdue = true AND CaseEscalationLevel >= 2 AND CaseStep = 'verify'`,
    })) {
      listed.push(wf.workflowId);
    }
    expect(listed).toEqual([handle.workflowId]);

    const kinds = (await notificationsOf(world, handle.workflowId.replace(/^objection-/, ''))).map(
      (n) => `${n.kind}→${n.recipient}`,
    );
    expect(kinds).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^objection\.received→/),
        expect.stringMatching(/^objection\.verification\.requested→/),
        expect.stringMatching(/reminder/),
        expect.stringMatching(/overdue/),
        expect.stringMatching(/escalat/),
      ]),
    );

    // The provider replies after escalation: the record was wrong, and so was the punishment.
    const child = world.env.client.workflow.getHandle(verificationWorkflowId(received.caseId));
    const accepted = await child.executeUpdate(providerReplyUpdate, {
      args: [
        {
          actor: 'provider.1',
          department: PROVIDER,
          outcome: 'revoked',
          opinion: '经核查，该单位已按期报送年度工作报告，原处罚认定有误，予以撤销。',
          wrongfulPunishment: true,
        },
      ],
    });
    expect(accepted).toMatchObject({ outcome: 'revoked', late: true });
    const verified = await waitFor(handle, (s) => s.status === 'verified' && s.step?.step === 'notify');
    expect(verified.reply).toMatchObject({ outcome: 'revoked', late: true });
    expect(verified.restorationTaskId).toBeDefined();
    expect(world.restorationTasks.map((t) => t.department)).toEqual([PROVIDER]);
    expect((await recordRow(world, record.recordId)).status).toBe('revoked');
    expect(await measureStatuses(world, record.measureIds)).toEqual(['lifted']);

    // Too late to withdraw: refused, and nothing changes.
    const before = await stateOf(handle);
    const refused = await handle
      .executeUpdate(withdrawUpdate, { args: [{ actor: 'applicant', reason: '不想继续' }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refused as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'OBJECTION_WRONG_STATUS' });
    expect((await stateOf(handle)).revision).toBe(before.revision);

    const closed = await handle.executeUpdate(issueReplyUpdate, { args: [{ actor: 'caseworker.1' }] });
    expect(closed.status).toBe('closed');
    expect(closed.replyLetter).toContain('异议处理结果告知书');
    expect(closed.replyLetter).toContain(closed.caseNo);
    expect(closed.replyLetter).toContain('依据该信用记录实施的 1 项联合惩戒措施自即日起解除');
    expect(closed.replyLetter).toContain('恢复信誉');
    expect(await handle.result()).toMatchObject({ status: 'closed', outcome: 'revoked' });
    const letters = (await notificationsOf(world, closed.caseId)).filter((n) => n.kind === 'objection.reply');
    expect(letters.map((n) => n.channel).sort()).toEqual(['letter', 'sms']);
  });
});
