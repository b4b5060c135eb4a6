import { RestorationTask } from '../../infra/database/entities';
import { CreditRecord } from '../../infra/database/entities/registry';
import {
  actors,
  JURISDICTION,
  OFFICE,
  ObjectionStack,
  PROVIDER,
  startObjectionStack,
} from './objections-support';

describe('objections API end to end: from intake to the written reply, on the embedded stack', () => {
  let stack: ObjectionStack;
  let a: ReturnType<typeof actors>;
  beforeAll(async () => {
    stack = await startObjectionStack();
    a = actors(stack);
  });
  afterAll(() => stack?.close());
  const http = () => stack.http();

  it('runs a case registered by a caseworker through forwarding, a correction by the provider and the reply letter; the applicant follows it', async () => {
    const record = await a.record();
    const created = await http()
      .post('/api/objections')
      .set(a.caseworker())
      .set('Idempotency-Key', 'flow-corrected-0001')
      .send(a.objectionBody(record))
      .expect(201);
    expect(created.body.created).toBe(true);
    expect(created.body.queryCode).toMatch(
      /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/,
    );
    const id: string = created.body.case.id;
    expect(created.body.case).toMatchObject({
      status: 'received',
      jurisdiction: JURISDICTION,
      officeDepartment: OFFICE,
      providerDepartment: PROVIDER,
      recordId: record.recordId,
      subjectCode: record.subjectCode,
      recordDescription: expect.stringContaining('行政处罚'),
    });
    expect(created.body.case.caseNo).toMatch(/^YEXIAN-MZ-\d{4}-\d{6}$/);
    // Only the hash of the query code is kept.
    const stored = await a.row(id);
    expect(stored.queryCodeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(created.body.queryCode);

    // The workflow runs and publishes: the case file shows the intake and, for 叶县, the 5 WD case limit.
    const received = await a.caseFile(
      id,
      (c) =>
        c.case?.caseDue !== undefined &&
        c.case.timeline.some((e: { kind: string }) => e.kind === 'record-disputed'),
    );
    expect(received.case?.caseDue).toEqual(expect.any(String));
    expect(received.deadlines.caseDue).toBe(received.case?.caseDue);

    // The applicant looks the case up without login; internal actors are not shown.
    const early = await http()
      .get('/api/objections/lookup')
      .query({ queryCode: created.body.queryCode.toLowerCase(), subjectCode: record.subjectCode })
      .expect(200);
    expect(early.body).toMatchObject({
      caseNo: created.body.case.caseNo,
      status: 'received',
      statusName: '已受理',
    });
    expect(early.body.timeline[0]).toEqual({
      at: expect.any(String),
      kind: 'received',
      summary: expect.any(String),
    });
    expect(JSON.stringify(early.body)).not.toContain('cw@');
    expect(early.body.replyLetter).toBeNull();

    const forwarded = await a.forward(id);
    expect(forwarded.status).toBe('forwarded');

    // The provider finds it among its pending verifications and replies with a correction.
    const pending = await http().get('/api/objections/verifications/pending').set(a.provider()).expect(200);
    expect(pending.body.items.map((i: { id: string }) => i.id)).toContain(id);
    expect(pending.body.items.find((i: { id: string }) => i.id === id)).toMatchObject({
      groundsText: '已于规定期限内报送年度工作报告，有回执为证',
      step: 'verify',
    });
    const replied = await http()
      .post(`/api/objections/${id}/verification`)
      .set(a.provider())
      .send({
        outcome: 'corrected',
        opinion: '经核实，处罚事由登记有误，予以更正',
        correctedValues: { title: '未按规定办理变更登记' },
      })
      .expect(200);
    expect(replied.body.reply).toMatchObject({ outcome: 'corrected', late: false });

    await a.readyForReply(id);
    const closed = await http().post(`/api/objections/${id}/reply`).set(a.caseworker()).send({}).expect(200);
    expect(closed.body).toMatchObject({ status: 'closed', outcome: 'corrected' });
    expect(closed.body.replyLetter).toContain('异议处理结果告知书');
    expect(closed.body.replyLetter).toContain('经核实信息有误，已予更正');

    // The registry holds the corrected record.
    const rec = await stack.api.dataSource
      .getRepository(CreditRecord)
      .findOneByOrFail({ id: record.recordId });
    expect(rec).toMatchObject({ status: 'corrected', title: '未按规定办理变更登记' });

    // The supervisor's case file and the applicant's look-up show the result.
    const file = await a.caseFile(id, (c) => c.status === 'closed');
    expect(file.timeline.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining([
        'received',
        'forwarded',
        'provider-replied',
        'outcome-applied',
        'reply-issued',
      ]),
    );
    expect(file.reply).toMatchObject({ outcome: 'corrected', department: PROVIDER, actor: `p@${PROVIDER}` });
    const done = await http()
      .get('/api/objections/lookup')
      .query({ queryCode: created.body.queryCode, subjectCode: record.subjectCode })
      .expect(200);
    expect(done.body).toMatchObject({
      status: 'closed',
      outcome: { code: 'corrected', name: '经核实信息有误，已予更正' },
      replyLetter: closed.body.replyLetter,
    });
    expect(done.body.timeline.map((e: { kind: string }) => e.kind)).toContain('reply-issued');
    expect(done.body.timeline.every((e: Record<string, unknown>) => !('actor' in e))).toBe(true);

    // A closed case takes no more actions, and refusing them changes nothing.
    const before = await a.row(id);
    const again = await http().post(`/api/objections/${id}/reply`).set(a.caseworker()).send({}).expect(409);
    expect(again.body).toMatchObject({ code: 'OBJECTION_ENDED', message: expect.stringContaining('已办结') });
    const withdraw = await http()
      .post(`/api/objections/${id}/withdraw`)
      .set(a.caseworker())
      .send({ reason: '申请人撤回' })
      .expect(409);
    expect(withdraw.body.code).toBe('OBJECTION_ENDED');
    const after = await a.row(id);
    expect(after.revision).toBe(before.revision);
    expect(after.snapshot).toEqual(before.snapshot);
  });

  it('upholds a record: a withdrawal after the provider’s reply is refused without a trace, then the reply letter says it stays', async () => {
    const { id, queryCode, subjectCode, recordId } = await a.createCase();
    // A repeated request with the same Idempotency-Key gets the first answer; the case is forwarded once.
    const forward = () =>
      http()
        .post(`/api/objections/${id}/forward`)
        .set(a.caseworker())
        .set('Idempotency-Key', 'forward-once-0001')
        .send({});
    expect((await forward().expect(200)).body.status).toBe('forwarded');
    expect((await forward().expect(200)).body.status).toBe('forwarded');
    const forwarded = await a.caseFile(id, (c) => c.status === 'forwarded');
    expect(forwarded.timeline.filter((e: { kind: string }) => e.kind === 'forwarded')).toHaveLength(1);
    await http()
      .post(`/api/objections/${id}/verification`)
      .set(a.provider())
      .send({ outcome: 'upheld', opinion: '经核实，原处罚决定事实清楚，维持原记录' })
      .expect(200);
    const verified = await a.readyForReply(id);
    expect(verified.status).toBe('verified');

    const before = await a.caseState(id);
    const refused = await http()
      .post(`/api/objections/${id}/withdraw`)
      .set(a.caseworker())
      .send({ reason: '申请人要求撤回' })
      .expect(409);
    expect(refused.body.code).toBe('OBJECTION_WRONG_STATUS');
    expect(refused.body.message).toMatch(/撤回/);
    const twice = await http()
      .post(`/api/objections/${id}/verification`)
      .set(a.provider())
      .send({ outcome: 'revoked', opinion: '重新核查后决定撤销该记录' })
      .expect(409);
    expect(twice.body.code).toBe('VERIFICATION_ALREADY_REPLIED');
    expect(await a.caseState(id)).toEqual(before);

    const closed = await http().post(`/api/objections/${id}/reply`).set(a.caseworker()).send({}).expect(200);
    expect(closed.body.replyLetter).toContain('经核实信息无误，维持原记录');
    const rec = await stack.api.dataSource.getRepository(CreditRecord).findOneByOrFail({ id: recordId });
    expect(rec.status).toBe('active');
    const lookup = await http().get('/api/objections/lookup').query({ queryCode, subjectCode }).expect(200);
    expect(lookup.body.outcome.code).toBe('upheld');
  });

  it('revokes a record whose punishment was wrong: the record is revoked and a restoration task opened for the provider', async () => {
    const { id, recordId } = await a.createCase();
    await a.forward(id);
    await http()
      .post(`/api/objections/${id}/verification`)
      .set(a.provider())
      .send({ outcome: 'revoked', opinion: '经核实，该处罚决定已被依法撤销', wrongfulPunishment: true })
      .expect(200);
    const file = await a.readyForReply(id);
    expect(file.restorationTaskId).toEqual(expect.any(String));
    const task = await stack.api.dataSource.getRepository(RestorationTask).findOneByOrFail({ caseId: id });
    expect(task).toMatchObject({ id: file.restorationTaskId, department: PROVIDER, status: 'open' });
    const rec = await stack.api.dataSource.getRepository(CreditRecord).findOneByOrFail({ id: recordId });
    expect(rec.status).toBe('revoked');

    const closed = await http().post(`/api/objections/${id}/reply`).set(a.caseworker()).send({}).expect(200);
    expect(closed.body.replyLetter).toContain('经核实信息有误，已予撤销');

    // A revoked record can no longer be contested.
    const res = await http()
      .post('/api/objections')
      .set(a.caseworker())
      .set('Idempotency-Key', 'revoked-record-0001')
      .send(a.objectionBody({ recordId, subjectCode: file.subjectCode }))
      .expect(422);
    expect(res.body.code).toBe('OBJECTION_RECORD_NOT_CONTESTABLE');
  });

  it('stops the clock for missing materials, refuses forwarding meanwhile, resumes, refuses a bad extension and ends by withdrawal', async () => {
    const { id, queryCode, subjectCode } = await a.createCase();
    await a.registered(id);
    const asked = await http()
      .post(`/api/objections/${id}/materials-request`)
      .set(a.caseworker())
      .send({ items: ['营业执照复印件', '报送回执原件'] })
      .expect(200);
    expect(asked.body).toMatchObject({
      status: 'awaiting-materials',
      pendingMaterials: { items: ['营业执照复印件', '报送回执原件'] },
    });

    await a.caseFile(id, (c) => c.status === 'awaiting-materials');
    const before = await a.caseState(id);
    const refused = await http()
      .post(`/api/objections/${id}/forward`)
      .set(a.caseworker())
      .send({})
      .expect(409);
    expect(refused.body).toMatchObject({
      code: 'OBJECTION_WRONG_STATUS',
      message: expect.stringContaining('待补正'),
    });
    expect(await a.caseState(id)).toEqual(before);

    const lookup = await http().get('/api/objections/lookup').query({ queryCode, subjectCode }).expect(200);
    expect(lookup.body).toMatchObject({
      status: 'awaiting-materials',
      pendingMaterials: { items: ['营业执照复印件', '报送回执原件'] },
    });

    const resumed = await http()
      .post(`/api/objections/${id}/materials`)
      .set(a.caseworker())
      .send({ attachments: [{ ref: 'DOC-2', name: '营业执照复印件' }] })
      .expect(200);
    expect(resumed.body.status).toBe('received');
    expect(resumed.body.clockStops[0].to).toEqual(expect.any(String));

    const bad = await http()
      .post(`/api/objections/${id}/extend`)
      .set(a.caseworker())
      .send({ workingDays: 0, reason: '需要调取档案' })
      .expect(422);
    expect(bad.body).toMatchObject({
      code: 'OBJECTION_INVALID_INPUT',
      message: expect.stringContaining('延期天数'),
    });

    const withdrawn = await http()
      .post(`/api/objections/${id}/withdraw`)
      .set(a.caseworker())
      .send({ reason: '申请人书面申请撤回' })
      .expect(200);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', endReason: '申请人书面申请撤回' });
    const ended = await http().get('/api/objections/lookup').query({ queryCode, subjectCode }).expect(200);
    expect(ended.body).toMatchObject({
      status: 'withdrawn',
      endReason: '申请人书面申请撤回',
      replyLetter: null,
    });
    const late = await http().post(`/api/objections/${id}/reply`).set(a.caseworker()).send({}).expect(409);
    expect(late.body.code).toBe('OBJECTION_ENDED');
  });
});
