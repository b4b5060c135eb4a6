import { createRectificationActivities } from '../../activities/rectification/rectification-activities';
import { ListEntry } from '../../infra/database/entities/registry';
import {
  cancelRectificationUpdate,
  decideConsequenceUpdate,
  recordInterviewUpdate,
  reportRectificationUpdate,
  scheduleInterviewUpdate,
  verifyRectificationUpdate,
} from '../../workflows/rectification/messages';
import { recordHistories } from '../support/replay';
import {
  createObjectionWorld,
  endOfDay,
  notificationsOf,
  skipTo,
  type ObjectionWorld,
} from './objection-support';
import {
  DEPARTMENT_ACTOR,
  dishonestSubject,
  interviewRecordsOf,
  kinds,
  scheduleAt,
  startRectification,
  SUBJECT_ACTOR,
  SUBJECT_CONTACT,
  untilRectification,
  YC,
} from './rectification-support';

const wd = (value: number) => ({ value, unit: 'working-days' as const });

const report = (description: string) => ({
  actor: SUBJECT_ACTOR,
  description,
  attachments: [{ ref: 'DOC-2027-0001', name: '年度报告公示截图' }],
});
const verify = (result: 'done' | 'not-done' | 'partly', opinion: string) => ({
  actor: DEPARTMENT_ACTOR,
  result,
  opinion,
});
const held = (undertakings: string) => ({
  actor: DEPARTMENT_ACTOR,
  appeared: true,
  summary: '告知其未按期整改的情形及法律后果，听取其陈述',
  undertakings,
});

