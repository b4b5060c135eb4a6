import { IdempotentActionAnswer, ObjectionEvent } from '../../infra/database/entities';
import { commitmentActors } from './commitments-support';
import { actors, ObjectionStack, startObjectionStack } from './objections-support';
import { repairActors } from './repairs-support';

/**
 * An action sent with an Idempotency-Key answers every repeat with its first answer — the same
 * status and body, even after the case has moved on — and refuses the key with another body
 * (apps/api/cases/action-idempotency.ts), in every procedure.
 */
describe('idempotent actions: a repeat gets the first answer, another body with the key is refused', () => {
  // One stack (fresh database) per procedure: the supports number their test subjects alike.
  let stack: ObjectionStack;
  const withStack = () => {
    beforeAll(async () => {
      stack = await startObjectionStack();
    });
    afterAll(() => stack?.close());
  };
  const http = () => stack.http();

  describe('objection', () => {
    withStack();
    let a: ReturnType<typeof actors>;
    beforeAll(() => {
      a = actors(stack);
    });

    it('answers a repeated provider verification with the first answer, also after the case has closed', async () => {
      const { id } = await a.createCase();
      await a.forward(id);
      const reply = { outcome: 'upheld', opinion: '经核实，原处罚决定事实清楚，维持原记录' };
      const verify = (body: object = reply) =>
        http()
          .post(`/api/objections/${id}/verification`)
          .set(a.provider())
          .set('Idempotency-Key', 'verification-once-0001')
          .send(body);
      const first = await verify().expect(200);
      expect(first.body).toMatchObject({ reply: { outcome: 'upheld' }, case: { status: 'verified' } });
      const again = await verify().expect(200);
      expect(again.body).toEqual(first.body);

      const reused = await verify({ outcome: 'revoked', opinion: '重新核查后决定撤销该记录' }).expect(409);
      expect(reused.body).toMatchObject({
        code: 'IDEMPOTENCY_KEY_REUSED',
        message: expect.stringMatching(/标识/),
      });

      // The case moves on and closes; the repeat still answers as the first request did.
      await a.readyForReply(id);
      await http().post(`/api/objections/${id}/reply`).set(a.caseworker()).send({}).expect(200);
      await a.caseFile(id, (c) => c.status === 'closed');
      const late = await verify().expect(200);
      expect(late.body).toEqual(first.body);
      const events = await stack.api.dataSource
        .getRepository(ObjectionEvent)
        .find({ where: { caseId: id }, order: { seq: 'ASC' } });
      expect(events.filter((e) => e.kind === 'provider-replied')).toHaveLength(1);
    });

    it('answers a repeated refusal with the same refusal, and a malformed key with 400', async () => {
      const { id } = await a.createCase();
      await a.registered(id);
      const reply = (key: string) =>
        http().post(`/api/objections/${id}/reply`).set(a.caseworker()).set('Idempotency-Key', key).send({});
      const refused = await reply('reply-too-early-0001').expect(409);
      expect(refused.body.code).toBe('OBJECTION_WRONG_STATUS');
      expect((await reply('reply-too-early-0001').expect(409)).body).toEqual(refused.body);
      const malformed = await reply('short').expect(400);
      expect(malformed.body.code).toBe('IDEMPOTENCY_KEY_INVALID');
      // The key is the caller's: a colleague's request with the same key is a request of its own.
      const colleague = await http()
        .post(`/api/objections/${id}/withdraw`)
        .set(stack.api.auth(['caseworker'], { sub: 'cw2@叶县民政局', department: '叶县民政局' }))
        .set('Idempotency-Key', 'reply-too-early-0001')
        .send({ reason: '申请人书面申请撤回' })
        .expect(200);
      expect(colleague.body.status).toBe('withdrawn');
    });
  });

  describe('commitment', () => {
    withStack();
    it('answers a repeated extension with the first answer after another action changed the case', async () => {
      const a = commitmentActors(stack);
      const { case: c } = await a.create('deferred-materials');
      await a.planned(c.id);
      const extend = (body: object) =>
        http()
          .post(`/api/commitments/${c.id}/items/1/extend`)
          .set(a.caseworker())
          .set('Idempotency-Key', 'commitment-extend-0001')
          .send(body);
      const first = await extend({ workingDays: 3, reason: '补充说明' }).expect(200);
      await http()
        .post(`/api/commitments/${c.id}/items/2/supply`)
        .set(a.caseworker())
        .send({ attachment: { ref: 'DOC-9', name: '房屋租赁合同' } })
        .expect(200);
      const again = await extend({ workingDays: 3, reason: '补充说明' }).expect(200);
      expect(again.body).toEqual(first.body);
      const reused = await extend({ workingDays: 5, reason: '补充说明' }).expect(409);
      expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      const file = await a.detail(c.id);
      expect(file.items[0].extendedBy).toBe(3);
    });
  });

  describe('repair', () => {
    withStack();
    it('answers a repeated acceptance with the first answer; the same key on another action is refused', async () => {
      const a = repairActors(stack);
      const applied = await a.applyOnline(await a.eligibleRecord());
      await a.fileOf(applied.id, (c) => c.step?.step === 'accept' && c.step.due !== null);
      const send = (action: string, body: object) =>
        http()
          .post(`/api/repairs/${applied.id}/${action}`)
          .set(a.caseworker())
          .set('Idempotency-Key', 'repair-accept-0001')
          .send(body);
      const first = await send('accept', { note: '材料齐全' }).expect(200);
      expect(first.body.status).toBe('accepted');
      const again = await send('accept', { note: '材料齐全' }).expect(200);
      expect(again.body).toEqual(first.body);
      const elsewhere = await send('withdraw', { reason: '申请人撤回' }).expect(409);
      expect(elsewhere.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect((await a.detail(applied.id)).status).toBe('accepted');
      const stored = await stack.api.dataSource
        .getRepository(IdempotentActionAnswer)
        .findOneByOrFail({ idempotencyKey: 'repair-accept-0001' });
      expect(stored.status).toBe(200);
    });
  });
});
