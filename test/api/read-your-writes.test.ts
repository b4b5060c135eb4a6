import { commitmentActors, type CommitmentActors, type Json } from './commitments-support';
import { actors, type ObjectionStack, startObjectionStack } from './objections-support';
import {
  rectificationActors,
  type RectificationStack,
  startRectificationStack,
} from './rectifications-support';
import { repairActors, type RepairActors } from './repairs-support';

/**
 * Read-your-writes: the answer of an action is the case as the caller's next GET reads it —
 * status, the current step with its due date, and the newest case-file entry — not the state the
 * workflow had before its read model caught up.
 */

/** What a caseworker looks at first in an answer and in the case file. */
function standing(c: Json, step: (c: Json) => unknown, due: (c: Json) => unknown) {
  const timeline = c.timeline as Json[] | undefined;
  const last = timeline?.[timeline.length - 1];
  return {
    status: c.status,
    step: step(c),
    due: due(c),
    lastEvent: last ? { seq: last.seq, kind: last.kind, summary: last.summary } : undefined,
  };
}

// Each procedure on a stack of its own: the test supports number their subjects independently.
describe('read-your-writes on the embedded stack', () => {
  let stack: ObjectionStack;
  const onOwnStack = () => {
    beforeAll(async () => {
      stack = await startObjectionStack();
    });
    afterAll(() => stack?.close());
  };

  describe('objections', () => {
    onOwnStack();
    const objection = (c: Json) =>
      standing(
        c,
        (x) => x.step,
        (x) => x.stepDueAt,
      );

    it('forward, the provider’s verification and the written reply each answer what the next GET shows', async () => {
      const a = actors(stack);
      const { id } = await a.createCase();
      await a.registered(id);
      const get = (who: Record<string, string>) =>
        stack
          .http()
          .get(`/api/objections/${id}`)
          .set(who)
          .expect(200)
          .then((r) => r.body as Json);

      const forwarded = await stack.http().post(`/api/objections/${id}/forward`).set(a.caseworker()).send({});
      expect(forwarded.status).toBe(200);
      const afterForward = await get(a.caseworker());
      expect(objection(forwarded.body)).toEqual(objection(afterForward));
      expect(objection(forwarded.body)).toMatchObject({
        status: 'forwarded',
        step: 'verify',
        due: expect.any(String),
        lastEvent: { kind: 'forwarded' },
      });

      const verified = await stack
        .http()
        .post(`/api/objections/${id}/verification`)
        .set(a.provider())
        .send({ outcome: 'upheld', opinion: '经核实，原记录无误，予以维持' });
      expect(verified.status).toBe(200);
      const afterVerification = await get(a.provider());
      expect(objection(verified.body.case)).toEqual(objection(afterVerification));
      expect(objection(verified.body.case)).toMatchObject({
        status: 'verified',
        step: 'notify',
        due: expect.any(String),
      });
      expect(verified.body.case.timeline.map((e: Json) => e.kind)).toEqual(
        expect.arrayContaining(['provider-replied', 'outcome-applied']),
      );

      const replied = await stack.http().post(`/api/objections/${id}/reply`).set(a.caseworker()).send({});
      expect(replied.status).toBe(200);
      const afterReply = await get(a.caseworker());
      expect(objection(replied.body)).toEqual(objection(afterReply));
      expect(objection(replied.body)).toMatchObject({
        status: 'closed',
        step: null,
        lastEvent: { kind: 'reply-issued' },
      });
      expect(replied.body.replyLetter).toBe(afterReply.replyLetter);
    });
  });

  describe('commitments', () => {
    onOwnStack();
    let a: CommitmentActors;
    beforeAll(() => {
      a = commitmentActors(stack);
    });
    const commitment = (c: Json) =>
      standing(
        c,
        (x) => (x.items as Json[]).map((i) => i.state),
        (x) => x.nextDueAt,
      );

    it('supplying a deferred item answers the file the next GET shows', async () => {
      const created = await a.create('deferred-materials');
      const id = created.case.id as string;
      await a.planned(id);
      const supplied = await stack
        .http()
        .post(`/api/commitments/${id}/items/1/supply`)
        .set(a.caseworker())
        .send({ attachment: { ref: 'DOC-RYW-1', name: '消防安全检查合格证明' } });
      expect(supplied.status).toBe(200);
      const after = await stack.http().get(`/api/commitments/${id}`).set(a.caseworker()).expect(200);
      expect(commitment(supplied.body)).toEqual(commitment(after.body));
      expect(commitment(supplied.body)).toMatchObject({
        status: 'in-force',
        step: ['supplied', 'open'],
        lastEvent: { kind: 'item-supplied' },
      });
    });
  });

  describe('repairs', () => {
    onOwnStack();
    let a: RepairActors;
    beforeAll(() => {
      a = repairActors(stack);
    });
    const repair = (c: Json) =>
      standing(
        c,
        (x) => x.step?.step ?? null,
        (x) => x.step?.due ?? null,
      );

    it('the office’s acceptance and the department’s decision answer what the next GET shows', async () => {
      const r = await a.eligibleRecord();
      const applied = await a.applyOnline(r);
      await a.fileOf(applied.id, (c) => c.step?.step === 'accept' && c.step.due !== null);

      const accepted = await stack
        .http()
        .post(`/api/repairs/${applied.id}/accept`)
        .set(a.caseworker())
        .send({ note: '材料齐全' });
      expect(accepted.status).toBe(200);
      const afterAccept = await a.detail(applied.id, a.caseworker());
      expect(repair(accepted.body)).toEqual(repair(afterAccept));
      expect(repair(accepted.body)).toMatchObject({
        status: 'accepted',
        step: 'decide',
        due: expect.any(String),
        lastEvent: { kind: 'accepted' },
      });

      const decided = await stack
        .http()
        .post(`/api/repairs/${applied.id}/decision`)
        .set(a.provider())
        .send({ approved: true, reasons: '已缴清罚款并完成整改，符合信用修复条件' });
      expect(decided.status).toBe(200);
      const afterDecision = await a.detail(applied.id, a.provider());
      expect(repair(decided.body)).toEqual(repair(afterDecision));
      expect(repair(decided.body)).toMatchObject({ status: 'approved', step: null });
      expect(decided.body.decisionLetter).toBe(afterDecision.decisionLetter);
    });
  });
});