/** 限期整改 and 约谈 (永昌, seed 004 (十)) under time skipping. */
describe('rectification: 限期整改、提示约谈、警示约谈', () => {
  let world: ObjectionWorld;
  /** Answers of registerInterviewRecord are "lost" once per interview: the retry must find the first record. */
  const lostOnce = new Set<string>();
  beforeAll(async () => {
    world = await createObjectionWorld({
      wrap: (base) => ({
        async registerInterviewRecord(input: Parameters<typeof base.registerInterviewRecord>[0]) {
          const result = await base.registerInterviewRecord(input);
          if (!lostOnce.has(input.documentNo)) {
            lostOnce.add(input.documentNo);
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

  const subjectNotices = async (s: { caseId: string }) =>
    (await notificationsOf(world, s.caseId))
      .filter((n) => n.recipient === SUBJECT_CONTACT)
      .map((n) => n.kind);

  it('rectified in time: the subject is reminded before its deadline, reports, is verified partly, reports again and is verified done; the repair procedure sees it', async () => {
    const subject = await dishonestSubject(world);
    const handle = await startRectification(world, { startedAt: '2027-03-01T10:00:00+08:00', subject });
    const planned = await untilRectification(handle, (s) => !!s.terms[0].deadline?.due);
    // 一般 → 20 working days from Monday 1 March; the subject is reminded 3 working days before.
    expect(planned.terms[0].limit).toEqual(wd(20));
    expect(planned.terms[0].deadline).toMatchObject({
      due: endOfDay('2027-03-29'),
      remindAt: endOfDay('2027-03-24'),
    });
    expect(planned).toMatchObject({ status: 'rectifying', stage: 'rectification', overdue: false });
    await untilRectification(handle, () => true);
    expect(await subjectNotices(planned)).toContain('rectification.ordered');

    await skipTo(world, '2027-03-25T09:00:00+08:00');
    const reminded = await untilRectification(handle, (s) => kinds(s).includes('subject-reminded'));
    expect(reminded.overdue).toBe(false);
    expect(reminded.terms[0].deadline?.remindedAt).toBeDefined();
    expect(await subjectNotices(reminded)).toContain('rectification.term.reminder');

    const first = await handle.executeUpdate(reportRectificationUpdate, { args: [report('已补报年度报告')] });
    expect(first.status).toBe('reported');
    // The department verifies within 5 working days of the report.
    expect(first.reports[0].deadline?.due).toBe(endOfDay('2027-04-01'));
    await expect(
      handle.executeUpdate(reportRectificationUpdate, { args: [report('再次报告')] }),
    ).rejects.toMatchObject({ cause: { type: 'RECTIFICATION_WRONG_STATUS' } });
    await expect(
      handle.executeUpdate(verifyRectificationUpdate, { args: [verify('done', '  ')] }),
    ).rejects.toMatchObject({ cause: { type: 'RECTIFICATION_INVALID_INPUT' } });

    const partly = await handle.executeUpdate(verifyRectificationUpdate, {
      args: [verify('partly', '年度报告已补报，责任制度尚未建立')],
    });
    expect(partly.status).toBe('rectifying');
    await handle.executeUpdate(reportRectificationUpdate, { args: [report('已建立年度报告报送责任制度')] });
    const done = await handle.executeUpdate(verifyRectificationUpdate, {
      args: [verify('done', '经核实，整改事项均已完成')],
    });
    expect(done).toMatchObject({ status: 'rectified', stage: 'rectification' });
    expect(done.rectifiedAt).toBeDefined();
    await handle.result();
    expect(await subjectNotices(done)).toEqual(expect.arrayContaining(['rectification.verified']));
    expect((await interviewRecordsOf(world, done.caseNo)).records).toHaveLength(0);

    // 完成信用整改: the repair procedure's evidence, read from the read model.
    const completed = await createRectificationActivities({
      dataSource: world.dataSource,
    }).completedRectifications({ subjectCode: subject.code.toLowerCase(), recordId: subject.recordId });
    expect(completed).toEqual([
      expect.objectContaining({
        caseNo: done.caseNo,
        department: YC.department,
        recordId: subject.recordId,
        opinion: '经核实，整改事项均已完成',
        obligations: ['补报并公示2026年度报告', '建立年度报告报送责任制度'],
      }),
    ]);
    await recordHistories([handle], 'rectification', 'rectified in time after a partial verification');
  });

  it('not rectified by the deadline: 提示约谈 scheduled, held and recorded into the credit record exactly once (a lost answer, a worker restart), then rectified', async () => {
    const subject = await dishonestSubject(world);
    const handle = await startRectification(world, {
      startedAt: '2027-05-10T10:00:00+08:00',
      subject,
      deadline: { limit: wd(5), reason: '整改事项简单，五个工作日可以完成' },
    });
    const planned = await untilRectification(handle, (s) => !!s.terms[0].deadline?.due);
    expect(planned.terms[0]).toMatchObject({ limit: wd(5), reason: '整改事项简单，五个工作日可以完成' });
    expect(planned.terms[0].deadline?.due).toBe(endOfDay('2027-05-17'));

    await skipTo(world, '2027-05-18T09:00:00+08:00');
    const due = await untilRectification(handle, (s) => !!s.interviews[0]?.scheduleDeadline?.due);
    expect(due).toMatchObject({ status: 'interview-pending', stage: 'reminder-interview', overdue: false });
    expect(due.interviews[0].scheduleDeadline?.due).toBe(endOfDay('2027-05-24'));
    await expect(
      handle.executeUpdate(reportRectificationUpdate, { args: [report('逾期后报告')] }),
    ).rejects.toMatchObject({ cause: { type: 'RECTIFICATION_WRONG_STATUS' } });
    await expect(
      handle.executeUpdate(scheduleInterviewUpdate, { args: [scheduleAt('2027-05-17T10:00:00+08:00')] }),
    ).rejects.toMatchObject({ cause: { type: 'RECTIFICATION_INVALID_INPUT' } });

    const scheduled = await handle.executeUpdate(scheduleInterviewUpdate, {
      args: [scheduleAt('2027-05-20T10:00:00+08:00')],
    });
    expect(scheduled.status).toBe('interview-scheduled');
    expect(await subjectNotices(scheduled)).toContain('rectification.interview.scheduled');
    await world.stopWorker();
    await world.startWorker();
    await expect(
      handle.executeUpdate(recordInterviewUpdate, { args: [held('十日内完成整改')] }),
    ).rejects.toMatchObject({ cause: { type: 'RECTIFICATION_INTERVIEW_NOT_HELD' } });
    await skipTo(world, '2027-05-20T11:00:00+08:00');
    const recorded = await handle.executeUpdate(recordInterviewUpdate, {
      args: [held('十个工作日内补报年度报告并建立制度')],
    });
    expect(recorded.status).toBe('rectifying');
    expect(recorded.interviews[0]).toMatchObject({ registration: 'registered' });
    const { records, outbox } = await interviewRecordsOf(world, recorded.caseNo);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      id: recorded.interviews[0].recordId,
      kind: 'interview-record',
      department: YC.department,
      documentNo: `${recorded.caseNo}-提示约谈`,
      publicityStart: null,
    });
    expect(records[0].content).toContain('王五（法定代表人）到场');
    expect(records[0].content).toContain('十个工作日内补报年度报告并建立制度');
    expect(outbox).toHaveLength(1);
    expect(lostOnce.has(`${recorded.caseNo}-提示约谈`)).toBe(true);

    const second = await untilRectification(handle, (s) => !!s.terms[1]?.deadline?.due);
    expect(kinds(second).filter((k) => k === 'record-registered')).toHaveLength(1);
    // The policy gives 10 working days after the interview.
    expect(second.terms[1]).toMatchObject({ from: 'reminder', limit: wd(10) });
    expect(second.terms[1].deadline?.due).toBe(endOfDay('2027-06-03'));
    expect(await subjectNotices(second)).toContain('rectification.interview.recorded');

    await handle.executeUpdate(reportRectificationUpdate, { args: [report('已补报并建立制度')] });
    const done = await handle.executeUpdate(verifyRectificationUpdate, {
      args: [verify('done', '整改到位')],
    });
    expect(done).toMatchObject({ status: 'rectified', stage: 'reminder-interview' });
    await handle.result();
    expect((await interviewRecordsOf(world, done.caseNo)).records).toHaveLength(1);
    await recordHistories([handle], 'rectification', 'reminder interview then rectified');
  });

  it('still not rectified: the overdue scheduling escalates, 提示约谈 and 警示约谈 are recorded, the 重点关注名单 entry is proposed, confirmed by the supervisor and applied', async () => {
    const subject = await dishonestSubject(world);
    const handle = await startRectification(world, {
      startedAt: '2027-06-14T10:00:00+08:00',
      subject,
      deadline: { limit: wd(5), reason: '整改事项简单' },
    });
    await untilRectification(handle, (s) => !!s.terms[0].deadline?.due);
    await skipTo(world, '2027-06-22T09:00:00+08:00');
    const pending = await untilRectification(handle, (s) => !!s.interviews[0]?.scheduleDeadline?.due);
    expect(pending.interviews[0].scheduleDeadline?.due).toBe(endOfDay('2027-06-28'));

    // The department misses its 5 working days to schedule: overdue, its supervisor told.
    await skipTo(world, '2027-06-29T09:00:00+08:00');
    const overdue = await untilRectification(handle, (s) => s.overdue);
    expect(overdue.escalationLevel).toBe(1);
    const staff = (await notificationsOf(world, overdue.caseId)).map((n) => n.recipient);
    expect(staff).toContain(`supervisor@${YC.department}`);
    const scheduled = await handle.executeUpdate(scheduleInterviewUpdate, {
      args: [scheduleAt('2027-06-30T10:00:00+08:00')],
    });
    expect(scheduled.overdue).toBe(false);

    await skipTo(world, '2027-06-30T11:00:00+08:00');
    await handle.executeUpdate(recordInterviewUpdate, { args: [held('十个工作日内完成整改')] });
    await untilRectification(handle, (s) => !!s.terms[1]?.deadline?.due);
    await skipTo(world, '2027-07-15T09:00:00+08:00');
    const warning = await untilRectification(handle, (s) => s.interviews.length === 2);
    expect(warning).toMatchObject({ status: 'interview-pending', stage: 'warning-interview' });
    await handle.executeUpdate(scheduleInterviewUpdate, { args: [scheduleAt('2027-07-16T10:00:00+08:00')] });
    // Moved: the subject is told the new time; the record step follows the new date.
    const moved = await handle.executeUpdate(scheduleInterviewUpdate, {
      args: [scheduleAt('2027-07-16T15:00:00+08:00')],
    });
    expect(moved.interviews[1].schedules).toHaveLength(2);
    await skipTo(world, '2027-07-16T16:00:00+08:00');
    await expect(
      handle.executeUpdate(recordInterviewUpdate, {
        args: [{ ...held('三日内整改'), newDeadline: wd(3) }],
      }),
    ).rejects.toMatchObject({ cause: { type: 'RECTIFICATION_INVALID_INPUT' } });
    const third = await handle.executeUpdate(recordInterviewUpdate, {
      args: [
        {
          ...held('三个工作日内完成整改'),
          newDeadline: wd(3),
          newDeadlineReason: '第二次约谈，从严确定期限',
        },
      ],
    });
    expect(third.terms[2]).toMatchObject({ from: 'warning', limit: wd(3) });

    await skipTo(world, '2027-07-22T09:00:00+08:00');
    const proposed = await untilRectification(handle, (s) => !!s.consequence?.deadline?.due);
    expect(proposed).toMatchObject({ status: 'consequence-proposed', stage: 'consequence' });
    expect(proposed.consequence).toMatchObject({
      consequence: { kind: 'watch-list', listName: '重点关注名单' },
      summary: '列入重点关注名单，期限1年',
    });
    await untilRectification(handle, () => true);
    const supervisorNotices = (await notificationsOf(world, proposed.caseId))
      .filter((n) => n.recipient === `supervisor@${YC.department}`)
      .map((n) => n.kind);
    expect(supervisorNotices).toContain('rectification.consequence.proposed');

    const confirmed = await handle.executeUpdate(decideConsequenceUpdate, {
      args: [{ actor: 'supervisor.1', confirmed: true, reason: '同意列入重点关注名单' }],
    });
    expect(confirmed.status).toBe('sanctioned');
    expect(confirmed.consequence?.applied?.listEntryId).toBeDefined();
    const entry = await world.dataSource
      .getRepository(ListEntry)
      .findOneByOrFail({ id: confirmed.consequence!.applied!.listEntryId! });
    expect(entry).toMatchObject({
      listType: 'watch',
      listName: '重点关注名单',
      department: YC.department,
      documentNo: `${confirmed.caseNo}-重点关注`,
      recordId: subject.recordId,
      effectiveFrom: '2027-07-22',
      expiresOn: '2028-07-22',
    });
    await handle.result();
    const { records, outbox } = await interviewRecordsOf(world, confirmed.caseNo);
    expect(records.map((r) => r.documentNo).sort()).toEqual(
      [`${confirmed.caseNo}-提示约谈`, `${confirmed.caseNo}-警示约谈`].sort(),
    );
    expect(outbox).toHaveLength(2);
    expect(await subjectNotices(confirmed)).toContain('rectification.consequence.applied');
    await recordHistories([handle], 'rectification', 'warning interview then watch list confirmed');
  });

  it('a subject that does not appear is recorded as such in its credit record; the order may be withdrawn', async () => {
    const subject = await dishonestSubject(world);
    const handle = await startRectification(world, {
      startedAt: '2027-09-06T10:00:00+08:00',
      subject,
      deadline: { limit: wd(5), reason: '整改事项简单' },
    });
    await untilRectification(handle, (s) => !!s.terms[0].deadline?.due);
    await skipTo(world, '2027-09-14T09:00:00+08:00');
    await untilRectification(handle, (s) => !!s.interviews[0]?.scheduleDeadline?.due);
    await handle.executeUpdate(scheduleInterviewUpdate, { args: [scheduleAt('2027-09-16T10:00:00+08:00')] });
    await skipTo(world, '2027-09-16T11:00:00+08:00');
    await expect(
      handle.executeUpdate(recordInterviewUpdate, {
        args: [{ actor: DEPARTMENT_ACTOR, appeared: 'no', summary: '未到场' } as never],
      }),
    ).rejects.toMatchObject({ cause: { type: 'RECTIFICATION_INVALID_INPUT' } });
    const absent = await handle.executeUpdate(recordInterviewUpdate, {
      args: [
        { actor: DEPARTMENT_ACTOR, appeared: false, summary: '经电话、短信通知，约谈对象无正当理由未到场' },
      ],
    });
    expect(absent.interviews[0].record).toMatchObject({ appeared: false, undertakings: '' });
    expect(kinds(await untilRectification(handle, () => true))).toContain('interview-absent');
    const { records } = await interviewRecordsOf(world, absent.caseNo);
    expect(records).toHaveLength(1);
    expect(records[0].title).toContain('未到场');
    expect(records[0].content).toContain('约谈对象未到场');

    const cancelled = await handle.executeUpdate(cancelRectificationUpdate, {
      args: [{ actor: DEPARTMENT_ACTOR, reason: '原行政处罚决定已被依法撤销' }],
    });
    expect(cancelled.status).toBe('cancelled');
    await handle.result();
    expect(await subjectNotices(cancelled)).toContain('rectification.cancelled');
    await expect(
      handle.executeUpdate(reportRectificationUpdate, { args: [report('撤销后报告')] }),
    ).rejects.toBeDefined();
    await recordHistories([handle], 'rectification', 'no-show recorded then withdrawn');
  });
});
