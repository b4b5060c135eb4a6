import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { CASE_PROCEDURES, createActivities } from '../../activities';
import { openDatabase } from '../../infra/database/data-source';
import { CaseIndexRow } from '../../infra/database/entities';
import type { ClosedStep, PublishCaseInput, StepDeadline } from '../../workflows/case/types';
import type { CommitmentView } from '../../workflows/commitment/types';
import type { ObjectionView } from '../../workflows/objection/state';
import type { RectificationView } from '../../workflows/rectification/types';
import type { RepairView } from '../../workflows/repair/types';
import { createTestDatabase } from '../support/database';

/**
 * The supervision index (case_index) is written by the case kit's publishCase, in the read
 * model's transaction, from the mapping each procedure declares; the newest revision wins.
 */

function deadline<S extends string>(
  step: S,
  department: string,
  due: string,
  over: Partial<StepDeadline<S>> = {},
): StepDeadline<S> {
  return {
    step,
    assignee: 'cw.1',
    department,
    startedAt: '2026-05-06T02:00:00.000Z',
    limit: { value: 5, unit: 'working-days' },
    extendedBy: 0,
    due,
    provisional: false,
    escalationLevel: 0,
    ...over,
  };
}

const closedStep = (over: Partial<ClosedStep>): ClosedStep => ({
  step: 'forward',
  department: '叶县民政局',
  assignee: 'cw.1',
  startedAt: '2026-05-06T02:00:00.000Z',
  due: '2026-05-08T15:59:59.999Z',
  closedAt: '2026-05-07T03:00:00.000Z',
  metLimit: true,
  escalates: true,
  escalationLevel: 0,
  ...over,
});

function objectionView(caseId: string, revision: number, over: Partial<ObjectionView> = {}): ObjectionView {
  return {
    caseId,
    caseNo: `YX-2026-${caseId.slice(0, 6)}`,
    revision,
    status: 'forwarded',
    jurisdiction: 'yexian-mz',
    policyVersion: 2,
    officeDepartment: '叶县民政局',
    officeName: '叶县民政局',
    providerDepartment: '叶县民政局社会组织管理股',
    applicant: { name: '张三', contact: '13800000000', subjectCode: 'S1', subjectName: '测试社会组织' },
    channel: 'window',
    recordId: randomUUID(),
    recordDescription: '行政处罚：未按规定报送年度工作报告',
    grounds: ['facts-wrong'],
    groundsText: '已按时报送',
    attachments: [],
    receivedBy: 'cw.1',
    receivedAt: '2026-05-06T02:00:00.000Z',
    step: deadline('verify', '叶县民政局社会组织管理股', '2026-05-14T15:59:59.999Z'),
    caseDue: '2026-05-20T15:59:59.999Z',
    caseDueProvisional: false,
    overdue: false,
    escalationLevel: 0,
    closedSteps: [closedStep({})],
    clockStops: [],
    suspension: 'flag',
    recordMarked: true,
    recordHidden: false,
    suspendedMeasureIds: [],
    extensions: {},
    outcomeApplied: false,
    timelineLength: 2,
    ...over,
  };
}

function commitmentView(
  caseId: string,
  revision: number,
  over: Partial<CommitmentView> = {},
): CommitmentView {
  return {
    caseId,
    caseNo: `XZ-CN-${caseId.slice(0, 6)}`,
    revision,
    status: 'in-force',
    jurisdiction: 'xinzheng-mz',
    overdue: true,
    escalationLevel: 1,
    timelineLength: 1,
    kind: 'deferred-materials',
    policyVersion: 2,
    department: '新郑市民政局',
    officeName: '新郑市民政局',
    subject: { code: 'C1', name: '新郑市某社工服务中心', kind: 'other-organisation' },
    signer: { name: '李四', capacity: '法定代表人', contact: '13900000000' },
    matter: '养老机构备案',
    text: { templateVersion: 1, title: 't', body: 'b' },
    published: true,
    signedAt: '2026-07-01T02:00:00.000Z',
    signedBy: 'cw.1',
    items: [
      {
        no: 1,
        name: '章程',
        limit: { value: 5, unit: 'working-days' },
        extendedBy: 0,
        deadline: deadline('item-1', '新郑市民政局', '2026-07-08T15:59:59.999Z', {
          overdueAt: '2026-07-09T00:00:00.000Z',
          escalationLevel: 1,
        }),
      },
    ],
    reports: [],
    run: 1,
    ...over,
  };
}

