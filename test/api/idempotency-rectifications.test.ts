import { rectificationActors, RectificationStack, startRectificationStack } from './rectifications-support';

/**
 * Rectification (限期整改): the subject's report by query code, sent without a token with an
 * Idempotency-Key, answers a repeat with its first answer; the key with another report is refused
 * (apps/api/cases/action-idempotency.ts, the same mechanism as every procedure's actions).
 */
describe('idempotent actions: the subject’s rectification report', () => {
  let stack: RectificationStack;
  let a: ReturnType<typeof rectificationActors>;
  beforeAll(async () => {
    stack = await startRectificationStack();
    a = rectificationActors(stack);
  });
  afterAll(() => stack?.close());

  it('answers a repeated report with the first answer and refuses the key with another report', async () => {
    const ordered = await a.order();
    const c = { queryCode: ordered.queryCode, subjectCode: ordered.subjectCode, id: ordered.case.id };
    const report = (description: string) =>
      a.report(c, description).set('Idempotency-Key', 'subject-report-0001');
    const first = await report('已补报并公示年度报告').expect(200);
    expect(first.body).toMatchObject({ status: 'reported', reports: [{ no: 1 }] });
    const again = await report('已补报并公示年度报告').expect(200);
    expect(again.body).toEqual(first.body);
    const reused = await report('另一份整改情况说明').expect(409);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const file = await a.detail(c.id);
    expect(file.reports).toHaveLength(1);
  });
});
