import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { CommitmentCase } from '../../infra/database/entities/commitment';
import { ObjectionCase } from '../../infra/database/entities/objection/objection-case.entity';
import { RectificationCase } from '../../infra/database/entities/rectification';
import { RepairCase } from '../../infra/database/entities/repair';
import { residentIdCheckCharacter } from '../../workflows/registry/identifiers';
import { startTestApi, TestApi } from '../support/api';

/**
 * The access-control matrix: every endpoint of the OpenAPI document × role × the caller's
 * relation to jurisdiction A's data (its own department, another department of A, a department
 * of jurisdiction B). A's cases sit directly in the read model (no workflow runs: an action the
 * caller may take reaches Temporal, which this API cannot reach, and answers 503
 * WORKFLOW_SERVICE_UNAVAILABLE — proof that access control let it through). Each expected status
 * is written in the table; a refused or filtered answer must not show the case number, the
 * subject's name or code of A's case (or, for the registry, the subject's full 居民身份证号码).
 */

// ------------------------------------------------------------------ who calls

const ROLES = ['caseworker', 'provider', 'supervisor', 'admin', 'anonymous'] as const;
type Caller = (typeof ROLES)[number];
/** own: A's department (the office, or the provider of A's records); department: another of A; elsewhere: of B. */
const RELATIONS = ['own', 'department', 'elsewhere'] as const;
type Relation = (typeof RELATIONS)[number];

const A = 'yexian-mz';
const B = 'xinzheng-mz';
const A_OFFICE = '叶县民政局';
const A_PROVIDER = '叶县民政局社会组织管理股';
const TOKENS: Record<
  Exclude<Caller, 'anonymous'>,
  Record<Relation, { department?: string; jurisdiction?: string }>
> = {
  caseworker: {
    own: { department: 'mzj', jurisdiction: A },
    department: { department: 'mzj-ylfwg', jurisdiction: A },
    elsewhere: { department: 'mzj', jurisdiction: B },
  },
  provider: {
    own: { department: 'mzj-shzzglg', jurisdiction: A },
    department: { department: 'swj', jurisdiction: A },
    elsewhere: { department: 'scjgj', jurisdiction: B },
  },
  // A supervisor has no department: "another department" is the same jurisdiction's supervisor.
  supervisor: { own: { jurisdiction: A }, department: { jurisdiction: A }, elsewhere: { jurisdiction: B } },
  // The administrator holds no jurisdiction: the same token in every column.
  admin: { own: {}, department: {}, elsewhere: {} },
};

// ------------------------------------------------------------------ what they should get

/**
 * A number: that status, and the body shows nothing of A's data. `sees`: 200/201 with A's data
 * in the body. `hidden`: 200 without any of it (a list filtered to the caller's scope).
 */
type Outcome = number | 'sees' | 'hidden';
/** One outcome for all three relations, or [own, department, elsewhere]. */
type Cells = Outcome | readonly [Outcome, Outcome, Outcome];
/** Whose data the row's answer is checked for: a procedure's case A, the registry's subject, or nothing. */
type Group = 'objection' | 'commitment' | 'repair' | 'rectification' | 'registry' | 'none';

interface Row {
  /** `METHOD /path/{param}` exactly as the OpenAPI document lists it. */
  op: string;
  group: Group;
  body?: Record<string, unknown>;
  query?: Record<string, string>;
  expect: Record<Caller, Cells>;
}

const ATTACHMENT = { ref: 'file-1', name: '说明.pdf' };
const row = (
  op: string,
  group: Group,
  [caseworker, provider, supervisor, admin, anonymous]: [Cells, Cells, Cells, Cells, Cells],
  input: { body?: Record<string, unknown>; query?: Record<string, string> } = {},
): Row => ({ op, group, ...input, expect: { caseworker, provider, supervisor, admin, anonymous } });

const LOOKUP = { queryCode: 'NO-SUCH-CODE', subjectCode: '91410422MA0000000X' };
/** Actions a caller may take end at Temporal (unreachable here). */
const REACHED = 503;

