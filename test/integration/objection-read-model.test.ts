import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createActivities } from '../../activities';
import { openDatabase } from '../../infra/database/data-source';
import { Notification, ObjectionCase, ObjectionEvent, RestorationTask } from '../../infra/database/entities';
import type { PublishCaseInput } from '../../workflows/case/types';
import type { ObjectionSnapshot, TimelineEntry } from '../../workflows/objection/state';
import { createTestDatabase } from '../support/database';

function entry(seq: number, kind: TimelineEntry['kind'], summary: string): TimelineEntry {
  return { seq, at: `2026-05-0${seq}T02:00:00.000Z`, kind, actor: seq === 1 ? 'cw.1' : 'system', summary };
}

/** What the case kit publishes for a state: the view without its timeline, and the entries. */
function publication(s: ObjectionSnapshot): PublishCaseInput {
  const { timeline, ...view } = s;
  return {
    procedure: 'objection',
    caseId: s.caseId,
    revision: s.revision,
    view: { ...view, timelineLength: timeline.length },
    entries: timeline,
  };
}

function snapshotOf(
  caseId: string,
  revision: number,
  patch: Partial<ObjectionSnapshot> = {},
): ObjectionSnapshot {
  return {
    caseId,
    caseNo: `TEST-2026-${caseId.slice(0, 6)}`,
    revision,
    status: 'received',
    jurisdiction: 'yexian-mz',
    policyVersion: 2,
    officeDepartment: '叶县民政局',
    officeName: '叶县民政局',
    providerDepartment: '叶县民政局社会组织股',
    applicant: { name: '张三', contact: '13800000000', subjectCode: 'S1', subjectName: '测试社会组织' },
    channel: 'window',
    recordId: randomUUID(),
    recordDescription: '行政处罚：未按规定报送年度工作报告',
    grounds: ['facts-wrong'],
    groundsText: '已按时报送',
    attachments: [{ ref: 'doc-1', name: '报送回执' }],
    receivedBy: 'cw.1',
    receivedAt: '2026-05-01T02:00:00.000Z',
    step: {
      step: 'forward',
      assignee: 'cw.1',
      department: '叶县民政局',
      startedAt: '2026-05-01T02:00:00.000Z',
      limit: { value: 2, unit: 'working-days' },
      extendedBy: 0,
      due: '2026-05-07T15:59:59.999Z',
      provisional: false,
      remindAt: '2026-05-06T15:59:59.999Z',
      escalationLevel: 0,
    },
    caseDueProvisional: false,
    overdue: false,
    escalationLevel: 0,
    clockStops: [],
    suspension: 'flag',
    recordMarked: true,
    recordHidden: false,
    suspendedMeasureIds: [],
    extensions: {},
    outcomeApplied: false,
    timeline: [entry(1, 'received', '受理')],
    ...patch,
  };
}

