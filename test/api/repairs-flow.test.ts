import { nextDay, periodEnd } from '../../workflows/case/periods';
import { startObjectionStack, type ObjectionStack } from './objections-support';
import {
  BASE,
  DEPARTMENT,
  JURISDICTION,
  materials,
  repairActors,
  today,
  type Json,
  type RepairActors,
} from './repairs-support';

/** 信用修复 through the API, end to end: the subject online, the office, the identifying department. */
describe('repairs API: applying, 补正, acceptance and the identifying department’s decision', () => {
  let stack: ObjectionStack;
  let a: RepairActors;

  beforeAll(async () => {
    stack = await startObjectionStack();
    a = repairActors(stack);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('approved: the record leaves the public view, its measure is lifted, the list entry exits, and the applicant reads the 信用修复决定书', async () => {
    const r = await a.eligibleRecord();
    const { entryId, appliedMeasureId } = await a.blacklistWithMeasure(r);
    const before = await a.http().get(`/api/public/subjects/${r.subjectCode}/records`).expect(200);
    expect(before.body.records.map((x: Json) => x.id)).toContain(r.recordId);

    const applied = await a.applyOnline(r);
    expect(applied).toMatchObject({
      created: true,
      queryCode: expect.stringMatching(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/),
      case: {
        caseNo: expect.stringMatching(/^YEXIAN-MZ-XF-\d{4}-\d{6}$/),
        status: 'received',
        statusName: '待受理',
        // Read-your-writes: the answer already shows the first step and its due date.
        step: { step: 'accept', due: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) },
        channel: 'website',
        eligibility: { eligible: true, tier: '一般', reasons: [], retryFrom: null },
        missingMaterials: [],
      },
    });
    expect(applied.case.eligibility.required).toEqual([
      { kind: 'correction-proof', name: '纠正失信行为的证明材料' },
      { kind: 'commitment-letter', name: '信用修复承诺书' },
    ]);

    // The record's department received it (谁认定、谁修复); its caseworker accepts.
    const received = await a.fileOf(applied.id, (c) => c.step?.step === 'accept' && c.step.due !== null);
    expect(received).toMatchObject({
      office: DEPARTMENT,
      jurisdiction: JURISDICTION,
      createdBy: 'applicant',
    });
    const accepted = await a
      .http()
      .post(`/api/repairs/${applied.id}/accept`)
      .set(a.caseworker())
      .send({ note: '材料齐全' })
      .expect(200);
    expect(accepted.body.status).toBe('accepted');

    const pending = await a.http().get('/api/repairs/decisions/pending').set(a.provider()).expect(200);
    expect(pending.body.items.map((i: Json) => i.id)).toContain(applied.id);
    const mine = pending.body.items.find((i: Json) => i.id === applied.id);
    expect(mine.materials.map((m: Json) => m.kind)).toEqual([...BASE]);
    expect(mine.step).toMatchObject({ step: 'decide', name: '认定部门审核决定' });

    const decided = await a
      .http()
      .post(`/api/repairs/${applied.id}/decision`)
      .set(a.provider())
      .send({ approved: true, reasons: '已缴清罚款并完成整改，符合信用修复条件' })
      .expect(200);
    expect(decided.body).toMatchObject({
      status: 'approved',
      effects: {
        recordRepaired: true,
        liftedMeasureIds: [appliedMeasureId],
        exitedListEntryIds: [entryId],
      },
    });

    const after = await a.http().get(`/api/public/subjects/${r.subjectCode}/records`).expect(200);
    expect(after.body.records.map((x: Json) => x.id)).not.toContain(r.recordId);
    const measure = await a
      .http()
      .get(`/api/applied-measures/${appliedMeasureId}`)
      .set(a.supervisor())
      .expect(200);
    expect(measure.body.status).toBe('lifted');
    const lists = await a
      .http()
      .get(`/api/subjects/${r.subjectCode}/list-entries`)
      .set(a.supervisor())
      .expect(200);
    expect(lists.body.items.find((e: Json) => e.id === entryId)).toMatchObject({
      exitedOn: today(),
      exitCause: 'repaired',
    });

    const file = await a.detail(applied.id);
    expect(file).toMatchObject({
      status: 'approved',
      approved: true,
      decision: { approved: true, reasons: '已缴清罚款并完成整改，符合信用修复条件' },
      decisionLetter: expect.stringContaining('信用修复决定书'),
      commitment: { caseNo: `${file.caseNo}-CN` },
    });
    expect(file.timeline.map((e: Json) => e.kind)).toEqual(
      expect.arrayContaining(['received', 'eligibility-checked', 'accepted', 'decided', 'effect-applied']),
    );

    const look = await a.lookup(applied.queryCode, r.subjectCode).expect(200);
    expect(look.body).toMatchObject({
      caseNo: file.caseNo,
      status: 'approved',
      statusName: '已修复',
      step: null,
      decision: { approved: true },
      decisionLetter: file.decisionLetter,
    });
    expect(look.body.decisionLetter).toContain('已停止公示');
    expect(look.body.decisionLetter).toContain('联合惩戒措施已解除');
    // Nothing of the staff: no actors, no contact.
    expect(JSON.stringify(look.body)).not.toContain('13700000000');
    expect(look.body.timeline.every((e: Json) => e.actor === undefined)).toBe(true);
  });

  it('refused by the department: the reasons and the first day a new application can be made, in the letter and the look-up', async () => {
    const r = await a.eligibleRecord();
    const applied = await a.applyOnline(r);
    await a.fileOf(applied.id, (c) => c.step?.due !== null && c.step?.due !== undefined);
    await a.http().post(`/api/repairs/${applied.id}/accept`).set(a.caseworker()).send({}).expect(200);
    const refused = await a
      .http()
      .post(`/api/repairs/${applied.id}/decision`)
      .set(a.provider())
      .send({ approved: false, reasons: '罚款尚未缴清，失信行为未纠正' })
      .expect(200);
    const reapplyFrom = nextDay(periodEnd(today(), { value: 30, unit: 'calendar-days' }));
    expect(refused.body).toMatchObject({ status: 'refused', reapplyFrom });
    const look = await a.lookup(applied.queryCode, r.subjectCode).expect(200);
    expect(look.body).toMatchObject({
      status: 'refused',
      statusName: '不予修复',
      reapplyFrom,
      decision: { approved: false, reasons: '罚款尚未缴清，失信行为未纠正' },
      decisionLetter: expect.stringContaining('不予信用修复决定书'),
    });
    expect(look.body.decisionLetter).toContain('罚款尚未缴清');
    // The record stays public.
    const still = await a.http().get(`/api/public/subjects/${r.subjectCode}/records`).expect(200);
    expect(still.body.records.map((x: Json) => x.id)).toContain(r.recordId);
  });

  it('严重 without the training certificate: 补正 at once, the applicant supplies it with its query code, then the office accepts', async () => {
    const r = await a.seriousRecord();
    const applied = await a.applyOnline(r, {
      materials: materials(...BASE, 'credit-report'),
    });
    expect(applied.case).toMatchObject({
      status: 'awaiting-materials',
      statusName: '待补正',
      eligibility: { eligible: true, tier: '严重' },
      missingMaterials: [{ kind: 'training-certificate', name: '信用修复培训证明' }],
      pendingMaterials: { items: [{ kind: 'training-certificate', name: '信用修复培训证明' }] },
    });
    const waiting = await a.fileOf(applied.id, (c) => Boolean(c.pendingMaterials?.lapsesAt));
    expect(waiting.step).toMatchObject({ step: 'materials', name: '补正材料' });
    const look = await a.lookup(applied.queryCode, r.subjectCode).expect(200);
    expect(look.body.pendingMaterials.lapsesAt).toBe(waiting.pendingMaterials.lapsesAt);

    // The office cannot accept before the certificate is there.
    await a
      .http()
      .post(`/api/repairs/${applied.id}/accept`)
      .set(a.caseworker())
      .send({})
      .expect(409)
      .expect((res) => expect(res.body.code).toBe('REPAIR_WRONG_STATUS'));

    const supplied = await a
      .http()
      .post('/api/repairs/lookup/materials')
      .send({
        queryCode: applied.queryCode,
        subjectCode: r.subjectCode,
        materials: materials('training-certificate'),
      })
      .expect(200);
    expect(supplied.body).toMatchObject({ status: 'received', missingMaterials: [], pendingMaterials: null });
    expect(supplied.body.materials.map((m: Json) => m.kind)).toContain('training-certificate');

    await a.fileOf(applied.id, (c) => c.step?.step === 'accept' && c.step.due !== null);
    const accepted = await a
      .http()
      .post(`/api/repairs/${applied.id}/accept`)
      .set(a.caseworker())
      .send({})
      .expect(200);
    expect(accepted.body.status).toBe('accepted');
    const file = await a.detail(applied.id);
    expect(file.clockStops).toHaveLength(1);
    expect(file.clockStops[0].to).toEqual(expect.any(String));
  });

  it('the office asks for more (补正) and records what the applicant brought to the window', async () => {
    const r = await a.eligibleRecord();
    const registered = await a
      .http()
      .post('/api/repairs')
      .set(a.caseworker())
      .set('Idempotency-Key', `office-${r.recordId}`)
      .send({ ...a.application(r), jurisdiction: undefined, channel: 'window' })
      .expect(201);
    expect(registered.body).toMatchObject({
      created: true,
      queryCode: expect.any(String),
      case: { status: 'received', channel: 'window', channelName: '窗口', office: DEPARTMENT },
    });
    const id = registered.body.case.id as string;
    await a.fileOf(id, (c) => c.step?.due !== null && c.step?.due !== undefined);
    const asked = await a
      .http()
      .post(`/api/repairs/${id}/materials-request`)
      .set(a.caseworker())
      .send({ items: ['credit-report'], note: '请提供信用报告' })
      .expect(200);
    expect(asked.body.status).toBe('awaiting-materials');
    const look = await a.lookup(registered.body.queryCode, r.subjectCode).expect(200);
    expect(look.body).toMatchObject({
      status: 'awaiting-materials',
      pendingMaterials: { items: [{ kind: 'credit-report', name: '信用报告' }] },
    });
    const brought = await a
      .http()
      .post(`/api/repairs/${id}/materials`)
      .set(a.caseworker())
      .send({ materials: materials('credit-report') })
      .expect(200);
    expect(brought.body.status).toBe('received');
    const withdrawn = await a
      .http()
      .post(`/api/repairs/${id}/withdraw`)
      .set(a.caseworker())
      .send({ reason: '申请人书面申请撤回' })
      .expect(200);
    expect(withdrawn.body.status).toBe('withdrawn');
    await a
      .http()
      .post(`/api/repairs/${id}/accept`)
      .set(a.caseworker())
      .send({})
      .expect(409)
      .expect((res) => expect(res.body.code).toBe('REPAIR_ENDED'));
  });
});
