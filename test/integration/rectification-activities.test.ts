import type { DataSource } from 'typeorm';
import { completedRectifications } from '../../activities/rectification/completed-rectifications';
import { createRectificationActivities } from '../../activities/rectification/rectification-activities';
import { writeRectificationCase } from '../../activities/rectification/rectification-read-model';
import { createRegistry, type Registry } from '../../activities/registry';
import { openDatabase } from '../../infra/database/data-source';
import { RectificationCase, RectificationEvent } from '../../infra/database/entities/rectification';
import { ListEntry, PlatformOutbox } from '../../infra/database/entities/registry';
import type { TimelineEntry } from '../../workflows/case/types';
import { usccCheckCharacter } from '../../workflows/registry/identifiers';
import type { RectificationView } from '../../workflows/rectification/types';
import { createTestDatabase } from '../support/database';

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
const DEPARTMENT = '永昌县市场监督管理局';

describe('rectification activities and read model', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  let registry: Registry;
  let activities: ReturnType<typeof createRectificationActivities>;
  const subjectCode = uscc('91620321MA0000031');
  let recordId: string;

  beforeAll(async () => {
    db = await createTestDatabase('rectification');
    dataSource = await openDatabase(db.url);
    registry = createRegistry(dataSource);
    activities = createRectificationActivities({ dataSource });
    await registry.subjects.register({
      kind: 'legal-person',
      code: subjectCode,
      name: '永昌某商贸公司',
      actor: 't',
    });
    const { record } = await registry.records.register({
      subjectCode,
      kind: 'administrative-penalty',
      department: DEPARTMENT,
      documentNo: '永市监罚〔2026〕1号',
      decisionDate: '2026-03-02',
      severityTier: '一般',
      title: '未按规定公示年度报告',
      content: '警告',
      actor: 'p.1',
    });
    recordId = record.id;
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  const interview = (documentNo: string) => ({
    caseRef: 'rectification:case-1',
    subjectCode,
    department: DEPARTMENT,
    documentNo,
    decisionDate: '2026-04-10',
    title: '提示约谈记录：永昌某商贸公司',
    content: '约谈对象到场。',
    actor: 'system',
  });

  it('registers an interview record once per document number and pushes it to the platform once', async () => {
    const first = await activities.registerInterviewRecord(interview('ZG-1-提示约谈'));
    const retry = await activities.registerInterviewRecord(interview('ZG-1-提示约谈'));
    expect(first.created).toBe(true);
    expect(retry).toEqual({ recordId: first.recordId, created: false });
    const outbox = await dataSource
      .getRepository(PlatformOutbox)
      .findBy({ aggregateId: first.recordId, eventType: 'record.registered' });
    expect(outbox).toHaveLength(1);
    expect(outbox[0].payload).toMatchObject({
      kind: 'interview-record',
      department: DEPARTMENT,
      subjectCode,
    });
  });

  it('applies a 重点关注名单 entry once (a retry finds it), and returns measures the registry refuses', async () => {
    const input = {
      caseRef: 'rectification:case-1',
      subjectCode,
      department: DEPARTMENT,
      consequence: {
        kind: 'watch-list' as const,
        listName: '重点关注名单',
        validity: { value: 1, unit: 'years' as const },
      },
      documentNo: 'ZG-1-重点关注',
      domain: '市场监管',
      basis: '经提示约谈、警示约谈仍未整改',
      recordId,
      effectiveFrom: '2026-05-01',
      expiresOn: '2027-05-01',
      matter: '限期整改ZG-1',
      actor: 'sup.1',
    };
    const first = await activities.applyRectificationConsequence(input);
    const retry = await activities.applyRectificationConsequence(input);
    expect(retry.listEntryId).toBe(first.listEntryId);
    const entries = await dataSource.getRepository(ListEntry).findBy({ documentNo: 'ZG-1-重点关注' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      listType: 'watch',
      recordId,
      expiresOn: '2027-05-01',
      domain: '市场监管',
    });

    const measures = await activities.applyRectificationConsequence({
      ...input,
      consequence: { kind: 'measures', measureCodes: ['NO-SUCH-MEASURE'] },
    });
    expect(measures).toMatchObject({ appliedMeasureIds: [], refused: [{ measureCode: 'NO-SUCH-MEASURE' }] });
    expect(measures.listEntryId).toBeUndefined();
  });

  const view = (revision: number, over: Partial<RectificationView> = {}): RectificationView => ({
    caseId: 'case-1',
    caseNo: 'YONGCHANG-ZG-2026-000001',
    revision,
    status: 'rectifying',
    jurisdiction: 'yongchang',
    overdue: false,
    escalationLevel: 0,
    timelineLength: 1,
    policyVersion: 2,
    department: DEPARTMENT,
    officeName: '永昌县',
    subject: { code: subjectCode, name: '永昌某商贸公司', kind: 'legal-person' },
    contact: { name: '王五', contact: '13700000000' },
    basis: { kind: 'record', recordId, documentNo: '永市监罚〔2026〕1号', title: '未按规定公示年度报告' },
    obligations: ['补报年度报告'],
    domain: DEPARTMENT,
    stage: 'rectification',
    terms: [
      {
        no: 1,
        from: 'order',
        startsAt: '2026-04-01T02:00:00.000Z',
        limit: { value: 20, unit: 'working-days' },
        deadline: {
          step: 'term-1',
          assignee: 'p.1',
          department: DEPARTMENT,
          startedAt: '2026-04-01T02:00:00.000Z',
          limit: { value: 20, unit: 'working-days' },
          extendedBy: 0,
          due: '2026-04-30T15:59:59.999Z',
          provisional: false,
          escalationLevel: 0,
        },
      },
    ],
    reports: [],
    interviews: [],
    startedBy: 'p.1',
    startedAt: '2026-04-01T02:00:00.000Z',
    ...over,
  });
  const entry = (seq: number): TimelineEntry => ({
    seq,
    at: '2026-04-01T02:00:00.000Z',
    kind: 'started',
    actor: 'p.1',
    summary: `第${seq}条`,
  });
  const publish = (v: RectificationView, entries: TimelineEntry[]) =>
    dataSource.transaction((tx) =>
      writeRectificationCase(tx, {
        procedure: 'rectification',
        caseId: v.caseId,
        revision: v.revision,
        view: v,
        entries,
      }),
    );

  it('keeps the newest revision, appends each timeline entry once, and is read by completedRectifications', async () => {
    await publish(view(2), [entry(1)]);
    await publish(view(1, { status: 'cancelled' }), [entry(1)]);
    const row = await dataSource.getRepository(RectificationCase).findOneByOrFail({ id: 'case-1' });
    expect(row).toMatchObject({ revision: 2, status: 'rectifying', stage: 'rectification', recordId });
    expect(row.termDueAt?.toISOString()).toBe('2026-04-30T15:59:59.999Z');
    expect(await completedRectifications(dataSource, subjectCode, recordId)).toEqual([]);

    const done = view(3, {
      status: 'rectified',
      rectifiedAt: '2026-04-20T02:00:00.000Z',
      closedAt: '2026-04-20T02:00:00.000Z',
      reports: [
        {
          no: 1,
          term: 1,
          at: '2026-04-18T02:00:00.000Z',
          by: 'subject',
          description: '已补报',
          attachments: [],
          verification: { result: 'done', opinion: '整改到位', by: 'p.1', at: '2026-04-20T02:00:00.000Z' },
        },
      ],
    });
    await publish(done, [entry(1), entry(2)]);
    const closed = await dataSource.getRepository(RectificationCase).findOneByOrFail({ id: 'case-1' });
    expect(closed).toMatchObject({ status: 'rectified', termDueAt: null, nextDueAt: null });
    expect(await dataSource.getRepository(RectificationEvent).countBy({ caseId: 'case-1' })).toBe(2);
    expect(await activities.completedRectifications({ subjectCode, recordId })).toEqual([
      {
        caseId: 'case-1',
        caseNo: 'YONGCHANG-ZG-2026-000001',
        department: DEPARTMENT,
        subjectCode,
        recordId,
        obligations: ['补报年度报告'],
        rectifiedAt: '2026-04-20T02:00:00.000Z',
        opinion: '整改到位',
      },
    ]);
  });
});