describe('objection read model activities', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  let activities: ReturnType<typeof createActivities>;
  const sync = (s: ObjectionSnapshot) => activities.publishCase(publication(s));

  beforeAll(async () => {
    db = await createTestDatabase('objrm');
    dataSource = await openDatabase(db.url);
    activities = createActivities({ dataSource });
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  const row = (id: string) => dataSource.getRepository(ObjectionCase).findOneByOrFail({ id });
  const events = (caseId: string) =>
    dataSource.getRepository(ObjectionEvent).find({ where: { caseId }, order: { seq: 'ASC' } });

  it('creates the case row from the first snapshot of a case started outside the API', async () => {
    const id = randomUUID();
    await sync(snapshotOf(id, 1));
    const stored = await row(id);
    expect(stored).toMatchObject({
      revision: 1,
      status: 'received',
      currentStep: 'forward',
      stepDepartment: '叶县民政局',
      assignee: 'cw.1',
      createdBy: 'cw.1',
      idempotencyKey: null,
      queryCodeHash: null,
    });
    expect(stored.stepDueAt!.toISOString()).toBe('2026-05-07T15:59:59.999Z');
    expect(stored.stepRemindAt!.toISOString()).toBe('2026-05-06T15:59:59.999Z');
    expect(stored.snapshot!.revision).toBe(1);
    expect((await events(id)).map((e) => e.seq)).toEqual([1]);
  });

  it('keeps the newest revision: a retried or late older snapshot changes nothing', async () => {
    const id = randomUUID();
    const first = snapshotOf(id, 1);
    const forwarded = snapshotOf(id, 3, {
      recordId: first.recordId,
      status: 'forwarded',
      step: { ...first.step!, step: 'verify', department: '叶县民政局社会组织股', assignee: 'provider@x' },
      timeline: [first.timeline[0], entry(2, 'record-disputed', '标注异议'), entry(3, 'forwarded', '转办')],
    });
    await sync(forwarded);
    await sync(first);
    await sync(forwarded);
    const stored = await row(id);
    expect(stored).toMatchObject({ revision: 3, status: 'forwarded', currentStep: 'verify' });
    expect((await events(id)).map((e) => [e.seq, e.kind])).toEqual([
      [1, 'received'],
      [2, 'record-disputed'],
      [3, 'forwarded'],
    ]);
  });

  it('fills a row the API registered (revision 0) without touching its query code and idempotency key', async () => {
    const id = randomUUID();
    const s = snapshotOf(id, 1);
    await dataSource.query(
      `INSERT INTO objection_case (id, case_no, query_code_hash, idempotency_key, request_hash, jurisdiction,
         policy_version, office_department, provider_department, subject_code, subject_name, applicant_name,
         applicant_contact, channel, record_id, record_description, grounds, grounds_text, attachments, status,
         created_by, received_at)
       VALUES ($1, $2, 'qhash', 'key-1', 'rhash', 'yexian-mz', 2, '叶县民政局', '叶县民政局社会组织股', 'S1', '测试',
         '张三', '138', 'window', $3, 'x', '{facts-wrong}', 'x', '[]', 'received', 'cw.1', now())`,
      [id, s.caseNo, s.recordId],
    );
    await sync({
      ...s,
      status: 'closed',
      step: undefined,
      closedAt: '2026-05-09T01:00:00Z',
    });
    expect(await row(id)).toMatchObject({
      revision: 1,
      status: 'closed',
      currentStep: null,
      stepDueAt: null,
      queryCodeHash: 'qhash',
      idempotencyKey: 'key-1',
      requestHash: 'rhash',
    });
  });

  it('keeps the timeline append-only', async () => {
    const id = randomUUID();
    await sync(snapshotOf(id, 1));
    await expect(
      dataSource.query(`UPDATE objection_event SET summary = 'changed' WHERE case_id = $1`, [id]),
    ).rejects.toThrow();
    expect((await events(id))[0].summary).toBe('受理');
  });

  it('opens one restoration task per case and tells the department once, however often it is retried', async () => {
    const id = randomUUID();
    const s = snapshotOf(id, 1);
    await sync(s);
    const input = {
      caseId: id,
      caseNo: s.caseNo,
      recordId: s.recordId,
      subjectCode: 'S1',
      subjectName: '测试社会组织',
      department: '叶县民政局社会组织股',
      liftedMeasureIds: ['m-1', 'm-2'],
      reason: '惩戒措施实施错误',
      actor: 'provider.1',
    };
    const first = await activities.openRestorationTask(input);
    const again = await activities.openRestorationTask(input);
    expect(first.created).toBe(true);
    expect(again).toEqual({ taskId: first.taskId, created: false });
    const tasks = await dataSource.getRepository(RestorationTask).findBy({ caseId: id });
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      status: 'open',
      liftedMeasureIds: ['m-1', 'm-2'],
      openedBy: 'provider.1',
    });
    const notices = await dataSource.getRepository(Notification).findBy({ caseId: id });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      recipient: 'provider@叶县民政局社会组织股',
      kind: 'objection.restoration.opened',
      status: 'sent',
    });
    expect(notices[0].body).toContain('解除惩戒措施 2 项');
  });
});