/** The person registered by A's provider (the registry rows' data). */
const residentId = (first17: string) => first17 + residentIdCheckCharacter(first17);
const PERSON = residentId('41042219770707707');

// prettier-ignore
const MATRIX: Row[] = [
  //                                                            caseworker                provider                  supervisor              admin     anonymous
  row('GET /health', 'none',                                    [503,                     503,                      503,                    503,      503]),
  row('GET /api/me', 'none',                                    [200,                     200,                      200,                    200,      401]),
  row('GET /api/jurisdictions', 'none',                         [200,                     200,                      200,                    200,      200]),
  row('GET /api/audit', 'none',                                 [403,                     403,                      200,                    200,      401]),
  row('GET /api/audit/verify', 'none',                          [403,                     403,                      200,                    200,      401]),
  row('GET /api/policies', 'none',                              [200,                     200,                      200,                    200,      401]),
  row('GET /api/policies/{jurisdiction}', 'none',               [200,                     200,                      200,                    200,      401]),
  row('POST /api/policies/{jurisdiction}/versions', 'none',     [403,                     403,                      403,                    400,      401], { body: {} }),
  row('GET /api/calendar/deadline', 'none',                     [200,                     200,                      200,                    200,      401], { query: { from: '2026-11-23T09:00:00+08:00', workingDays: '1' } }),
  row('GET /api/calendar/{year}', 'none',                       [200,                     200,                      200,                    200,      401]),
  row('PUT /api/calendar/{year}', 'none',                       [403,                     403,                      403,                    400,      401], { body: {} }),
  row('POST /api/calendar/{year}/fan-out', 'none',              [403,                     403,                      403,                    REACHED,  401]),
  row('GET /api/calendar/{year}/fan-out', 'none',               [403,                     403,                      REACHED,                REACHED,  401]),

  // ---- objections (异议): office A_OFFICE, provider A_PROVIDER
  row('GET /api/objections/lookup', 'objection',                [404,                     404,                      404,                    404,      404], { query: LOOKUP }),
  // The seeded objection is not forwarded yet: nobody's pending list shows it.
  row('GET /api/objections/verifications/pending', 'objection', [403,                     'hidden',                 403,                    403,      401]),
  row('GET /api/objections/counts', 'none',                     [200,                     200,                      200,                    403,      401], { query: { by: 'status' } }),
  row('GET /api/objections', 'objection',                       [['sees', 'hidden', 'hidden'], ['sees', 'hidden', 'hidden'], ['sees', 'sees', 'hidden'], 403, 401]),
  row('POST /api/objections', 'objection',                      [400,                     403,                      403,                    403,      401], { body: {} }),
  row('GET /api/objections/{id}', 'objection',                  [['sees', 404, 404],      ['sees', 404, 404],       ['sees', 'sees', 404],  403,      401]),
  row('POST /api/objections/{id}/materials-request', 'objection', [[REACHED, 403, 404],   403,                      403,                    403,      401], { body: { items: ['营业执照副本'] } }),
  row('POST /api/objections/{id}/materials', 'objection',       [[REACHED, 403, 404],     403,                      403,                    403,      401], { body: { attachments: [ATTACHMENT] } }),
  row('POST /api/objections/{id}/forward', 'objection',         [[REACHED, 403, 404],     403,                      403,                    403,      401], { body: {} }),
  row('POST /api/objections/{id}/extend', 'objection',          [[REACHED, 403, 404],     403,                      403,                    403,      401], { body: { workingDays: 5, reason: '情况复杂' } }),
  row('POST /api/objections/{id}/withdraw', 'objection',        [[REACHED, 403, 404],     403,                      403,                    403,      401], { body: { reason: '申请人撤回' } }),
  row('POST /api/objections/{id}/reply', 'objection',           [[REACHED, 403, 404],     403,                      403,                    403,      401], { body: {} }),
  row('POST /api/objections/{id}/query-code', 'objection',      [['sees', 403, 404],      403,                      403,                    403,      401]),
  row('POST /api/objections/{id}/verification', 'objection',    [403,                     [REACHED, 404, 404],      403,                    403,      401], { body: { outcome: 'upheld', opinion: '经核查，记录无误' } }),

  // ---- commitments (信用承诺): department A_OFFICE; providers have no commitment scope
  row('GET /api/commitments/lookup', 'commitment',              [404,                     404,                      404,                    404,      404], { query: LOOKUP }),
  row('GET /api/commitments/counts', 'none',                    [200,                     403,                      200,                    403,      401], { query: { by: 'status' } }),
  row('GET /api/commitments', 'commitment',                     [['sees', 'hidden', 'hidden'], 403,                 ['sees', 'sees', 'hidden'], 403,  401]),
  row('POST /api/commitments', 'commitment',                    [400,                     403,                      403,                    403,      401], { body: {} }),
  row('GET /api/commitments/{id}', 'commitment',                [['sees', 404, 404],      403,                      ['sees', 'sees', 404],  403,      401]),
  row('POST /api/commitments/{id}/items/{no}/supply', 'commitment', [[REACHED, 403, 404], 403,                      403,                    403,      401], { body: { attachment: ATTACHMENT } }),
  row('POST /api/commitments/{id}/items/{no}/extend', 'commitment', [[REACHED, 403, 404], 403,                      403,                    403,      401], { body: { workingDays: 5, reason: '材料正在补办' } }),
  row('POST /api/commitments/{id}/verification', 'commitment',  [[REACHED, 403, 404],     403,                      403,                    403,      401], { body: { truthful: true, finding: '承诺属实' } }),
  row('POST /api/commitments/{id}/breach-reports', 'commitment', [[REACHED, REACHED, 404], [REACHED, REACHED, 404], [REACHED, REACHED, 404], 403, 401], { body: { description: '未按承诺补交材料' } }),
  row('POST /api/commitments/{id}/breach-reports/{no}/decision', 'commitment', [[REACHED, 403, 404], 403,           403,                    403,      401], { body: { confirmed: true, reason: '属实' } }),
  row('POST /api/commitments/{id}/withdraw', 'commitment',      [[REACHED, 403, 404],     403,                      403,                    403,      401], { body: { reason: '申请人撤回' } }),
  row('POST /api/commitments/{id}/query-code', 'commitment',    [['sees', 403, 404],      403,                      403,                    403,      401]),
  row('GET /api/public/commitments', 'commitment',              ['hidden',                'hidden',                 'hidden',               'hidden', 'hidden'], { query: { jurisdiction: A } }),
  row('GET /api/public/commitments/{caseNo}', 'commitment',     [404,                     404,                      404,                    404,      404]),

  // ---- repairs (信用修复): office A_OFFICE, record of A_PROVIDER
  row('GET /api/repairs/eligibility', 'none',                   [400,                     400,                      400,                    400,      400], { query: { jurisdiction: A } }),
  row('POST /api/repairs/applications', 'none',                 [400,                     400,                      400,                    400,      400], { body: {} }),
  row('GET /api/repairs/lookup', 'repair',                      [404,                     404,                      404,                    404,      404], { query: LOOKUP }),
  row('POST /api/repairs/lookup/materials', 'repair',           [400,                     400,                      400,                    400,      400], { body: LOOKUP }),
  row('GET /api/repairs/decisions/pending', 'repair',           [403,                     ['sees', 'hidden', 'hidden'], 403,                403,      401]),
  row('GET /api/repairs/counts', 'none',                        [200,                     200,                      200,                    403,      401], { query: { by: 'status' } }),
  row('GET /api/repairs', 'repair',                             [['sees', 'hidden', 'hidden'], ['sees', 'hidden', 'hidden'], ['sees', 'sees', 'hidden'], 403, 401]),
  row('POST /api/repairs', 'repair',                            [400,                     403,                      403,                    403,      401], { body: {} }),
  row('GET /api/repairs/{id}', 'repair',                        [['sees', 404, 404],      ['sees', 404, 404],       ['sees', 'sees', 404],  403,      401]),
  row('POST /api/repairs/{id}/materials-request', 'repair',     [[REACHED, 403, 404],     403,                      403,                    403,      401], { body: { items: ['credit-report'] } }),
  row('POST /api/repairs/{id}/materials', 'repair',             [[REACHED, 403, 404],     403,                      403,                    403,      401], { body: { materials: [{ kind: 'credit-report', attachment: ATTACHMENT }] } }),
  row('POST /api/repairs/{id}/accept', 'repair',                [[REACHED, 403, 404],     403,                      403,                    403,      401], { body: {} }),
  row('POST /api/repairs/{id}/withdraw', 'repair',              [[REACHED, 403, 404],     403,                      403,                    403,      401], { body: { reason: '申请人撤回' } }),
  row('POST /api/repairs/{id}/decision', 'repair',              [403,                     [REACHED, 404, 404],      403,                    403,      401], { body: { approved: true, reasons: '符合条件' } }),
  row('POST /api/repairs/{id}/revocation', 'repair',            [403,                     [REACHED, 404, 404],      403,                    403,      401], { body: { reason: '材料虚假' } }),

  // ---- rectifications (限期整改、约谈): identifying department A_PROVIDER
  row('GET /api/rectifications/lookup', 'rectification',        [404,                     404,                      404,                    404,      404], { query: LOOKUP }),
  row('POST /api/rectifications/lookup/report', 'rectification', [404,                    404,                      404,                    404,      404], { body: { ...LOOKUP, description: '已整改' } }),
  row('GET /api/rectifications/counts', 'none',                 [403,                     200,                      200,                    403,      401], { query: { by: 'status' } }),
  row('GET /api/rectifications', 'rectification',               [403,                     ['sees', 'hidden', 'hidden'], ['sees', 'sees', 'hidden'], 403,  401]),
  row('POST /api/rectifications', 'rectification',              [403,                     400,                      403,                    403,      401], { body: {} }),
  row('GET /api/rectifications/{id}', 'rectification',          [403,                     ['sees', 404, 404],       ['sees', 'sees', 404],  403,      401]),
  row('POST /api/rectifications/{id}/verification', 'rectification', [403,                [REACHED, 403, 404],      403,                    403,      401], { body: { result: 'done', opinion: '已整改到位' } }),
  row('POST /api/rectifications/{id}/interviews/schedule', 'rectification', [403,         [REACHED, 403, 404],      403,                    403,      401], { body: { at: '2099-01-05T10:00:00+08:00', place: '第一会议室', participants: ['李四（科长）'], representative: { name: '王五', capacity: '法定代表人' } } }),
  row('POST /api/rectifications/{id}/interviews/record', 'rectification', [403,           [REACHED, 403, 404],      403,                    403,      401], { body: { appeared: false, summary: '经电话通知仍未到场' } }),
  row('POST /api/rectifications/{id}/cancel', 'rectification',  [403,                     [REACHED, 403, 404],      403,                    403,      401], { body: { reason: '认定有误' } }),
  row('POST /api/rectifications/{id}/query-code', 'rectification', [403,                  ['sees', 403, 404],       403,                    403,      401]),
  row('POST /api/rectifications/{id}/consequence/decision', 'rectification', [403,        403,                      [REACHED, REACHED, 404], 403,     401], { body: { confirmed: true, reason: '整改不到位' } }),

  // ---- registry (信用主体库、信用记录、名单、惩戒措施): a person registered by A_PROVIDER with one record
  row('POST /api/subjects', 'registry',                         [400,                     400,                      403,                    400,      401], { body: {} }),
  // The registry is one for every office (a subject's `jurisdiction` is its own area, not an
  // office's): supervisors and the administrator see full identifiers (registry/disclosure.ts).
  row('GET /api/subjects', 'registry',                          ['hidden',                ['sees', 'hidden', 'hidden'], ['sees', 'sees', 'hidden'], 'sees',   401]),
  row('GET /api/subjects/{code}', 'registry',                   ['hidden',                ['sees', 'hidden', 'hidden'], ['sees', 'sees', 'hidden'], 'sees',   401]),
  row('GET /api/subjects/{code}/credit-check', 'registry',      [200,                     ['sees', 200, 200],       ['sees', 'sees', 'hidden'], 'sees', 401], { query: { matter: '行政许可审查' } }),
  row('GET /api/credit-checks', 'none',                         [200,                     200,                      200,                    200,      401], { query: { subject: PERSON } }),
  row('GET /api/credit-checks/{id}', 'none',                    [404,                     404,                      404,                    404,      401]),
  row('POST /api/list-entries', 'none',                         [403,                     400,                      403,                    403,      401], { body: {} }),
  row('POST /api/list-entries/{id}/exit', 'none',               [403,                     400,                      400,                    403,      401], { body: {} }),
  row('GET /api/lists/exits', 'none',                           [200,                     200,                      200,                    200,      401]),
  row('GET /api/subjects/{code}/list-entries', 'none',          [200,                     200,                      200,                    200,      401]),
  row('POST /api/measures', 'none',                             [403,                     403,                      403,                    400,      401], { body: {} }),
  row('POST /api/measures/{code}/publish', 'none',              [403,                     403,                      403,                    404,      401], { body: {} }),
  row('GET /api/measures', 'none',                              [200,                     200,                      200,                    200,      401]),
  row('GET /api/measures/{code}', 'none',                       [404,                     404,                      404,                    404,      401]),
  row('POST /api/subjects/{code}/measures', 'none',             [400,                     400,                      403,                    403,      401], { body: {} }),
  row('GET /api/subjects/{code}/measures', 'none',              [200,                     200,                      200,                    200,      401]),
  row('GET /api/applied-measures/{id}', 'none',                 [404,                     404,                      404,                    404,      401]),
  row('POST /api/applied-measures/{id}/suspend', 'none',        [400,                     400,                      400,                    403,      401], { body: {} }),
  row('POST /api/applied-measures/{id}/reinstate', 'none',      [400,                     400,                      400,                    403,      401], { body: {} }),
  row('POST /api/applied-measures/{id}/lift', 'none',           [400,                     400,                      400,                    403,      401], { body: {} }),
  row('POST /api/applied-measures/{id}/feedback', 'none',       [400,                     400,                      403,                    403,      401], { body: {} }),
  row('POST /api/records', 'registry',                          [403,                     400,                      403,                    403,      401], { body: {} }),
  row('GET /api/records', 'registry',                           ['hidden',                ['sees', 'hidden', 'hidden'], ['sees', 'sees', 'hidden'], 'sees',   401], { query: {} }),
  row('GET /api/records/{id}', 'registry',                      ['hidden',                ['sees', 'hidden', 'hidden'], ['sees', 'sees', 'hidden'], 'sees',   401]),
  // The file lists transitions and exits: no identifier in it to reveal or to hide.
  row('GET /api/records/{id}/events', 'registry',               ['hidden',                'hidden',                 'hidden',               'hidden', 401]),
  row('POST /api/records/{id}/transitions', 'registry',         [400,                     400,                      400,                    400,      401], { body: {} }),
  row('GET /api/public/subjects/{code}/records', 'registry',    ['hidden',                'hidden',                 'hidden',               'hidden', 'hidden']),

  // ---- supervision board (督查): the case index (empty here: the seeded cases bypass publishCase)
  ...['ageing', 'cases', 'counts', 'due-soon', 'escalations', 'overdue'].map((p) =>
    row(`GET /api/supervision/${p}`, 'none',                     [200,                     200,                      200,                    403,      401]),
  ),
  row('GET /api/supervision/cases/export', 'none',              [200,                     200,                      200,                    403,      401], { query: { format: 'csv' } }),
  row('GET /api/supervision/departments', 'none',               [200,                     200,                      200,                    403,      401], { query: { from: '2026-01-01', to: '2026-12-31' } }),
  // ---- quarterly reports (督查季度报告): supervisors and the administrator; none on file here
  row('GET /api/supervision/reports', 'none',                   [403,                     403,                      200,                    200,      401]),
  row('POST /api/supervision/reports', 'none',                  [403,                     403,                      400,                    400,      401], { body: {} }),
  row('GET /api/supervision/reports/{id}', 'none',              [403,                     403,                      404,                    404,      401]),
  row('GET /api/supervision/reports/{id}/xlsx', 'none',         [403,                     403,                      404,                    404,      401]),
];

