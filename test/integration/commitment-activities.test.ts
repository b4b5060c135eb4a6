import type { DataSource } from 'typeorm';
import { writeCommitmentCase } from '../../activities/commitment/commitment-read-model';
import { createCommitmentActivities } from '../../activities/commitment/commitment-activities';
import { createRegistry, type Registry } from '../../activities/registry';
import { openDatabase } from '../../infra/database/data-source';
import { CommitmentCase, CommitmentEvent, CommitmentItem } from '../../infra/database/entities/commitment';
import { AppliedMeasure, CreditCheck, PlatformOutbox } from '../../infra/database/entities/registry';
import type { CommitmentView } from '../../workflows/commitment/types';
import { usccCheckCharacter } from '../../workflows/registry/identifiers';
import { createTestDatabase } from '../support/database';

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);

describe('commitment activities and read model', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  let registry: Registry;
  let activities: ReturnType<typeof createCommitmentActivities>;
  const org = uscc('52410183MJ0000021');
  const clean = uscc('52410183MJ0000022');

  beforeAll(async () => {
    db = await createTestDatabase('commitment');
    dataSource = await openDatabase(db.url);
    registry = createRegistry(dataSource);
    activities = createCommitmentActivities({ dataSource });
    for (const [code, name] of [
      [org, '新郑市某养老院'],
      [clean, '新郑市某社工服务中心'],
    ]) {
      await registry.subjects.register({ kind: 'other-organisation', code, name, actor: 't' });
    }
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  const facts = (subjectCode: string, badRecordsSince = '2024-03-01') =>
    activities.commitmentEligibilityFacts({
      caseRef: 'commitment:case-1',
      subjectCode,
      matter: '养老机构备案',
      department: '新郑市民政局',
      actor: 'cw.1',
      badRecordsSince,
    });

  it('runs and stores the credit check with the case, and finds blacklists, breaches in force and recent bad records', async () => {
    const none = await facts(clean);
    expect(none).toMatchObject({ blacklists: [], breaches: [], badRecords: [] });
    const stored = await dataSource.getRepository(CreditCheck).findOneByOrFail({ id: none.creditCheckId });
    expect(stored.caseRef).toBe('commitment:case-1');

    const { record: penalty } = await registry.records.register({
      subjectCode: org,
      kind: 'administrative-penalty',
      department: '新郑市市场监督管理局',
      documentNo: '新市监罚〔2025〕8号',
      decisionDate: '2025-06-01',
      title: '价格违法',
      content: '罚款',
      actor: 'p',
    });
    await registry.records.register({
      subjectCode: org,
      kind: 'administrative-penalty',
      department: '新郑市市场监督管理局',
      documentNo: '新市监罚〔2020〕1号',
      decisionDate: '2020-06-01',
      title: '很久以前',
      content: '警告',
      actor: 'p',
    });
    const { record: breach } = await registry.records.register({
      subjectCode: org,
      kind: 'commitment-breach',
      department: '新郑市民政局',
      documentNo: 'XZ-CN-2026-000001-违约',
      decisionDate: '2026-05-01',
      title: '违背信用承诺',
      content: '逾期未补交',
      actor: 'system',
    });
    await registry.lists.addEntry({
      subjectCode: org,
      listType: 'black',
      domain: '民政',
      listName: '养老服务领域失信名单',
      department: '新郑市民政局',
      basis: '认定',
      recordId: penalty.id,
      effectiveFrom: '2026-01-01',
      actor: 'p',
    });
    const found = await facts(org);
    expect(found.blacklists).toEqual([
      { domain: '民政', listName: '养老服务领域失信名单', department: '新郑市民政局' },
    ]);
    expect(found.breaches.map((b) => b.recordId)).toEqual([breach.id]);
    expect(found.badRecords.map((r) => r.documentNo)).toEqual([
      '新市监罚〔2025〕8号',
      'XZ-CN-2026-000001-违约',
    ]);

    await registry.records.transition(breach.id, 'repair', { actor: 'p', reason: '信用修复' });
    expect((await facts(org)).breaches).toEqual([]);
  });

  it('an unknown subject is a non-retryable refusal with the registry code', async () => {
    await expect(facts(uscc('52410183MJ0000099'))).rejects.toMatchObject({
      type: 'SUBJECT_NOT_FOUND',
      nonRetryable: true,
    });
  });

  it('registers the breach once, pushed with it; a retry finds the first record and pushes nothing more', async () => {
    const input = {
      caseRef: 'commitment:case-2',
      kind: 'commitment-breach' as const,
      subjectCode: clean,
      department: '新郑市民政局',
      documentNo: 'XZ-CN-2026-000002-违约',
      decisionDate: '2026-07-01',
      title: '违背信用承诺：养老机构备案',
      content: '逾期未补交消防验收意见书',
      publicityStart: '2026-07-01',
      publicityMaxEnd: '2027-07-01',
      actor: 'system',
    };
    const first = await activities.registerCommitmentRecord(input);
    const again = await activities.registerCommitmentRecord(input);
    expect(first.created).toBe(true);
    expect(again).toEqual({ recordId: first.recordId, created: false });
    const pushed = await dataSource
      .getRepository(PlatformOutbox)
      .findBy({ aggregateId: first.recordId, eventType: 'record.registered' });
    expect(pushed).toHaveLength(1);
    expect(pushed[0].payload).toMatchObject({ kind: 'commitment-breach', subjectCode: clean });
    // A kept commitment's positive record is not pushed.
    const kept = await activities.registerCommitmentRecord({
      ...input,
      kind: 'commitment-kept',
      documentNo: 'XZ-CN-2026-000003-履约',
      publicityStart: undefined,
      publicityMaxEnd: undefined,
    });
    expect(await dataSource.getRepository(PlatformOutbox).countBy({ aggregateId: kept.recordId })).toBe(0);
  });

  it('applies only published measures; refusals come back, not thrown; a retry gives the same ids', async () => {
    await registry.measures.define({
      code: 'CN-PUB',
      name: '列为重点监管对象',
      kind: 'punishment',
      legalBasis: '备忘录',
      applicableLists: ['black'],
      publishedOn: '2026-01-01',
      actor: 'admin',
    });
    await registry.measures.define({
      code: 'CN-DRAFT',
      name: '草案措施',
      kind: 'punishment',
      legalBasis: '草案',
      applicableLists: ['black'],
      actor: 'admin',
    });
    const input = {
      caseRef: 'commitment:case-3',
      subjectCode: org,
      measureCodes: ['CN-PUB', 'CN-DRAFT', 'CN-NONE'],
      matter: '养老机构备案',
      executingDepartment: '新郑市民政局',
      actor: 'system',
    };
    const first = await activities.applyCommitmentMeasures(input);
    expect(first.appliedMeasureIds).toHaveLength(1);
    expect(first.refused.map((r) => [r.measureCode, r.code])).toEqual([
      ['CN-DRAFT', 'MEASURE_NOT_PUBLISHED'],
      ['CN-NONE', 'MEASURE_NOT_FOUND'],
    ]);
    const again = await activities.applyCommitmentMeasures(input);
    expect(again.appliedMeasureIds).toEqual(first.appliedMeasureIds);
    const subjectId = (await registry.subjects.findByCode(org)).id;
    expect(await dataSource.getRepository(AppliedMeasure).countBy({ subjectId })).toBe(1);
  });

  const view = (revision: number, over: Partial<CommitmentView> = {}): CommitmentView =>
    ({
      caseId: 'cm-1',
      caseNo: 'XINZHENG-MZ-CN-2026-000009',
      revision,
      status: 'in-force',
      jurisdiction: 'xinzheng-mz',
      overdue: false,
      escalationLevel: 0,
      timelineLength: 0,
      kind: 'deferred-materials',
      policyVersion: 2,
      department: '新郑市民政局',
      officeName: '新郑市民政局',
      subject: { code: clean, name: '新郑市某社工服务中心', kind: 'other-organisation' },
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
          deadline: {
            step: 'item-1',
            assignee: 'cw.1',
            department: '新郑市民政局',
            startedAt: '2026-07-01T02:00:00.000Z',
            limit: { value: 5, unit: 'working-days' },
            extendedBy: 0,
            due: '2026-07-08T15:59:59.999Z',
            provisional: false,
            escalationLevel: 0,
          },
        },
        { no: 2, name: '场所证明', limit: { value: 1, unit: 'months' }, extendedBy: 0 },
      ],
      reports: [],
      run: 1,
      ...over,
    }) as CommitmentView;
  const entry = (seq: number) => ({
    seq,
    at: '2026-07-01T02:00:00.000Z',
    kind: 'signed',
    actor: 'cw.1',
    summary: `第${seq}条`,
  });

  it('keeps the newest revision, items with their due times, and each timeline entry once', async () => {
    const write = (revision: number, v: CommitmentView, entries = [entry(1)]) =>
      dataSource.transaction((tx) =>
        writeCommitmentCase(tx, { procedure: 'commitment', caseId: 'cm-1', revision, view: v, entries }),
      );
    await write(2, view(2));
    await write(2, view(2)); // a retried publication
    const row = await dataSource.getRepository(CommitmentCase).findOneByOrFail({ id: 'cm-1' });
    expect(row).toMatchObject({ revision: 2, status: 'in-force', createdBy: 'cw.1' });
    expect(row.nextDueAt?.toISOString()).toBe('2026-07-08T15:59:59.999Z');
    const items = await dataSource
      .getRepository(CommitmentItem)
      .find({ where: { caseId: 'cm-1' }, order: { no: 'ASC' } });
    expect(items.map((i) => [i.no, i.dueAt?.toISOString() ?? null])).toEqual([
      [1, '2026-07-08T15:59:59.999Z'],
      [2, null],
    ]);

    const breached = view(5, {
      status: 'breached',
      closedAt: '2026-07-15T02:00:00.000Z',
      breach: {
        at: 'x',
        cause: 'item-missed',
        summary: 's',
        appliedMeasureIds: [],
        barredUntil: '2027-07-15',
        recordId: 'rec-1',
      },
    });
    await write(5, breached, [entry(2)]);
    await write(3, view(3, { status: 'in-force' }), [entry(1), entry(2)]); // stale: ignored
    const after = await dataSource.getRepository(CommitmentCase).findOneByOrFail({ id: 'cm-1' });
    expect(after).toMatchObject({
      revision: 5,
      status: 'breached',
      breachRecordId: 'rec-1',
      nextDueAt: null,
    });
    const events = await dataSource
      .getRepository(CommitmentEvent)
      .find({ where: { caseId: 'cm-1' }, order: { seq: 'ASC' } });
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('the credit check now lists the subject’s commitments', async () => {
    const check = await registry.checks.check({
      subjectCode: clean,
      matter: '年检',
      actor: 'cw.1',
      roles: ['caseworker'],
      revealIdentifiers: false,
    });
    expect(check.commitments).toEqual([
      expect.objectContaining({
        caseNo: 'XINZHENG-MZ-CN-2026-000009',
        status: 'breached',
        statusName: '已违约',
        breachRecordId: 'rec-1',
      }),
    ]);
  });
});