function repairView(caseId: string, revision: number, over: Partial<RepairView> = {}): RepairView {
  return {
    caseId,
    caseNo: `YC-XF-${caseId.slice(0, 6)}`,
    revision,
    status: 'accepted',
    jurisdiction: 'yongchang',
    overdue: false,
    escalationLevel: 0,
    timelineLength: 3,
    policyVersion: 1,
    office: '永昌县发展和改革局',
    officeName: '永昌县发展和改革局',
    channel: 'window',
    subject: { code: 'R1', name: '永昌某商贸公司', kind: 'legal-person' },
    applicant: { name: '王五', contact: '13700000000' },
    record: {
      id: randomUUID(),
      kind: 'administrative-penalty',
      status: 'active',
      department: '永昌县市场监督管理局',
      documentNo: '永市监罚〔2026〕1号',
      title: '未按规定公示年度报告',
      severityTier: '一般',
      decisionDate: '2026-01-10',
      publicityStart: '2026-01-12',
    },
    materials: [],
    clockStops: [],
    receivedBy: 'cw.2',
    receivedAt: '2026-06-01T02:00:00.000Z',
    step: deadline('decide', '永昌县市场监督管理局', '2026-06-12T15:59:59.999Z'),
    closedSteps: [
      closedStep({ step: 'accept', name: '受理', department: '永昌县发展和改革局', escalates: true }),
    ],
    run: 1,
    ...over,
  };
}

function rectificationView(
  caseId: string,
  revision: number,
  over: Partial<RectificationView> = {},
): RectificationView {
  const department = '永昌县市场监督管理局';
  return {
    caseId,
    caseNo: `YC-ZG-${caseId.slice(0, 6)}`,
    revision,
    status: 'rectified',
    jurisdiction: 'yongchang',
    overdue: false,
    escalationLevel: 0,
    timelineLength: 4,
    policyVersion: 2,
    department,
    officeName: '永昌县',
    subject: { code: 'Z1', name: '永昌某商贸公司', kind: 'legal-person' },
    contact: { name: '王五', contact: '13700000000' },
    basis: { kind: 'record', recordId: randomUUID(), documentNo: '永市监罚〔2026〕1号', title: '未公示年报' },
    obligations: ['补报年度报告'],
    domain: department,
    stage: 'rectification',
    terms: [],
    reports: [],
    interviews: [],
    startedBy: 'p.1',
    startedAt: '2026-04-01T02:00:00.000Z',
    closedAt: '2026-04-20T02:00:00.000Z',
    closedSteps: [
      // The subject's own term: not the department's to keep, even when it ran over.
      closedStep({ step: 'term-1', name: '整改期限', department, escalates: false, metLimit: false }),
      closedStep({ step: 'verify-1', department, closedAt: '2026-04-20T02:00:00.000Z' }),
    ],
    ...over,
  };
}

const publication = (procedure: string, view: { caseId: string; revision: number }): PublishCaseInput => ({
  procedure,
  caseId: view.caseId,
  revision: view.revision,
  view,
  entries: [],
});