// ------------------------------------------------------------------ the data of jurisdictions A and B

const PERSON_NAME = '矩阵甲';

interface CaseA {
  id: string;
  caseNo: string;
  subjectName: string;
  subjectCode: string;
}

describe('access-control matrix: endpoint × role × department and jurisdiction', () => {
  let api: TestApi;
  const cases = {} as Record<'objection' | 'commitment' | 'repair' | 'rectification', CaseA>;
  let recordId: string;

  const http = () => request(api.app.getHttpServer());
  const bearer = (role: Exclude<Caller, 'anonymous'>, relation: Relation) =>
    api.auth(role === 'admin' ? ['admin'] : [role], {
      sub: `${role}.${relation}`,
      ...TOKENS[role][relation],
    });

  /** A case of each procedure in A (and the same in B, so B's callers have their own). */
  async function seedCases(): Promise<void> {
    const ds = api.dataSource;
    const common = (jurisdiction: string, tag: string, procedure: string) => ({
      id: randomUUID(),
      caseNo: `MX-${procedure}-${tag}-0001`,
      queryCodeHash: null,
      idempotencyKey: null,
      requestHash: null,
      jurisdiction,
      policyVersion: 2,
      subjectCode: `91410422MA${tag}${procedure.slice(0, 3).toUpperCase()}0001`,
      subjectName: `${tag === 'A' ? '叶县' : '新郑市'}矩阵${procedure}有限公司`,
      createdBy: 'seed',
      closedAt: null,
      revision: 0,
      snapshot: null,
      workflowStartedAt: null,
    });
    for (const [tag, jurisdiction, office, provider] of [
      ['A', A, A_OFFICE, A_PROVIDER],
      ['B', B, '新郑市民政局', '新郑市市场监督管理局'],
    ] as const) {
      const objection = common(jurisdiction, tag, 'objection');
      await ds.getRepository(ObjectionCase).insert({
        ...objection,
        officeDepartment: office,
        providerDepartment: provider,
        applicantName: '张三',
        applicantContact: '13800000000',
        channel: 'window',
        recordId: randomUUID(),
        recordDescription: '行政处罚',
        grounds: ['facts-wrong'],
        groundsText: '处罚对象有误',
        attachments: [],
        status: 'received',
        dueProvisional: false,
        overdue: false,
        escalationLevel: 0,
        receivedAt: new Date(),
      } as never);
      const commitment = common(jurisdiction, tag, 'commitment');
      await ds.getRepository(CommitmentCase).insert({
        ...commitment,
        kind: 'deferred-materials',
        department: office,
        subjectKind: 'legal-person',
        signerName: '李四',
        signerContact: '13900000000',
        matter: '行政许可（容缺受理）',
        published: false,
        status: 'in-force',
        signedAt: new Date(),
        updatedAt: new Date(),
      } as never);
      const repair = common(jurisdiction, tag, 'repair');
      await ds.getRepository(RepairCase).insert({
        ...repair,
        office,
        channel: 'window',
        applicantName: '王五',
        applicantContact: '13700000000',
        recordId: randomUUID(),
        recordDepartment: provider,
        status: 'accepted',
        receivedAt: new Date(),
        updatedAt: new Date(),
      } as never);
      const rectification = common(jurisdiction, tag, 'rectification');
      await ds.getRepository(RectificationCase).insert({
        ...rectification,
        department: provider,
        subjectKind: 'legal-person',
        basisKind: 'record',
        recordId: randomUUID(),
        status: 'rectifying',
        stage: 'order',
        startedAt: new Date(),
        updatedAt: new Date(),
      } as never);
      if (tag === 'A') Object.assign(cases, { objection, commitment, repair, rectification });
    }
  }

  /** A person registered by A's provider, with one record of A's provider (through the API: no workflow). */
  async function seedRegistry(): Promise<void> {
    const provider = bearer('provider', 'own');
    await http()
      .post('/api/subjects')
      .set(provider)
      .send({ kind: 'natural-person', code: PERSON, name: PERSON_NAME, jurisdiction: A })
      .expect(201);
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const record = await http()
      .post('/api/records')
      .set(provider)
      .send({
        subjectCode: PERSON,
        kind: 'administrative-penalty',
        documentNo: '叶民罚〔2026〕99号',
        decisionDate: day(-10),
        conductEndedOn: day(-40),
        severityTier: '一般',
        title: '未按规定报送材料',
        content: '给予警告',
        publicityStart: day(-7),
        publicityMinEnd: day(80),
        publicityMaxEnd: day(355),
        retentionEnd: day(1800),
      })
      .expect(201);
    recordId = record.body.id;
  }

  beforeAll(async () => {
    api = await startTestApi();
    await seedCases();
    await seedRegistry();
  });
  afterAll(() => api?.close());

  /** The concrete path of a row: its parameters name A's data. */
  function pathOf(row: Row): string {
    const [, template] = row.op.split(' ');
    const group = row.group;
    const caseId = group in cases ? cases[group as keyof typeof cases].id : randomUUID();
    return template
      .replace('{jurisdiction}', A)
      .replace('{year}', '2026')
      .replace('{no}', '1')
      .replace('{caseNo}', cases.commitment.caseNo)
      .replace('{code}', template.startsWith('/api/measures') ? 'NO-SUCH-MEASURE' : PERSON)
      .replace('{id}', template.startsWith('/api/records') ? recordId : caseId);
  }

  /** What of A the row's group would show. */
  function markersOf(group: Group): string[] {
    if (group === 'none')
      return Object.values(cases).flatMap((c) => [c.caseNo, c.subjectName, c.subjectCode]);
    if (group === 'registry') return [PERSON];
    const c = cases[group];
    return [c.caseNo, c.subjectName, c.subjectCode];
  }

  async function call(row: Row, role: Caller, relation: Relation) {
    const [method] = row.op.split(' ');
    const path = pathOf(row);
    const agent = http();
    let req =
      method === 'GET'
        ? agent.get(path)
        : method === 'PUT'
          ? agent.put(path)
          : method === 'DELETE'
            ? agent.delete(path)
            : agent.post(path);
    if (role !== 'anonymous') req = req.set(bearer(role, relation));
    if (row.query) req = req.query(row.query);
    if (row.body) req = req.send(row.body);
    return req;
  }

  it('has a row for every operation of the OpenAPI document, and none for an operation it lacks', async () => {
    const doc = (await http().get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
          .map((m) => `${m.toUpperCase()} ${path}`),
      )
      .sort();
    expect(MATRIX.map((r) => r.op).sort()).toEqual(documented);
  });

  it.each(MATRIX.map((r) => [r.op, r] as const))('%s', async (_op, row) => {
    const mismatches: string[] = [];
    for (const role of ROLES) {
      const cells = row.expect[role];
      for (const [i, relation] of RELATIONS.entries()) {
        const expected = Array.isArray(cells) ? cells[i] : (cells as Outcome);
        const res = await call(row, role, relation);
        const body = JSON.stringify(res.body ?? '') + (res.text ?? '');
        // What the caller sent itself (a case number in the path, echoed by a 404) is no leak.
        const shown = markersOf(row.group).filter(
          (m) => body.includes(m) && !(res.status >= 400 && pathOf(row).includes(m)),
        );
        const status = expected === 'sees' || expected === 'hidden' ? [200, 201] : [expected];
        const where = `${role}/${relation}: expected ${expected}, got ${res.status}`;
        if (!status.includes(res.status)) mismatches.push(`${where} ${body.slice(0, 200)}`);
        else if (expected === 'sees' && shown.length === 0) mismatches.push(`${where} without A's data`);
        else if (expected !== 'sees' && shown.length > 0)
          mismatches.push(`${where} showing ${shown.join(', ')}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