describe('read-your-writes on the time-skipping stack (rectifications)', () => {
  let stack: RectificationStack;
  let a: ReturnType<typeof rectificationActors>;
  beforeAll(async () => {
    stack = await startRectificationStack();
    a = rectificationActors(stack);
  });
  afterAll(() => stack?.close());
  const rectification = (c: Json) =>
    standing(
      c,
      (x) => x.nextStep?.step ?? null,
      (x) => x.nextStep?.due ?? x.deadline ?? null,
    );

  it('the subject’s report and the department’s verification answer what the next GET shows', async () => {
    const first = await a.order();
    const c = { queryCode: first.queryCode as string, subjectCode: first.subjectCode as string };
    const id = first.case.id as string;

    const reported = await a.report(c);
    expect(reported.status).toBe(200);
    const looked = await stack.http().get('/api/rectifications/lookup').query(c).expect(200);
    expect(rectification(reported.body)).toEqual(rectification(looked.body));
    expect(reported.body.status).toBe('reported');

    const verified = await a.act(id, 'verification', { result: 'partly', opinion: '责任制度尚未建立' });
    expect(verified.status).toBe(200);
    const after = await stack.http().get(`/api/rectifications/${id}`).set(a.provider()).expect(200);
    expect(rectification(verified.body)).toEqual(rectification(after.body));
    expect(rectification(verified.body)).toMatchObject({
      status: 'rectifying',
      lastEvent: { kind: 'verified' },
    });
  });
});
