import { randomUUID } from 'node:crypto';
import { completedRectifications } from '../../activities/rectification/completed-rectifications';
import { CreditRecord, PlatformOutbox } from '../../infra/database/entities/registry';
import {
  DEPARTMENT,
  JURISDICTION,
  rectificationActors,
  type Json,
  type RectificationActors,
  type RectificationStack,
  startRectificationStack,
} from './rectifications-support';

/** 限期整改、约谈 end to end through the API, per role: department, subject, supervisor. */
describe('rectifications API: the department orders, the subject reports, interviews, the supervisor confirms', () => {
  let stack: RectificationStack;
  let a: RectificationActors;
  beforeAll(async () => {
    stack = await startRectificationStack();
    a = rectificationActors(stack);
  });
  afterAll(() => stack?.close());
  const http = () => stack.http();

  it('orders once per Idempotency-Key; the subject follows with its query code and reports; verified done, it is evidence for repair', async () => {
    const { recordId, subjectCode } = await a.record();
    const key = `order-${randomUUID()}`;
    const send = a.body(recordId);
    const first = await http()
      .post('/api/rectifications')
      .set(a.provider())
      .set('Idempotency-Key', key)
      .send(send)
      .expect(201);
    expect(first.body).toMatchObject({
      created: true,
      queryCode: expect.stringMatching(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/),
      case: {
        caseNo: expect.stringMatching(/^YONGCHANG-ZG-\d{4}-\d{6}$/),
        status: 'rectifying',
        statusName: '整改中',
        stage: 'rectification',
        stageName: '整改中',
        department: DEPARTMENT,
        subject: { code: subjectCode },
        basis: { kind: 'record', recordId, tier: '一般' },
        termDueAt: expect.any(String),
      },
    });
    const again = await http()
      .post('/api/rectifications')
      .set(a.provider())
      .set('Idempotency-Key', key)
      .send(send)
      .expect(200);
    expect(again.body).toMatchObject({ created: false, queryCode: null, case: { id: first.body.case.id } });
    const reused = await http()
      .post('/api/rectifications')
      .set(a.provider())
      .set('Idempotency-Key', key)
      .send({ ...send, obligations: ['另一项整改'] })
      .expect(409);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const twice = await http()
      .post('/api/rectifications')
      .set(a.provider())
      .set('Idempotency-Key', `order-${randomUUID()}`)
      .send(send)
      .expect(409);
    expect(twice.body).toMatchObject({
      code: 'RECTIFICATION_ALREADY_OPEN',
      message: expect.stringContaining('不能重复'),
    });
    expect(await a.rows().countBy({ recordId })).toBe(1);

    const c = { queryCode: first.body.queryCode, subjectCode, id: first.body.case.id };
    const looked = await http()
      .get('/api/rectifications/lookup')
      .query({ queryCode: c.queryCode.toLowerCase(), subjectCode })
      .expect(200);
    expect(looked.body).toMatchObject({
      caseNo: first.body.case.caseNo,
      status: 'rectifying',
      obligations: ['补报并公示2026年度报告', '建立年度报告报送责任制度'],
      deadline: first.body.case.termDueAt,
    });
    expect(JSON.stringify(looked.body.timeline)).not.toContain('p@');

    const reported = await a.report(c).expect(200);
    expect(reported.body).toMatchObject({ status: 'reported', reports: [{ no: 1, verification: null }] });
    const partly = await a
      .act(c.id, 'verification', { result: 'partly', opinion: '责任制度尚未建立' })
      .expect(200);
    expect(partly.body).toMatchObject({
      status: 'rectifying',
      reports: [{ verification: { result: 'partly' } }],
    });
    await a.report(c, '已建立年度报告报送责任制度').expect(200);
    const done = await a.act(c.id, 'verification', { result: 'done', opinion: '整改到位' }).expect(200);
    expect(done.body).toMatchObject({
      status: 'rectified',
      statusName: '已整改',
      rectifiedAt: expect.any(String),
    });
    const seen = await http()
      .get('/api/rectifications/lookup')
      .query({ queryCode: c.queryCode, subjectCode });
    expect(seen.body.reports[1].verification).toMatchObject({
      resultName: '已完成整改',
      opinion: '整改到位',
    });

    expect(await completedRectifications(stack.api.dataSource, subjectCode, recordId)).toEqual([
      expect.objectContaining({ caseNo: first.body.case.caseNo, opinion: '整改到位' }),
    ]);
    // 完成信用整改 on the repair's eligibility check: the office holds the proof already.
    const check = await http()
      .get('/api/repairs/eligibility')
      .query({ jurisdiction: JURISDICTION, recordId, subjectCode })
      .expect(200);
    expect(check.body.evidence).toEqual([
      expect.objectContaining({
        material: 'rectification',
        materialName: '完成信用整改的证明',
        caseNo: first.body.case.caseNo,
        note: expect.stringContaining(`已完成信用整改：${DEPARTMENT}`),
      }),
    ]);
  });

  it('a deadline passed: 提示约谈, then 警示约谈 (the subject does not appear), each in the credit record; the supervisor lists by stage and overdue and confirms the 重点关注名单 entry', async () => {
    const ordered = await a.order({
      extra: { deadline: { value: 3, unit: 'working-days' }, deadlineReason: '事项简单' },
    });
    const id = ordered.case.id;
    expect(ordered.case.basis).toMatchObject({ recordId: ordered.recordId });
    await stack.skipPast(ordered.case.termDueAt);
    const pending = await a.fileOf(id, (f) => f.status === 'interview-pending' && !!f.nextStep);
    expect(pending).toMatchObject({ stage: 'reminder-interview', stageName: '提示约谈' });

    const byStage = await http()
      .get('/api/rectifications')
      .query({ stage: 'reminder-interview' })
      .set(a.supervisor())
      .expect(200);
    expect(byStage.body.items.map((i: Json) => i.id)).toContain(id);
    const counts = await http()
      .get('/api/rectifications/counts')
      .query({ by: 'stage' })
      .set(a.supervisor())
      .expect(200);
    expect(counts.body.counts).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'reminder-interview', name: '提示约谈' })]),
    );

    // The department lets its time to schedule pass: overdue in the supervisor's listing.
    await stack.skipPast(pending.nextStep.due);
    await a.fileOf(id, (f) => f.overdue);
    const overdue = await http()
      .get('/api/rectifications')
      .query({ overdue: 'true' })
      .set(a.supervisor())
      .expect(200);
    expect(overdue.body.items.map((i: Json) => i.id)).toContain(id);
    const byOverdue = await http()
      .get('/api/rectifications/counts')
      .query({ by: 'overdue' })
      .set(a.supervisor());
    expect(byOverdue.body.counts).toEqual(expect.arrayContaining([{ key: true, count: expect.any(Number) }]));

    const first = await a.schedule(2);
    const scheduled = await a.act(id, 'interviews/schedule', first).expect(200);
    expect(scheduled.body).toMatchObject({ status: 'interview-scheduled', overdue: false });
    const early = await a
      .act(id, 'interviews/record', { appeared: true, summary: '约谈', undertakings: '整改' })
      .expect(409);
    expect(early.body.code).toBe('RECTIFICATION_INTERVIEW_NOT_HELD');
    await stack.skipPast(first.at);
    const held = await a
      .act(id, 'interviews/record', {
        appeared: true,
        summary: '告知未按期整改的后果',
        undertakings: '五个工作日内完成',
        newDeadline: { value: 5, unit: 'working-days' },
        newDeadlineReason: '约谈时确定',
      })
      .expect(200);
    expect(held.body).toMatchObject({
      status: 'rectifying',
      interviews: [{ kind: 'reminder', registration: 'registered' }],
    });

    const afterFirst = await a.fileOf(id, (f) => !!f.termDueAt);
    await stack.skipPast(afterFirst.termDueAt);
    await a.fileOf(id, (f) => f.stage === 'warning-interview' && f.status === 'interview-pending');
    const second = await a.schedule(3);
    await a.act(id, 'interviews/schedule', second).expect(200);
    await stack.skipPast(second.at);
    const absent = await a
      .act(id, 'interviews/record', { appeared: false, summary: '经电话通知，约谈对象无正当理由未到场' })
      .expect(200);
    expect(absent.body.interviews[1]).toMatchObject({ kind: 'warning', record: { appeared: false } });

    const records = await stack.api.dataSource
      .getRepository(CreditRecord)
      .createQueryBuilder('r')
      .where('r.document_no LIKE :no', { no: `${ordered.case.caseNo}-%` })
      .getMany();
    expect(records.map((r) => r.documentNo).sort()).toEqual(
      [`${ordered.case.caseNo}-提示约谈`, `${ordered.case.caseNo}-警示约谈`].sort(),
    );
    expect(records.every((r) => r.kind === 'interview-record' && r.department === DEPARTMENT)).toBe(true);
    expect(
      await stack.api.dataSource
        .getRepository(PlatformOutbox)
        .countBy(records.map((r) => ({ aggregateId: r.id, eventType: 'record.registered' }))),
    ).toBe(2);

    const afterSecond = await a.fileOf(id, (f) => !!f.termDueAt);
    await stack.skipPast(afterSecond.termDueAt);
    const proposed = await a.fileOf(
      id,
      (f) => f.status === 'consequence-proposed' && !!f.consequence?.deadline,
    );
    expect(proposed.consequence).toMatchObject({ summary: '列入重点关注名单，期限1年' });

    const notSupervisor = await a
      .act(id, 'consequence/decision', { confirmed: true, reason: '同意' })
      .expect(403);
    expect(notSupervisor.body.code).toBe('AUTH_FORBIDDEN_ROLE');
    const foreign = await a
      .act(id, 'consequence/decision', { confirmed: true, reason: '同意' }, a.supervisor('xinzheng-mz'))
      .expect(404);
    expect(foreign.body.code).toBe('RECTIFICATION_NOT_FOUND');
    const confirmed = await a
      .act(id, 'consequence/decision', { confirmed: true, reason: '同意列入重点关注名单' }, a.supervisor())
      .expect(200);
    expect(confirmed.body).toMatchObject({
      status: 'sanctioned',
      statusName: '已实施后续措施',
      consequence: { decision: { confirmed: true }, applied: { listEntryId: expect.any(String) } },
    });
    const lists = await http()
      .get(`/api/subjects/${ordered.subjectCode}/list-entries`)
      .set(a.supervisor())
      .expect(200);
    expect(JSON.stringify(lists.body)).toContain(`${ordered.case.caseNo}-重点关注`);
    const ended = await a.act(id, 'cancel', { reason: '撤销' }).expect(409);
    expect(ended.body.code).toBe('RECTIFICATION_ENDED');

    const subjectSees = await http()
      .get('/api/rectifications/lookup')
      .query({ queryCode: ordered.queryCode, subjectCode: ordered.subjectCode })
      .expect(200);
    expect(subjectSees.body).toMatchObject({
      status: 'sanctioned',
      interviews: [
        { kindName: '提示约谈', appeared: true },
        { kindName: '警示约谈', appeared: false },
      ],
      consequence: { summary: '列入重点关注名单，期限1年' },
    });
  });
});