describe('case index (publishCase)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  let activities: ReturnType<typeof createActivities>;
  const row = (procedure: string, caseId: string) =>
    dataSource.getRepository(CaseIndexRow).findOneByOrFail({ procedure, caseId });

  beforeAll(async () => {
    db = await createTestDatabase('caseidx');
    dataSource = await openDatabase(db.url);
    activities = createActivities({ dataSource });
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('every procedure on the case kit declares its writer, index mapping, workflow type and state query', () => {
    expect(CASE_PROCEDURES.map((p) => p.procedure)).toEqual([
      'objection',
      'commitment',
      'repair',
      'rectification',
    ]);
    for (const p of CASE_PROCEDURES) {
      expect(p.name).toMatch(/\p{Script=Han}/u);
      expect(typeof p.write).toBe('function');
      expect(typeof p.index).toBe('function');
      expect(p.stateQuery.name).toMatch(/State$/);
    }
  });

  it('an objection: office and provider, current step with its name, the case limit, closed steps', async () => {
    const id = randomUUID();
    await activities.publishCase(publication('objection', objectionView(id, 3)));
    expect(await row('objection', id)).toMatchObject({
      caseNo: `YX-2026-${id.slice(0, 6)}`,
      jurisdiction: 'yexian-mz',
      officeDepartment: '叶县民政局',
      providerDepartment: '叶县民政局社会组织管理股',
      departments: ['叶县民政局', '叶县民政局社会组织管理股'],
      status: 'forwarded',
      statusName: '核查中',
      currentStep: 'verify',
      currentStepName: '信息提供单位核查答复',
      currentStepDepartment: '叶县民政局社会组织管理股',
      stepDueAt: new Date('2026-05-14T15:59:59.999Z'),
      caseDueAt: new Date('2026-05-20T15:59:59.999Z'),
      overdue: false,
      escalationLevel: 0,
      receivedAt: new Date('2026-05-06T02:00:00.000Z'),
      closedAt: null,
      metLimit: null,
      closedSteps: [
        {
          step: 'forward',
          name: '转交信息提供单位',
          department: '叶县民政局',
          due: '2026-05-08T15:59:59.999Z',
          closedAt: '2026-05-07T03:00:00.000Z',
          metLimit: true,
          escalates: true,
        },
      ],
      revision: 3,
    });
    // The read model was written in the same publication.
    const [{ revision }] = await dataSource.query(`SELECT revision FROM objection_case WHERE id = $1`, [id]);
    expect(revision).toBe(3);
  });

  it('an objection closed after its case limit did not meet it', async () => {
    const id = randomUUID();
    await activities.publishCase(
      publication(
        'objection',
        objectionView(id, 9, { status: 'closed', step: undefined, closedAt: '2026-05-21T02:00:00.000Z' }),
      ),
    );
    expect(await row('objection', id)).toMatchObject({ currentStep: null, stepDueAt: null, metLimit: false });
  });

  it('a commitment: its earliest open deadline is the current step, overdue and escalated', async () => {
    const id = randomUUID();
    await activities.publishCase(publication('commitment', commitmentView(id, 2)));
    expect(await row('commitment', id)).toMatchObject({
      officeDepartment: '新郑市民政局',
      providerDepartment: null,
      departments: ['新郑市民政局'],
      status: 'in-force',
      statusName: '履约中',
      currentStep: 'item-1',
      currentStepName: '补交材料：章程',
      stepDueAt: new Date('2026-07-08T15:59:59.999Z'),
      overdue: true,
      escalationLevel: 1,
      receivedAt: new Date('2026-07-01T02:00:00.000Z'),
      caseDueAt: null,
      closedSteps: [],
    });
  });

  it('a repair: the office and the identifying department both involved', async () => {
    const id = randomUUID();
    await activities.publishCase(publication('repair', repairView(id, 4)));
    expect(await row('repair', id)).toMatchObject({
      officeDepartment: '永昌县发展和改革局',
      providerDepartment: '永昌县市场监督管理局',
      departments: ['永昌县发展和改革局', '永昌县市场监督管理局'],
      statusName: '已受理',
      currentStep: 'decide',
      currentStepName: '认定部门审核决定',
      closedSteps: [expect.objectContaining({ step: 'accept', name: '受理', metLimit: true })],
    });
  });

  it('a rectification closed with the subject late on its own term but every staff step in time met its limit', async () => {
    const id = randomUUID();
    await activities.publishCase(publication('rectification', rectificationView(id, 7)));
    expect(await row('rectification', id)).toMatchObject({
      status: 'rectified',
      statusName: '已整改',
      currentStep: null,
      closedAt: new Date('2026-04-20T02:00:00.000Z'),
      metLimit: true,
      closedSteps: [
        expect.objectContaining({ step: 'term-1', escalates: false, metLimit: false }),
        expect.objectContaining({ step: 'verify-1', name: '核实整改情况（第1次报告）', escalates: true }),
      ],
    });
  });

  it('a staff step closed late, or an escalation, means the closed case missed its limit', async () => {
    const late = randomUUID();
    await activities.publishCase(
      publication(
        'rectification',
        rectificationView(late, 2, {
          closedSteps: [
            closedStep({ step: 'verify-1', department: '永昌县市场监督管理局', metLimit: false }),
          ],
        }),
      ),
    );
    expect((await row('rectification', late)).metLimit).toBe(false);
    const escalated = randomUUID();
    await activities.publishCase(
      publication('rectification', rectificationView(escalated, 2, { escalationLevel: 2, closedSteps: [] })),
    );
    expect((await row('rectification', escalated)).metLimit).toBe(false);
  });

  it('the newest revision wins: a stale publication does not overwrite the index row', async () => {
    const id = randomUUID();
    await activities.publishCase(publication('objection', objectionView(id, 5, { status: 'verified' })));
    await activities.publishCase(publication('objection', objectionView(id, 4, { status: 'forwarded' })));
    expect(await row('objection', id)).toMatchObject({
      revision: 5,
      status: 'verified',
      statusName: '已核实待告知',
    });
    await activities.publishCase(
      publication(
        'objection',
        objectionView(id, 6, { status: 'closed', closedAt: '2026-05-12T02:00:00.000Z' }),
      ),
    );
    expect(await row('objection', id)).toMatchObject({ revision: 6, status: 'closed', metLimit: true });
  });

  it('an unknown procedure writes nothing', async () => {
    const id = randomUUID();
    await expect(activities.publishCase(publication('list-exit', objectionView(id, 1)))).rejects.toThrow(
      /no read-model writer/,
    );
    expect(await dataSource.getRepository(CaseIndexRow).countBy({ caseId: id })).toBe(0);
  });
});
