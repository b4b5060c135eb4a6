import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { TEMPORAL_CLIENT } from '../../apps/api/core/runtime';
import { ObjectionCase } from '../../infra/database/entities';
import { POLICY_PRESETS } from '../../workflows/policies';
import {
  actors,
  CaseFile,
  eventually,
  JURISDICTION,
  ObjectionStack,
  PROVIDER,
  startObjectionStack,
} from './objections-support';

describe('objections API: the office named on the case is the policy’s, and a failed workflow start leaves nothing behind', () => {
  let stack: ObjectionStack;
  let a: ReturnType<typeof actors>;
  beforeAll(async () => {
    stack = await startObjectionStack();
    a = actors(stack);
  });
  afterAll(() => stack?.close());
  const http = () => stack.http();

  /**
   * Registers a case as `caseworker`, forwards it, lets the provider uphold the record and issues
   * the reply; answers the staff case file (read by `supervisor`), the letter and the applicant's view.
   */
  async function closedCase(caseworker: { Authorization: string }, supervisor: { Authorization: string }) {
    const record = await a.record();
    const created = await http()
      .post('/api/objections')
      .set(caseworker)
      .set('Idempotency-Key', `office-${randomUUID()}`)
      .send(a.objectionBody(record))
      .expect(201);
    const id: string = created.body.case.id;
    const detail = (): Promise<CaseFile> =>
      http()
        .get(`/api/objections/${id}`)
        .set(supervisor)
        .expect(200)
        .then((r) => r.body as CaseFile);
    const received = await eventually(detail, (c) =>
      c.timeline.some((e: { kind: string }) => e.kind === 'record-disputed'),
    );
    await http().post(`/api/objections/${id}/forward`).set(caseworker).send({}).expect(200);
    await eventually(detail, (c) => c.status === 'forwarded');
    await http()
      .post(`/api/objections/${id}/verification`)
      .set(a.provider())
      .send({ outcome: 'upheld', opinion: '经核实，原处罚决定事实清楚，维持原记录' })
      .expect(200);
    await eventually(detail, (c) => c.case?.step?.step === 'notify');
    const closed = await http().post(`/api/objections/${id}/reply`).set(caseworker).send({}).expect(200);
    const file = await eventually(detail, (c) => c.status === 'closed' && c.replyLetter !== null);
    const lookup = await http()
      .get('/api/objections/lookup')
      .query({ queryCode: created.body.queryCode, subjectCode: record.subjectCode })
      .expect(200);
    return { received, file, letter: closed.body.replyLetter as string, lookup: lookup.body };
  }

  /** The line the letter is signed with: the office, above the date. */
  const signature = (letter: string) => letter.split('\n').at(-2);

  it('names the office of 叶县 as its policy does (叶县民政局), not as the caseworker’s department is called', async () => {
    const department = '叶县民政局行政审批股';
    const caseworker = a.caseworker(department, JURISDICTION);
    const policyName = POLICY_PRESETS.find((p) => p.jurisdiction === JURISDICTION)!.document.name;
    expect(policyName).toBe('叶县民政局');

    const { received, file, letter, lookup } = await closedCase(caseworker, a.supervisor());
    expect(file.officeDepartment).toBe(department);
    expect(received.case?.officeName).toBe(policyName);
    expect(file.case?.officeName).toBe(policyName);
    expect(letter).toContain('异议处理结果告知书');
    expect(signature(letter)).toBe(policyName);
    expect(file.replyLetter).toBe(letter);
    expect(lookup).toMatchObject({ officeName: policyName, replyLetter: letter });
  });

  it('names the office of a jurisdiction an admin added with the name its policy document gives', async () => {
    const jurisdiction = 'lushan-mz';
    const base = (await http().get(`/api/policies/${JURISDICTION}`).set(a.supervisor()).expect(200)).body
      .current.document;
    await http()
      .post(`/api/policies/${jurisdiction}/versions`)
      .set(stack.api.auth(['admin']))
      .send({
        effectiveFrom: '2024-01-01',
        reason: '鲁民文〔2024〕1号（测试）',
        document: { ...base, name: '鲁山县民政局' },
      })
      .expect(201);

    const caseworker = a.caseworker('鲁山县民政局综合股', jurisdiction);
    const { file, letter, lookup } = await closedCase(caseworker, a.supervisor(jurisdiction));
    expect(file).toMatchObject({ jurisdiction, officeDepartment: '鲁山县民政局综合股' });
    expect(file.case?.officeName).toBe('鲁山县民政局');
    expect(signature(letter)).toBe('鲁山县民政局');
    // 叶县's provider still verifies the record; the office and its signature are 鲁山县's.
    expect(letter.replaceAll(PROVIDER, '')).not.toContain('叶县民政局');
    expect(lookup.officeName).toBe('鲁山县民政局');
  });

  describe('when Temporal cannot start the workflow after the case row was written', () => {
    /** A client on a port where no Temporal listens: it fails as the real client does when the service is down. */
    let unreachable: Connection;
    beforeAll(() => {
      unreachable = Connection.lazy({ address: '127.0.0.1:1', interceptors: [] });
    });
    afterAll(() => unreachable?.close());
    afterEach(() => jest.restoreAllMocks());

    /** The next workflow start of the API goes to `start` instead (once). */
    const failNextStart = (start: Client['workflow']['start']) => {
      const temporal = stack.api.app.get<Client>(TEMPORAL_CLIENT);
      return jest.spyOn(temporal.workflow, 'start').mockImplementationOnce(start);
    };
    const cases = (recordId: string) =>
      stack.api.dataSource.getRepository(ObjectionCase).findBy({ recordId });

    it('deletes the revision-0 row, answers 503 without internals, and the retry with the same key registers the case', async () => {
      const down = new Client({ connection: unreachable });
      const start = failNextStart((...args) => down.workflow.start(...args));
      const record = await a.record();
      const key = `start-fails-${randomUUID()}`;
      const send = () =>
        http()
          .post('/api/objections')
          .set(a.caseworker())
          .set('Idempotency-Key', key)
          .send(a.objectionBody(record));

      const refused = await send().expect(503);
      expect(start).toHaveBeenCalledTimes(1);
      expect(refused.body).toEqual({
        code: 'WORKFLOW_SERVICE_UNAVAILABLE',
        message: '流程服务暂不可用，请稍后重试。',
      });
      expect(await cases(record.recordId)).toEqual([]);

      const retried = await send().expect(201);
      expect(retried.body).toMatchObject({ created: true, case: { status: 'received' } });
      expect(retried.body.queryCode).toEqual(expect.any(String));
      const rows = await cases(record.recordId);
      expect(rows.map((r) => [r.id, r.idempotencyKey])).toEqual([[retried.body.case.id, key]]);
      const running = await a.caseFile(retried.body.case.id, (c) =>
        c.timeline.some((e: { kind: string }) => e.kind === 'received'),
      );
      expect(running.case?.caseNo).toBe(retried.body.case.caseNo);

      const repeated = await send().expect(200);
      expect(repeated.body).toMatchObject({
        created: false,
        queryCode: null,
        case: { id: retried.body.case.id },
      });
    });

    it('deletes the row on an unexpected start failure too, and answers the generic 500 without its message', async () => {
      failNextStart(() =>
        Promise.reject(new TypeError('start options: taskQueue of case 1234 is undefined')),
      );
      const record = await a.record();
      const key = `start-breaks-${randomUUID()}`;
      const send = () =>
        http()
          .post('/api/objections')
          .set(a.caseworker())
          .set('Idempotency-Key', key)
          .send(a.objectionBody(record));

      const failed = await send().expect(500);
      expect(failed.body).toEqual({
        code: 'INTERNAL_ERROR',
        message: '系统内部错误，请稍后重试；如仍失败请联系管理员。',
      });
      expect(await cases(record.recordId)).toEqual([]);
      expect((await send().expect(201)).body.created).toBe(true);
    });
  });
});
