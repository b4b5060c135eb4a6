import { randomUUID } from 'node:crypto';
import {
  DEPARTMENT,
  JURISDICTION,
  OTHER_DEPARTMENT,
  rectificationActors,
  type Json,
  type RectificationActors,
  type RectificationStack,
  startRectificationStack,
} from './rectifications-support';

describe('rectifications API: roles and departments (谁认定、谁约谈), scoping, bad input refused with nothing changed', () => {
  let stack: RectificationStack;
  let a: RectificationActors;
  /** Ordered by DEPARTMENT, and one ordered by OTHER_DEPARTMENT. */
  let mine: Json;
  let theirs: Json;
  beforeAll(async () => {
    stack = await startRectificationStack();
    a = rectificationActors(stack);
    mine = await a.order();
    const other = await a.record({ department: OTHER_DEPARTMENT });
    const res = await stack
      .http()
      .post('/api/rectifications')
      .set(a.provider(OTHER_DEPARTMENT))
      .set('Idempotency-Key', `other-${randomUUID()}`)
      .send(a.body(other.recordId))
      .expect(201);
    theirs = { ...res.body, ...other };
  });
  afterAll(() => stack?.close());
  const http = () => stack.http();
  const ids = (res: { body: Json }) => (res.body.items as Json[]).map((i) => i.id);
  const orderWith = (send: Json, who = a.provider(), key: string | null = `k-${randomUUID()}`) => {
    const req = http().post('/api/rectifications').set(who);
    return (key ? req.set('Idempotency-Key', key) : req).send(send);
  };

  it('needs a token for everything but the subject’s look-up and report', async () => {
    expect((await http().get('/api/rectifications').expect(401)).body.code).toBe('AUTH_REQUIRED');
    await http().post('/api/rectifications').send({}).expect(401);
    await http().get(`/api/rectifications/${mine.case.id}`).expect(401);
    await http().post(`/api/rectifications/${mine.case.id}/verification`).send({}).expect(401);
    const lookup = await http()
      .get('/api/rectifications/lookup')
      .query({ queryCode: 'AAAA-AAAA-AAAA', subjectCode: mine.subjectCode })
      .expect(404);
    expect(lookup.body).toMatchObject({
      code: 'RECTIFICATION_LOOKUP_NOT_FOUND',
      message: expect.stringContaining('查询码'),
    });
    const report = await http()
      .post('/api/rectifications/lookup/report')
      .send({ queryCode: mine.queryCode, subjectCode: theirs.subjectCode, description: '报告' })
      .expect(404);
    expect(report.body.code).toBe('RECTIFICATION_LOOKUP_NOT_FOUND');
  });

  it('lets only the identifying department’s providers order and act', async () => {
    const r = await a.record();
    for (const who of [a.caseworker(), a.supervisor()]) {
      expect((await orderWith(a.body(r.recordId), who).expect(403)).body.code).toBe('AUTH_FORBIDDEN_ROLE');
    }
    const other = await orderWith(a.body(r.recordId), a.provider(OTHER_DEPARTMENT)).expect(403);
    expect(other.body).toMatchObject({
      code: 'RECTIFICATION_OTHER_DEPARTMENT',
      message: expect.stringContaining('谁认定、谁约谈'),
    });
    // A token naming a department without its jurisdiction is refused by the token service (401,
    // test/api/auth-tokens.test.ts).
    expect(await a.rows().countBy({ recordId: r.recordId })).toBe(0);

    const id = mine.case.id;
    const before = await a.state(id);
    for (const who of [a.caseworker(), a.supervisor()]) {
      await a.act(id, 'verification', { result: 'done', opinion: '整改到位' }, who).expect(403);
      await a.act(id, 'cancel', { reason: '撤销' }, who).expect(403);
    }
    const foreign = await a
      .act(id, 'interviews/schedule', await a.schedule(), a.provider(OTHER_DEPARTMENT))
      .expect(403);
    expect(foreign.body.code).toBe('RECTIFICATION_OTHER_DEPARTMENT');
    const noDepartment = await a
      .act(id, 'cancel', { reason: '撤销' }, stack.api.auth(['provider'], { jurisdiction: JURISDICTION }))
      .expect(403);
    expect(noDepartment.body.code).toBe('AUTH_DEPARTMENT_REQUIRED');
    expect(await a.state(id)).toEqual(before);
  });

  it('refuses what the record does not allow: not a dishonesty record, unknown, both or neither basis', async () => {
    const licence = await a.record({ kind: 'administrative-licence' });
    const notDishonest = await orderWith(a.body(licence.recordId)).expect(422);
    expect(notDishonest.body).toMatchObject({
      code: 'RECTIFICATION_NOT_DISHONESTY',
      message: expect.stringContaining('行政许可'),
    });
    const unknown = await orderWith(a.body(randomUUID())).expect(404);
    expect(unknown.body.code).toBe('RECTIFICATION_RECORD_NOT_FOUND');
    const unknownEntry = await orderWith({
      ...a.body(licence.recordId),
      recordId: undefined,
      listEntryId: randomUUID(),
    });
    expect(unknownEntry.status).toBe(404);
    expect(unknownEntry.body.code).toBe('RECTIFICATION_ENTRY_NOT_FOUND');
    expect(await a.rows().countBy({ recordId: licence.recordId })).toBe(0);
  });

  it('refuses malformed input with 400 VALIDATION_FAILED, field by field in Chinese', async () => {
    const r = await a.record();
    const cases: [Json, string][] = [
      [{ ...a.body(r.recordId), listEntryId: randomUUID() }, 'recordId'],
      [{ ...a.body(r.recordId), recordId: undefined }, 'recordId'],
      [{ ...a.body(r.recordId), obligations: [] }, 'obligations'],
      [{ ...a.body(r.recordId), deadline: { value: 10, unit: 'working-days' } }, 'deadlineReason'],
      [
        { ...a.body(r.recordId), deadline: { value: 400, unit: 'working-days' }, deadlineReason: '长' },
        'deadline.value',
      ],
      [
        { ...a.body(r.recordId), deadline: { value: 1, unit: 'years' }, deadlineReason: '长' },
        'deadline.unit',
      ],
      [{ ...a.body(r.recordId), contact: { name: '王五' } }, 'contact.contact'],
      [{ ...a.body(r.recordId), extra: 1 }, ''],
      [{ ...a.body('not-a-uuid') }, 'recordId'],
    ];
    for (const [send, field] of cases) {
      const res = await orderWith(send).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      if (field) expect(res.body.details.fields.map((f: Json) => f.field)).toContain(field);
      expect(res.body.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    const noKey = await orderWith(a.body(r.recordId), a.provider(), null).expect(400);
    expect(noKey.body.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    expect(await a.rows().countBy({ recordId: r.recordId })).toBe(0);

    const id = mine.case.id;
    const before = await a.state(id);
    await http().get('/api/rectifications/not-a-uuid').set(a.supervisor()).expect(400);
    const bad: [string, Json][] = [
      ['verification', { result: 'maybe', opinion: '意见' }],
      ['verification', { result: 'done' }],
      [
        'interviews/schedule',
        {
          at: '明天上午',
          place: '会议室',
          participants: ['张'],
          representative: { name: '王', capacity: '法人' },
        },
      ],
      [
        'interviews/schedule',
        {
          at: '2030-01-01T10:00:00+08:00',
          place: '会议室',
          participants: [],
          representative: { name: '王', capacity: '法人' },
        },
      ],
      ['interviews/record', { appeared: true, summary: '约谈' }],
      [
        'interviews/record',
        { appeared: false, summary: '未到场', newDeadline: { value: 5, unit: 'working-days' } },
      ],
      ['consequence/decision', { confirmed: 'yes', reason: '同意' }],
      ['cancel', {}],
    ];
    for (const [path, send] of bad) {
      const who = path.startsWith('consequence') ? a.supervisor() : a.provider();
      const res = await a.act(id, path, send, who).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    await http()
      .post('/api/rectifications/lookup/report')
      .send({
        queryCode: mine.queryCode,
        subjectCode: mine.subjectCode,
        description: '',
        attachments: [{ ref: 'x' }],
      })
      .expect(400);
    expect(await a.state(id)).toEqual(before);
  });

  it('refuses, with the workflow’s code and nothing changed, an action the status does not allow', async () => {
    const id = mine.case.id;
    const before = await a.state(id);
    const verify = await a.act(id, 'verification', { result: 'done', opinion: '整改到位' }).expect(409);
    expect(verify.body).toMatchObject({
      code: 'RECTIFICATION_WRONG_STATUS',
      message: expect.stringContaining('整改中'),
    });
    const schedule = await a.act(id, 'interviews/schedule', await a.schedule()).expect(409);
    expect(schedule.body.code).toBe('RECTIFICATION_WRONG_STATUS');
    const record = await a.act(id, 'interviews/record', { appeared: false, summary: '未到场' }).expect(409);
    expect(record.body.code).toBe('RECTIFICATION_WRONG_STATUS');
    const decide = await a
      .act(id, 'consequence/decision', { confirmed: true, reason: '同意' }, a.supervisor())
      .expect(409);
    expect(decide.body.code).toBe('RECTIFICATION_WRONG_STATUS');
    expect(await a.state(id)).toEqual(before);

    // An interview in the past is well formed but not acceptable: 422.
    const c = await a.order({
      extra: { deadline: { value: 1, unit: 'working-days' }, deadlineReason: '测试' },
    });
    await stack.skipPast(c.case.termDueAt);
    await a.fileOf(c.case.id, (f) => f.status === 'interview-pending');
    const past = await a
      .act(c.case.id, 'interviews/schedule', {
        ...(await a.schedule()),
        at: new Date(Date.now() - 86_400_000).toISOString(),
      })
      .expect(422);
    expect(past.body).toMatchObject({
      code: 'RECTIFICATION_INVALID_INPUT',
      message: '约谈时间应晚于当前时间。',
    });
    const late = await a.report({ ...c }).expect(409);
    expect(late.body.code).toBe('RECTIFICATION_WRONG_STATUS');

    const cancelled = await a.act(c.case.id, 'cancel', { reason: '原处罚决定已撤销' }).expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    const again = await a.act(c.case.id, 'cancel', { reason: '再次撤销' }).expect(409);
    expect(again.body.code).toBe('RECTIFICATION_ENDED');
  });

  it('scopes reads: a provider its department’s, a supervisor its jurisdiction’s', async () => {
    const own = await http().get('/api/rectifications').set(a.provider()).expect(200);
    expect(ids(own)).toContain(mine.case.id);
    expect(ids(own)).not.toContain(theirs.case.id);
    const supervisor = await http().get('/api/rectifications').set(a.supervisor()).expect(200);
    expect(ids(supervisor)).toEqual(expect.arrayContaining([mine.case.id, theirs.case.id]));
    const elsewhere = await http().get('/api/rectifications').set(a.supervisor('xinzheng-mz')).expect(200);
    expect(elsewhere.body.total).toBe(0);
    await http().get(`/api/rectifications/${theirs.case.id}`).set(a.provider()).expect(404);
    await http().get(`/api/rectifications/${mine.case.id}`).set(a.supervisor('xinzheng-mz')).expect(404);
    await http().get('/api/rectifications').set(a.caseworker()).expect(403);

    const byDepartment = await http()
      .get('/api/rectifications/counts')
      .query({ by: 'department' })
      .set(a.supervisor())
      .expect(200);
    expect(byDepartment.body.counts.map((c: Json) => c.key)).toEqual(
      expect.arrayContaining([DEPARTMENT, OTHER_DEPARTMENT]),
    );
    const filtered = await http()
      .get('/api/rectifications')
      .query({ department: OTHER_DEPARTMENT, status: 'rectifying' })
      .set(a.supervisor())
      .expect(200);
    expect(ids(filtered)).toEqual([theirs.case.id]);
    const badFilter = await http()
      .get('/api/rectifications')
      .query({ stage: 'later' })
      .set(a.supervisor())
      .expect(400);
    expect(badFilter.body.code).toBe('VALIDATION_FAILED');

    const reissued = await a.act(mine.case.id, 'query-code', {}).expect(200);
    await http()
      .get('/api/rectifications/lookup')
      .query({ queryCode: mine.queryCode, subjectCode: mine.subjectCode })
      .expect(404);
    await http()
      .get('/api/rectifications/lookup')
      .query({ queryCode: reissued.body.queryCode, subjectCode: mine.subjectCode })
      .expect(200);
  });

  it('documents every endpoint with its zod schema in the OpenAPI document', async () => {
    const doc = (await http().get('/docs-json').expect(200)).body;
    expect(
      Object.keys(doc.paths)
        .filter((p) => p.startsWith('/api/rectifications'))
        .sort(),
    ).toEqual([
      '/api/rectifications',
      '/api/rectifications/counts',
      '/api/rectifications/lookup',
      '/api/rectifications/lookup/report',
      '/api/rectifications/{id}',
      '/api/rectifications/{id}/cancel',
      '/api/rectifications/{id}/consequence/decision',
      '/api/rectifications/{id}/interviews/record',
      '/api/rectifications/{id}/interviews/schedule',
      '/api/rectifications/{id}/query-code',
      '/api/rectifications/{id}/verification',
    ]);
    const ref: string =
      doc.paths['/api/rectifications'].post.requestBody.content['application/json'].schema.$ref;
    const body = doc.components.schemas[ref.replace('#/components/schemas/', '')];
    expect(Object.keys(body.properties)).toEqual([
      'recordId',
      'listEntryId',
      'obligations',
      'deadline',
      'deadlineReason',
      'contact',
      'domain',
    ]);
    expect(body.required).toEqual(['obligations', 'contact']);
  });
});
