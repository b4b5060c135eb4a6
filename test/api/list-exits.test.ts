import request from 'supertest';
import { createRegistry } from '../../activities/registry';
import { shanghaiDate } from '../../workflows/calendar/working-days';
import { residentIdCheckCharacter, usccCheckCharacter } from '../../workflows/registry/identifiers';
import { startTestApi, TestApi } from '../support/api';

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
const residentId = (first17: string) => first17 + residentIdCheckCharacter(first17);
const day = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000).toISOString());

describe('credit registry API: list exits (名单退出) and the record’s file', () => {
  let api: TestApi;
  const http = () => request(api.app.getHttpServer());
  const APPROVAL = '叶县民政局行政审批股';
  const caseworker = (department = APPROVAL) => api.auth(['caseworker'], { department, sub: 'cw.li' });
  const provider = (department = '叶县民政局') =>
    api.auth(['provider'], { department, sub: 'provider.wang' });
  const admin = () => api.auth(['admin'], { sub: 'admin.zhou' });
  const supervisor = () => api.auth(['supervisor'], { sub: 'sv.zhao', jurisdiction: 'yexian-mz' });

  const ORG = uscc('52410422MJ0000901');
  const PERSON = residentId('41042219800101901');
  const REVOKED = uscc('52410422MJ0000902');
  const LAPSED = residentId('41042219700101902');

  let manualEntryId: string;
  let revokedRecordId: string;
  let revokedEntryId: string;

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
      })
      .expect(201);

  const registerRecord = (subjectCode: string, documentNo: string, extra: Record<string, unknown> = {}) =>
    http()
      .post('/api/records')
      .set(provider())
      .send({
        subjectCode,
        kind: 'dishonesty-list-entry',
        documentNo,
        decisionDate: day(-30),
        severityTier: '严重',
        title: '列入社会组织严重违法失信名单',
        content: '弄虚作假骗取养老机构补贴',
        publicityStart: day(-30),
        publicityMaxEnd: day(1000),
        ...extra,
      })
      .expect(201);

  beforeAll(async () => {
    api = await startTestApi();
    await http()
      .post('/api/subjects')
      .set(caseworker())
      .send({
        kind: 'other-organisation',
        code: ORG,
        name: '叶县安康养老院',
        persons: [{ role: 'legal-representative', code: PERSON, name: '赵六' }],
      })
      .expect(201);
    await http()
      .post('/api/subjects')
      .set(caseworker())
      .send({ kind: 'other-organisation', code: REVOKED, name: '叶县错登协会' })
      .expect(201);
    await http()
      .post('/api/subjects')
      .set(caseworker())
      .send({ kind: 'natural-person', code: LAPSED, name: '李四' })
      .expect(201);
    await http()
      .post('/api/measures')
      .set(admin())
      .send({
        code: 'CJ-TC-001',
        name: '从严审核行政许可事项',
        kind: 'punishment',
        legalBasis: '《关于对社会组织严重违法失信行为实施联合惩戒的合作备忘录》',
        applicableLists: ['black'],
        publishedOn: day(-60),
      })
      .expect(201);

    // A manual exit by the credit office, of an entry a department executes a measure on.
    manualEntryId = (await addEntry({ subjectCode: ORG })).body.id;
    await http()
      .post(`/api/subjects/${ORG}/measures`)
      .set(caseworker())
      .send({
        measureCode: 'CJ-TC-001',
        matter: '养老机构备案',
        listEntryId: manualEntryId,
        extendToPersons: true,
      })
      .expect(201);
    await http()
      .post(`/api/list-entries/${manualEntryId}/exit`)
      .set(supervisor())
      .send({ reason: '经信用办审核，准予退出', caseRef: 'LE-2026-001' })
      .expect(200)
      .expect((r) =>
        expect(r.body).toMatchObject({
          exitedOn: day(0),
          exitReason: '经信用办审核，准予退出',
          exitCause: 'manual',
          exitCauseName: '认定部门或信用主管部门办理退出',
        }),
      );

    // A record revoked by its provider: the entry resting on it exits with it.
    revokedRecordId = (await registerRecord(REVOKED, '叶民失信认定〔2026〕901号')).body.id;
    revokedEntryId = (await addEntry({ subjectCode: REVOKED, recordId: revokedRecordId })).body.id;
    await http()
      .post(`/api/records/${revokedRecordId}/transitions`)
      .set(provider())
      .send({ action: 'revoke', reason: '经核实认定主体错误', caseRef: 'YY-2026-009' })
      .expect(200);
  });
  afterAll(() => api.close());

  type Exit = { entryId: string; cause: string; notifiedDepartments: string[] };
  const exits = (query = '', who = supervisor()) => http().get(`/api/lists/exits${query}`).set(who);
  const ids = (body: { items: Exit[] }) => body.items.map((i) => i.entryId);

  it('lists every exit, newest first, with its cause, reason, case, lifted measures and the departments told', async () => {
    const res = await exits().expect(200);
    expect(ids(res.body)).toEqual([revokedEntryId, manualEntryId]);
    expect(res.body.items[0]).toMatchObject({
      entryId: revokedEntryId,
      subject: { code: REVOKED, name: '叶县错登协会' },
      listType: 'black',
      listTypeName: '黑名单',
      department: '叶县民政局',
      recordId: revokedRecordId,
      exitedOn: day(0),
      cause: 'record-revoked',
      causeName: '所依据的信用记录被撤销',
      reason: '所依据的信用记录（叶民失信认定〔2026〕901号）已撤销：经核实认定主体错误',
      actor: 'provider.wang',
      caseRef: 'YY-2026-009',
      liftedMeasureIds: [],
      notifiedDepartments: [],
    });
    expect(res.body.items[1]).toMatchObject({
      entryId: manualEntryId,
      cause: 'manual',
      reason: '经信用办审核，准予退出',
      actor: 'sv.zhao',
      caseRef: 'LE-2026-001',
      notifiedDepartments: [APPROVAL],
    });
    expect(res.body.items[1].liftedMeasureIds).toHaveLength(2);
  });

  it('filters by cause, by department (identifying or told) and by exit day', async () => {
    expect(ids((await exits('?cause=manual').expect(200)).body)).toEqual([manualEntryId]);
    expect(ids((await exits('?cause=expired').expect(200)).body)).toEqual([]);
    expect(ids((await exits(`?department=${encodeURIComponent(APPROVAL)}`).expect(200)).body)).toEqual([
      manualEntryId,
    ]);
    expect(ids((await exits(`?department=${encodeURIComponent('叶县民政局')}`).expect(200)).body)).toEqual([
      revokedEntryId,
      manualEntryId,
    ]);
    expect(ids((await exits(`?department=${encodeURIComponent('叶县税务局')}`).expect(200)).body)).toEqual(
      [],
    );
    expect(ids((await exits(`?since=${day(0)}`).expect(200)).body)).toHaveLength(2);
    expect(ids((await exits(`?since=${day(1)}`).expect(200)).body)).toEqual([]);
  });

  it('shows the exits to all staff of the registry, refuses bad filters field by field, and needs a token', async () => {
    for (const who of [caseworker(), provider('叶县税务局'), admin()]) {
      expect(ids((await exits('', who).expect(200)).body)).toHaveLength(2);
    }
    const bad = await exits('?cause=forgotten&since=2026-02-30').expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['cause', 'since']);
    await exits('?limit=0').expect(400);
    await http().get('/api/lists/exits').expect(401);
  });

  it('masks a natural person’s ID number for a caseworker, not for the supervisor', async () => {
    const entry = await addEntry({ subjectCode: LAPSED, listName: '养老服务领域失信名单' });
    await http()
      .post(`/api/list-entries/${entry.body.id}/exit`)
      .set(provider())
      .send({ reason: '主动纠正' })
      .expect(200);
    const seen = await exits('?cause=manual', caseworker()).expect(200);
    const row = seen.body.items.find((i: Exit) => i.entryId === entry.body.id);
    expect(row.subject).toMatchObject({ masked: true, code: expect.stringContaining('********') });
    const full = await exits('?cause=manual').expect(200);
    expect(full.body.items.find((i: Exit) => i.entryId === entry.body.id).subject.code).toBe(LAPSED);
  });

  it('keeps the manual exit endpoint as it was: own department only for providers, never twice', async () => {
    const entry = await addEntry({ subjectCode: ORG, domain: '养老', listName: '养老服务失信名单' });
    await http()
      .post(`/api/list-entries/${entry.body.id}/exit`)
      .set(provider('叶县税务局'))
      .send({ reason: '退出' })
      .expect(403)
      .expect((r) => expect(r.body.code).toBe('LIST_ENTRY_OTHER_DEPARTMENT'));
    await http()
      .post(`/api/list-entries/${entry.body.id}/exit`)
      .set(provider())
      .send({ reason: '退出' })
      .expect(200);
    const again = await http()
      .post(`/api/list-entries/${entry.body.id}/exit`)
      .set(supervisor())
      .send({ reason: '再次退出' })
      .expect(409);
    expect(again.body).toMatchObject({
      code: 'LIST_ENTRY_ALREADY_EXITED',
      message: `该主体已于${day(0)}退出黑名单（认定部门或信用主管部门办理退出）。`,
    });
    const listed = await http().get(`/api/subjects/${ORG}/list-entries`).set(caseworker()).expect(200);
    expect(listed.body.current).not.toContain(entry.body.id);
  });

  describe('the record’s file', () => {
    it('shows the list exits the record’s revocation caused next to its history', async () => {
      const res = await http().get(`/api/records/${revokedRecordId}/events`).set(caseworker()).expect(200);
      expect(res.body.items.map((e: { action: string }) => e.action)).toEqual(['register', 'revoke']);
      expect(res.body.listExits).toEqual([
        expect.objectContaining({ entryId: revokedEntryId, cause: 'record-revoked', caseRef: 'YY-2026-009' }),
      ]);
    });

    it('shows the system’s publicity expiry and retention deletion, the blacklisting that ended with the deleted record, and the red-list exit a penalty caused', async () => {
      const code = uscc('52410422MJ0000903');
      await http()
        .post('/api/subjects')
        .set(caseworker())
        .send({ kind: 'other-organisation', code, name: '叶县守信协会' })
        .expect(201);
      const red = await addEntry({ subjectCode: code, listType: 'red', listName: '守信激励对象名单' });
      const old = await registerRecord(code, '叶民罚〔2019〕1号', {
        kind: 'administrative-penalty',
        decisionDate: day(-2000),
        publicityStart: day(-2000),
        publicityMaxEnd: day(-1000),
        retentionEnd: day(-2),
      });
      // A blacklisting resting on the old penalty, still in force when the record is purged.
      const black = await addEntry({ subjectCode: code, recordId: old.body.id, expiresOn: undefined });
      const registry = createRegistry(api.dataSource);
      expect(await registry.records.expireDue()).toContain(old.body.id);
      expect(await registry.records.deletePastRetention()).toContain(old.body.id);

      const res = await http().get(`/api/records/${old.body.id}/events`).set(supervisor()).expect(200);
      expect(
        res.body.items.map((e: { action: string; actor: string; reason: string }) => [
          e.action,
          e.actor,
          e.reason,
        ]),
      ).toEqual([
        ['register', 'provider.wang', '登记信用记录'],
        ['expire', 'system', '已达最长公示期限，自动停止公示'],
        ['delete', 'system', '已超过保存期限，依规删除'],
      ]);
      expect(res.body.listExits).toEqual([
        expect.objectContaining({
          entryId: red.body.id,
          listType: 'red',
          cause: 'red-list-dishonesty',
          causeName: '产生失信记录',
          triggerRecordId: old.body.id,
        }),
        expect.objectContaining({
          entryId: black.body.id,
          listType: 'black',
          cause: 'record-deleted',
          causeName: '所依据的信用记录超过保存期限被删除',
          actor: 'system',
        }),
      ]);
      const standing = await http().get(`/api/subjects/${code}/list-entries`).set(caseworker()).expect(200);
      expect(standing.body.current).not.toContain(black.body.id);
    });

    it('refuses 撤销信用修复 outside the repair procedure', async () => {
      const rec = await registerRecord(ORG, '叶民失信认定〔2026〕902号');
      await http()
        .post(`/api/records/${rec.body.id}/transitions`)
        .set(provider())
        .send({ action: 'repair', reason: '已完成信用修复' })
        .expect(200);
      const refused = await http()
        .post(`/api/records/${rec.body.id}/transitions`)
        .set(provider())
        .send({ action: 'revoke-repair', reason: '修复材料虚假' })
        .expect(403);
      expect(refused.body.code).toBe('RECORD_ACTION_PROCEDURE_ONLY');
    });
  });

  it('documents the exits listing in OpenAPI', async () => {
    const res = await http().get('/docs-json').expect(200);
    expect(
      res.body.paths['/api/lists/exits'].get.parameters.map((p: { name: string }) => p.name).sort(),
    ).toEqual(['cause', 'department', 'limit', 'since']);
  });
});
