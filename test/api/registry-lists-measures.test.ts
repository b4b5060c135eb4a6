import request from 'supertest';
import { shanghaiDate } from '../../workflows/calendar/working-days';
import { residentIdCheckCharacter, usccCheckCharacter } from '../../workflows/registry/identifiers';
import { startTestApi, TestApi } from '../support/api';

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
const residentId = (first17: string) => first17 + residentIdCheckCharacter(first17);
const day = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000).toISOString());

describe('credit registry API: lists, measures and 逢办必查 checks', () => {
  let api: TestApi;
  const http = () => request(api.app.getHttpServer());
  const caseworker = (department = '叶县民政局行政审批股') =>
    api.auth(['caseworker'], { department, sub: 'cw.li' });
  const provider = (department = '叶县民政局') => api.auth(['provider'], { department });
  const admin = () => api.auth(['admin'], { sub: 'admin.zhou' });
  const supervisor = () => api.auth(['supervisor'], { jurisdiction: 'yexian-mz' });

  const ORG = uscc('52410422MJ0000401');
  const REP = residentId('41042219750505401');
  const PRINCIPAL = residentId('41042219780808402');
  const TWO_LISTS = uscc('91410422MA0000402');
  const CLEAN = uscc('91410422MA0000403');

  let recordId: string;

  beforeAll(async () => {
    api = await startTestApi();
    await http()
      .post('/api/subjects')
      .set(caseworker())
      .send({
        kind: 'other-organisation',
        code: ORG,
        name: '叶县康乐养老院',
        persons: [
          { role: 'legal-representative', code: REP, name: '钱七' },
          { role: 'principal', code: PRINCIPAL, name: '孙八' },
        ],
      })
      .expect(201);
    for (const [code, name] of [
      [TWO_LISTS, '叶县某工程公司'],
      [CLEAN, '叶县守信商贸公司'],
    ]) {
      await http()
        .post('/api/subjects')
        .set(caseworker())
        .send({ kind: 'legal-person', code, name })
        .expect(201);
    }
    recordId = (
      await http()
        .post('/api/records')
        .set(provider())
        .send({
          subjectCode: ORG,
          kind: 'dishonesty-list-entry',
          documentNo: '叶民失信认定〔2026〕1号',
          decisionDate: day(-30),
          severityTier: '严重',
          title: '列入社会组织严重违法失信名单',
          content: '弄虚作假骗取养老机构补贴',
          publicityStart: day(-30),
          publicityMaxEnd: day(1000),
        })
        .expect(201)
    ).body.id;
  });
  afterAll(() => api.close());

  const addEntry = (body: Record<string, unknown>, who = provider()) =>
    http()
      .post('/api/list-entries')
      .set(who)
      .send({
        listType: 'black',
        domain: '民政',
        listName: '社会组织严重违法失信名单',
        basis: '《社会组织信用信息管理办法》第十九条',
        effectiveFrom: day(-30),
        expiresOn: day(1000),
        ...body,
      });

  describe('lists', () => {
    it('puts a subject on a blacklist resting on its record, as the provider’s department', async () => {
      const res = await addEntry({
        subjectCode: ORG,
        recordId,
        documentNo: '叶民失信认定〔2026〕1号',
      }).expect(201);
      expect(res.body).toMatchObject({
        listType: 'black',
        listTypeName: '黑名单',
        domain: '民政',
        department: '叶县民政局',
        recordId,
        exitedOn: null,
      });
    });

    it('flags subjects on blacklists of two or more domains for heavier punishment', async () => {
      await addEntry({ subjectCode: TWO_LISTS }).expect(201);
      const one = await http().get(`/api/subjects/${TWO_LISTS}/list-entries`).set(caseworker()).expect(200);
      expect(one.body).toMatchObject({ blacklistDomains: ['民政'], heavierPunishment: false });
      // A second blacklist of the same domain does not count twice.
      await addEntry({ subjectCode: TWO_LISTS, listName: '养老服务领域失信名单' }).expect(201);
      await addEntry(
        { subjectCode: TWO_LISTS, listType: 'watch', domain: '税务', listName: '重点关注名单' },
        provider('叶县税务局'),
      ).expect(201);
      const still = await http().get(`/api/subjects/${TWO_LISTS}/list-entries`).set(caseworker()).expect(200);
      expect(still.body.heavierPunishment).toBe(false);
      await addEntry(
        { subjectCode: TWO_LISTS, domain: '税务', listName: '重大税收违法失信主体名单' },
        provider('叶县税务局'),
      ).expect(201);
      const two = await http().get(`/api/subjects/${TWO_LISTS}/list-entries`).set(caseworker()).expect(200);
      expect(two.body).toMatchObject({ blacklistDomains: ['民政', '税务'], heavierPunishment: true });
      expect(two.body.items).toHaveLength(4);
    });

    it('counts only entries in force: not yet effective, expired and exited ones do not', async () => {
      const subject = uscc('91410422MA0000404');
      await http()
        .post('/api/subjects')
        .set(caseworker())
        .send({ kind: 'legal-person', code: subject, name: '叶县时效测试公司' })
        .expect(201);
      await addEntry({ subjectCode: subject, domain: '民政', effectiveFrom: day(5) }).expect(201);
      await addEntry({
        subjectCode: subject,
        domain: '税务',
        effectiveFrom: day(-400),
        expiresOn: day(-1),
      }).expect(201);
      const exited = await addEntry({ subjectCode: subject, domain: '交通' }).expect(201);
      await addEntry({ subjectCode: subject, domain: '环保' }).expect(201);
      await http()
        .post(`/api/list-entries/${exited.body.id}/exit`)
        .set(provider())
        .send({ reason: '已完成信用修复' })
        .expect(200)
        .expect((r) => expect(r.body).toMatchObject({ exitedOn: day(0), exitReason: '已完成信用修复' }));
      const res = await http().get(`/api/subjects/${subject}/list-entries`).set(caseworker()).expect(200);
      expect(res.body).toMatchObject({ blacklistDomains: ['环保'], heavierPunishment: false });
      await http()
        .post(`/api/list-entries/${exited.body.id}/exit`)
        .set(provider())
        .send({ reason: '再次退出' })
        .expect(409)
        .expect((r) => expect(r.body.code).toBe('LIST_ENTRY_ALREADY_EXITED'));
    });

    it('lists a subject once per decision document: a repeat answers the entry, other content is 409, a new listing after the exit is a new entry', async () => {
      const code = uscc('52410422MJ0000904');
      await http()
        .post('/api/subjects')
        .set(caseworker())
        .send({ kind: 'other-organisation', code, name: '叶县重复认定协会' })
        .expect(201);
      const body = { subjectCode: code, documentNo: '叶民失信认定〔2026〕7号' };
      const first = await addEntry(body).expect(201);
      expect(first.body.created).toBe(true);
      const again = await addEntry(body).expect(200);
      expect(again.body).toMatchObject({ created: false, id: first.body.id });
      const other = await addEntry({ ...body, basis: '另一依据' }).expect(409);
      expect(other.body).toMatchObject({
        code: 'LIST_ENTRY_DOCUMENT_TAKEN',
        details: { entryId: first.body.id },
      });
      expect(other.body.message).toContain('叶民失信认定〔2026〕7号');
      const entries = await http().get(`/api/subjects/${code}/list-entries`).set(caseworker()).expect(200);
      expect(entries.body.current).toEqual([first.body.id]);

      await http()
        .post(`/api/list-entries/${first.body.id}/exit`)
        .set(provider())
        .send({ reason: '认定文书更正，退出后重新列入' })
        .expect(200);
      const relisted = await addEntry({ ...body, basis: '另一依据' }).expect(201);
      expect(relisted.body.id).not.toBe(first.body.id);
      const after = await http().get(`/api/subjects/${code}/list-entries`).set(caseworker()).expect(200);
      expect(after.body.current).toEqual([relisted.body.id]);
    });

    it('rejects bad list entries: dates, unknown subjects, another subject’s record, roles', async () => {
      await addEntry({ subjectCode: ORG, effectiveFrom: day(10), expiresOn: day(5) })
        .expect(400)
        .expect((r) => expect(r.body.code).toBe('LIST_DATES_INVALID'));
      await addEntry({ subjectCode: uscc('91410422MA0000499') })
        .expect(404)
        .expect((r) => expect(r.body.code).toBe('SUBJECT_NOT_FOUND'));
      await addEntry({ subjectCode: CLEAN, recordId })
        .expect(400)
        .expect((r) => expect(r.body.code).toBe('LIST_RECORD_MISMATCH'));
      await addEntry({ subjectCode: ORG, listType: 'grey' }).expect(400);
      await addEntry({ subjectCode: ORG }, caseworker()).expect(403);
    });
  });

  describe('measures list (措施清单)', () => {
    it('lets the admin define a draft measure and publish it', async () => {
      const draft = await http()
        .post('/api/measures')
        .set(admin())
        .send({
          code: 'CJ-MZ-001',
          name: '从严审核行政许可事项',
          kind: 'punishment',
          legalBasis: '《关于对社会组织严重违法失信行为实施联合惩戒的合作备忘录》',
          applicableLists: ['black'],
        })
        .expect(201);
      expect(draft.body).toMatchObject({
        code: 'CJ-MZ-001',
        kindName: '惩戒措施',
        publishedOn: null,
        published: false,
      });
      const published = await http()
        .post('/api/measures/CJ-MZ-001/publish')
        .set(admin())
        .send({})
        .expect(200);
      expect(published.body).toMatchObject({ publishedOn: day(0), published: true });
      await http()
        .post('/api/measures/CJ-MZ-001/publish')
        .set(admin())
        .send({})
        .expect(409)
        .expect((r) => expect(r.body.code).toBe('MEASURE_ALREADY_PUBLISHED'));
      const list = await http().get('/api/measures').set(caseworker()).expect(200);
      expect(list.body.items.map((m: { code: string }) => m.code)).toContain('CJ-MZ-001');
    });

    it('refuses duplicate codes, lists that do not fit the kind, and non-admins', async () => {
      const body = {
        code: 'CJ-MZ-001',
        name: '重复',
        kind: 'punishment',
        legalBasis: '依据',
        applicableLists: ['black'],
      };
      await http()
        .post('/api/measures')
        .set(admin())
        .send(body)
        .expect(409)
        .expect((r) => expect(r.body.code).toBe('MEASURE_CODE_TAKEN'));
      await http()
        .post('/api/measures')
        .set(admin())
        .send({ ...body, code: 'JL-1', kind: 'reward', applicableLists: ['black'] })
        .expect(400)
        .expect((r) => expect(r.body.code).toBe('MEASURE_LISTS_MISMATCH'));
      await http()
        .post('/api/measures')
        .set(supervisor())
        .send({ ...body, code: 'X-2' })
        .expect(403);
    });
  });

  describe('applied measures', () => {
    beforeAll(async () => {
      await http()
        .post('/api/measures')
        .set(admin())
        .send({
          code: 'CJ-MZ-002',
          name: '限制参加评先评优',
          kind: 'punishment',
          legalBasis: '新郑市民政局实施方案 六(六)',
          applicableLists: ['black', 'watch'],
        })
        .expect(201);
      await http()
        .post('/api/measures')
        .set(admin())
        .send({
          code: 'CJ-MZ-003',
          name: '下月起实施的措施',
          kind: 'punishment',
          legalBasis: '依据',
          applicableLists: ['black'],
          publishedOn: day(20),
        })
        .expect(201);
    });

    it('never applies an unpublished measure: 409 MEASURE_NOT_PUBLISHED with the reason, nothing written', async () => {
      const count = async () =>
        Number((await api.dataSource.query('SELECT count(*) AS n FROM credit_applied_measure'))[0].n);
      const before = await count();
      const draft = await http()
        .post(`/api/subjects/${ORG}/measures`)
        .set(caseworker())
        .send({ measureCode: 'CJ-MZ-002', matter: '评先评优' })
        .expect(409);
      expect(draft.body).toMatchObject({
        code: 'MEASURE_NOT_PUBLISHED',
        message: expect.stringContaining('未经公布的信用奖惩措施不得实施'),
        details: { measureCode: 'CJ-MZ-002', publishedOn: null },
      });
      const future = await http()
        .post(`/api/subjects/${ORG}/measures`)
        .set(caseworker())
        .send({ measureCode: 'CJ-MZ-003', matter: '评先评优' })
        .expect(409);
      expect(future.body.message).toContain(`将于${day(20)}公布`);
      expect(await count()).toBe(before);
    });

    it('applies a published measure on the blacklist entry and extends it to the responsible persons (落实到人)', async () => {
      const res = await http()
        .post(`/api/subjects/${ORG}/measures`)
        .set(caseworker())
        .send({
          measureCode: 'CJ-MZ-001',
          matter: '养老机构备案',
          extendToPersons: true,
          caseRef: 'BA-2026-7',
        })
        .expect(201);
      expect(res.body).toMatchObject({
        created: true,
        measureCode: 'CJ-MZ-001',
        status: 'active',
        statusName: '执行中',
        executingDepartment: '叶县民政局行政审批股',
        matter: '养老机构备案',
        recordId,
      });
      expect(res.body.derived).toHaveLength(2);
      for (const d of res.body.derived)
        expect(d).toMatchObject({ derivedFrom: res.body.id, status: 'active' });
      const person = await http().get(`/api/subjects/${REP}/measures`).set(caseworker()).expect(200);
      expect(person.body.items).toEqual([
        expect.objectContaining({ measureCode: 'CJ-MZ-001', derivedFrom: res.body.id }),
      ]);

      const personCheck = await http()
        .get(`/api/subjects/${REP}/credit-check?matter=评先评优`)
        .set(caseworker())
        .expect(200);
      expect(personCheck.body.measures).toEqual([
        expect.objectContaining({
          code: 'CJ-MZ-001',
          derived: true,
          executingDepartment: '叶县民政局行政审批股',
        }),
      ]);

      const again = await http()
        .post(`/api/subjects/${ORG}/measures`)
        .set(caseworker())
        .send({ measureCode: 'CJ-MZ-001', matter: '养老机构备案', extendToPersons: true })
        .expect(200);
      expect(again.body).toMatchObject({ created: false, id: res.body.id });
    });

    it('refuses measures for subjects not on an applicable list, and unknown measures or subjects', async () => {
      await http()
        .post(`/api/subjects/${CLEAN}/measures`)
        .set(caseworker())
        .send({ measureCode: 'CJ-MZ-001', matter: '政府采购' })
        .expect(409)
        .expect((r) =>
          expect(r.body).toMatchObject({
            code: 'MEASURE_NOT_APPLICABLE',
            message: expect.stringContaining('黑名单'),
          }),
        );
      await http()
        .post(`/api/subjects/${ORG}/measures`)
        .set(caseworker())
        .send({ measureCode: 'NO-SUCH', matter: '政府采购' })
        .expect(404)
        .expect((r) => expect(r.body.code).toBe('MEASURE_NOT_FOUND'));
      await http()
        .post(`/api/subjects/${uscc('91410422MA0000498')}/measures`)
        .set(caseworker())
        .send({ measureCode: 'CJ-MZ-001', matter: '政府采购' })
        .expect(404)
        .expect((r) => expect(r.body.code).toBe('SUBJECT_NOT_FOUND'));
      await http()
        .post(`/api/subjects/${ORG}/measures`)
        .set(supervisor())
        .send({ measureCode: 'CJ-MZ-001', matter: '政府采购' })
        .expect(403);
    });

    it('suspends, reinstates and lifts with the derived measures following; records feedback; refuses bad moves', async () => {
      const applied = (await http().get(`/api/subjects/${ORG}/measures`).set(caseworker()).expect(200)).body
        .items[0];
      const post = (path: string, body: object, who = caseworker()) =>
        http().post(`/api/applied-measures/${applied.id}/${path}`).set(who).send(body);
      await post('suspend', { reason: '异议核查期间中止惩戒', caseRef: 'YY-9' })
        .expect(200)
        .expect((r) => expect(r.body).toMatchObject({ changed: true, status: 'suspended' }));
      const person = await http().get(`/api/subjects/${PRINCIPAL}/measures`).set(caseworker()).expect(200);
      expect(person.body.items[0].status).toBe('suspended');
      await post('suspend', { reason: '重复' })
        .expect(200)
        .expect((r) => expect(r.body.changed).toBe(false));
      await post('reinstate', { reason: '异议不成立，恢复执行' }, supervisor()).expect(200);
      await post('feedback', { text: '已在备案审查中从严审核，要求补充材料' }).expect(201);
      await post('feedback', { text: '越权反馈' }, caseworker('叶县财政局'))
        .expect(403)
        .expect((r) => expect(r.body.code).toBe('MEASURE_OTHER_DEPARTMENT'));
      await post('lift', { reason: '退出黑名单' }).expect(200);
      await post('reinstate', { reason: '恢复' })
        .expect(422)
        .expect((r) => expect(r.body.code).toBe('MEASURE_TRANSITION_NOT_ALLOWED'));
      const history = await http().get(`/api/applied-measures/${applied.id}`).set(supervisor()).expect(200);
      expect(
        history.body.events.map((e: { action: string; toStatus: string }) => [e.action, e.toStatus]),
      ).toEqual([
        ['apply', 'active'],
        ['suspend', 'suspended'],
        ['reinstate', 'active'],
        ['feedback', 'active'],
        ['lift', 'lifted'],
      ]);
      expect(history.body.events[3]).toMatchObject({
        department: '叶县民政局行政审批股',
        text: '已在备案审查中从严审核，要求补充材料',
      });
      const personAfter = await http()
        .get(`/api/subjects/${PRINCIPAL}/measures`)
        .set(caseworker())
        .expect(200);
      expect(personAfter.body.items[0].status).toBe('lifted');
    });

    it('lifts the measures resting on a list entry when the subject exits the list', async () => {
      const subject = uscc('91410422MA0000405');
      await http()
        .post('/api/subjects')
        .set(caseworker())
        .send({ kind: 'legal-person', code: subject, name: '叶县退出测试公司' })
        .expect(201);
      const entry = await addEntry({ subjectCode: subject }).expect(201);
      const applied = await http()
        .post(`/api/subjects/${subject}/measures`)
        .set(caseworker())
        .send({ measureCode: 'CJ-MZ-001', matter: '政府采购' })
        .expect(201);
      await http()
        .post(`/api/list-entries/${entry.body.id}/exit`)
        .set(supervisor())
        .send({ reason: '信用修复完成' })
        .expect(200);
      const after = await http()
        .get(`/api/applied-measures/${applied.body.id}`)
        .set(caseworker())
        .expect(200);
      expect(after.body.status).toBe('lifted');
      expect(after.body.events.at(-1)).toMatchObject({ action: 'lift', text: '名单退出：信用修复完成' });
    });
  });

  describe('red lists and rewards', () => {
    it('applies a reward measure to a subject on a red list, and no punishment measure on that entry', async () => {
      await http()
        .post('/api/measures')
        .set(admin())
        .send({
          code: 'JL-MZ-001',
          name: '行政审批绿色通道',
          kind: 'reward',
          legalBasis: '新郑市民政局实施方案 四(三)',
          applicableLists: ['red'],
          publishedOn: day(-1),
        })
        .expect(201);
      const entry = await addEntry({
        subjectCode: CLEAN,
        listType: 'red',
        domain: '民政',
        listName: '守信红名单',
        basis: '连续三年无不良信用记录',
      }).expect(201);
      const reward = await http()
        .post(`/api/subjects/${CLEAN}/measures`)
        .set(caseworker())
        .send({ measureCode: 'JL-MZ-001', matter: '社会组织变更登记' })
        .expect(201);
      expect(reward.body).toMatchObject({ kind: 'reward', listEntryId: entry.body.id, status: 'active' });
      await http()
        .post(`/api/subjects/${CLEAN}/measures`)
        .set(caseworker())
        .send({ measureCode: 'CJ-MZ-001', matter: '社会组织变更登记', listEntryId: entry.body.id })
        .expect(409)
        .expect((r) => expect(r.body.code).toBe('MEASURE_NOT_APPLICABLE'));
    });
  });

  describe('credit check (逢办必查)', () => {
    it('answers with lists, the heavier-punishment flag, measures in force and a clear commitments field', async () => {
      const res = await http()
        .get(
          `/api/subjects/${TWO_LISTS}/credit-check?matter=${encodeURIComponent('政府采购供应商资格审查')}&caseRef=CG-2026-15`,
        )
        .set(caseworker())
        .expect(200);
      expect(res.body).toMatchObject({
        id: expect.any(String),
        subject: { code: TWO_LISTS, name: '叶县某工程公司', kind: 'legal-person' },
        matter: '政府采购供应商资格审查',
        caseRef: 'CG-2026-15',
        checkedBy: 'cw.li',
        checkedOn: day(0),
        blacklistDomains: ['民政', '税务'],
        heavierPunishment: true,
        measures: [],
        commitments: [],
      });
      expect(res.body.lists.map((l: { listType: string }) => l.listType).sort()).toEqual([
        'black',
        'black',
        'black',
        'watch',
      ]);
    });

    it('shows only measures in force: a suspended measure drops out of the answer', async () => {
      const applied = await http()
        .post(`/api/subjects/${TWO_LISTS}/measures`)
        .set(caseworker())
        .send({ measureCode: 'CJ-MZ-001', matter: '政府采购' })
        .expect(201);
      const check = await http()
        .get(`/api/subjects/${TWO_LISTS}/credit-check?matter=招投标`)
        .set(caseworker())
        .expect(200);
      expect(check.body.measures).toEqual([
        expect.objectContaining({
          id: applied.body.id,
          code: 'CJ-MZ-001',
          name: '从严审核行政许可事项',
          derived: false,
        }),
      ]);
      await http()
        .post(`/api/applied-measures/${applied.body.id}/suspend`)
        .set(caseworker())
        .send({ reason: '异议核查中' })
        .expect(200);
      const suspended = await http()
        .get(`/api/subjects/${TWO_LISTS}/credit-check?matter=招投标`)
        .set(caseworker())
        .expect(200);
      expect(suspended.body.measures).toEqual([]);
    });

    it('stores every check and returns it with the case file, masked for a caseworker', async () => {
      const asCaseworker = await http()
        .get(`/api/subjects/${REP}/credit-check?matter=评先评优&caseRef=PX-1`)
        .set(caseworker())
        .expect(200);
      expect(asCaseworker.body.subject.code).toBe(`${REP.slice(0, 6)}********${REP.slice(14)}`);
      await http()
        .get(`/api/subjects/${CLEAN}/credit-check?matter=评先评优&caseRef=PX-1`)
        .set(supervisor())
        .expect(200);
      const file = await http().get('/api/credit-checks?caseRef=PX-1').set(supervisor()).expect(200);
      expect(
        file.body.items.map((c: { subject: { name: string }; matter: string }) => [c.subject.name, c.matter]),
      ).toEqual([
        ['钱七', '评先评优'],
        ['叶县守信商贸公司', '评先评优'],
      ]);
      const one = await http()
        .get(`/api/credit-checks/${asCaseworker.body.id}`)
        .set(supervisor())
        .expect(200);
      expect(one.body).toEqual(asCaseworker.body);
      await expect(api.dataSource.query(`DELETE FROM credit_check`)).rejects.toThrow(/append-only/);
    });

    it('masks a stored check again for a reader who may not see the number, and for another jurisdiction’s supervisor', async () => {
      const masked = `${REP.slice(0, 6)}********${REP.slice(14)}`;
      const bySupervisor = await http()
        .get(`/api/subjects/${REP}/credit-check?matter=评先评优&caseRef=PX-2`)
        .set(supervisor())
        .expect(200);
      expect(bySupervisor.body.subject.code).toBe(REP);
      // The stored answer keeps the full number the supervisor was shown; a caseworker reading it does not get it.
      const read = await http()
        .get(`/api/credit-checks/${bySupervisor.body.id}`)
        .set(caseworker())
        .expect(200);
      expect(read.body).toEqual({
        ...bySupervisor.body,
        subject: { ...bySupervisor.body.subject, code: masked },
      });
      const file = await http().get('/api/credit-checks?caseRef=PX-2').set(caseworker()).expect(200);
      expect(file.body.items.map((c: { subject: { code: string } }) => c.subject.code)).toEqual([masked]);
      expect(
        (await http().get(`/api/credit-checks/${bySupervisor.body.id}`).set(supervisor()).expect(200)).body,
      ).toEqual(bySupervisor.body);
      // A supervisor of another jurisdiction is not shown this jurisdiction's people in full.
      const elsewhere = () => api.auth(['supervisor'], { jurisdiction: 'xinzheng-mz' });
      const checked = await http()
        .get(`/api/subjects/${REP}/credit-check?matter=评先评优&caseRef=PX-3`)
        .set(elsewhere())
        .expect(200);
      expect(checked.body.subject.code).toBe(masked);
      expect(
        (await http().get(`/api/credit-checks/${bySupervisor.body.id}`).set(elsewhere()).expect(200)).body
          .subject.code,
      ).toBe(masked);
    });

    it('rejects a check without a matter, for a bad code or an unknown subject, storing nothing', async () => {
      const count = async () =>
        Number((await api.dataSource.query('SELECT count(*) AS n FROM credit_check'))[0].n);
      const before = await count();
      await http()
        .get(`/api/subjects/${ORG}/credit-check`)
        .set(caseworker())
        .expect(400)
        .expect((r) => expect(r.body.code).toBe('VALIDATION_FAILED'));
      await http()
        .get(`/api/subjects/${ORG.slice(0, 17)}${ORG[17] === 'Y' ? 'X' : 'Y'}/credit-check?matter=x`)
        .set(caseworker())
        .expect(400)
        .expect((r) => expect(r.body.code).toBe('SUBJECT_CODE_INVALID'));
      await http()
        .get(`/api/subjects/${uscc('91410422MA0000497')}/credit-check?matter=x`)
        .set(caseworker())
        .expect(404);
      await http().get('/api/credit-checks').set(supervisor()).expect(400);
      expect(await count()).toBe(before);
    });
  });

  it('documents lists, measures and checks in OpenAPI', async () => {
    const res = await http().get('/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/list-entries',
        '/api/list-entries/{id}/exit',
        '/api/subjects/{code}/list-entries',
        '/api/measures',
        '/api/measures/{code}/publish',
        '/api/subjects/{code}/measures',
        '/api/applied-measures/{id}/suspend',
        '/api/applied-measures/{id}/feedback',
        '/api/subjects/{code}/credit-check',
        '/api/credit-checks',
        '/api/credit-checks/{id}',
      ]),
    );
  });
});
