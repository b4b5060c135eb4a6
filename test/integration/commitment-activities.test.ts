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

  let checkSeq = 0;
  const facts = (
    subjectCode: string,
    badRecordsSince = '2024-03-01',
    caseRef = `commitment:case-1-${++checkSeq}`,
  ) =>
    activities.commitmentEligibilityFacts({
      caseRef,
      subjectCode,
      matter: '养老机构备案',
      department: '新郑市民政局',
      actor: 'cw.1',
      badRecordsSince,
    });

  it('runs and stores the credit check with the case, and finds blacklists, breaches in force and recent bad records', async () => {
    const none = await facts(clean, '2024-03-01', 'commitment:case-1');
    expect(none).toMatchObject({ blacklists: [], breaches: [], badRecords: [] });
    const stored = await dataSource.getRepository(CreditCheck).findOneByOrFail({ id: none.creditCheckId });
    expect(stored).toMatchObject({
      caseRef: 'commitment:case-1',
      checkedBy: 'cw.1',
      checkedRoles: ['system'],
    });

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
    const repaired = await facts(org);
    expect(repaired.breaches).toEqual([]);
    // Repaired, it no longer bars the fast track, but it is still a bad record of those years.
    expect(repaired.badRecords.map((r) => [r.documentNo, r.status])).toEqual([
      ['新市监罚〔2025〕8号', 'active'],
      ['XZ-CN-2026-000001-违约', 'repaired'],
    ]);
    expect((await facts(org, '2025-07-01')).badRecords.map((r) => r.documentNo)).toEqual([
      'XZ-CN-2026-000001-违约',
    ]);
  });

  it('a corrected or disputed breach still bars; a revoked record is neither a breach nor a bad record', async () => {
    const subject = uscc('52410183MJ0000023');
    await registry.subjects.register({
      kind: 'other-organisation',
      code: subject,
      name: '新郑市某托育中心',
      actor: 't',
    });
    const breach = (no: number, decisionDate: string) =>
      registry.records.register({
        subjectCode: subject,
        kind: 'commitment-breach',
        department: '新郑市民政局',
        documentNo: `XZ-CN-2026-00010${no}-违约`,
        decisionDate,
        title: '违背信用承诺',
        content: '逾期未补交',
        actor: 'system',
      });
    const { record: corrected } = await breach(1, '2026-02-01');
    const { record: disputed } = await breach(2, '2026-03-01');
    const { record: revoked } = await breach(3, '2026-04-01');
    await registry.records.transition(corrected.id, 'correct', {
      actor: 'p',
      reason: '违约事实记载有误',
      changes: { content: '逾期未补交场所证明' },
    });
    await registry.records.transition(disputed.id, 'dispute', { actor: 'p', reason: '受理异议' });
    await registry.records.transition(revoked.id, 'revoke', { actor: 'p', reason: '认定错误' });
    const found = await facts(subject);
    expect(found.breaches.map((b) => [b.recordId, b.status])).toEqual([
      [corrected.id, 'corrected'],
      [disputed.id, 'disputed'],
    ]);
    expect(found.badRecords.map((r) => r.recordId)).toEqual([corrected.id, disputed.id]);
  });

  it('a retried check finds the one stored with the case instead of storing a second', async () => {
    const first = await facts(org, '2024-03-01', 'commitment:case-retried');
    const again = await facts(org, '2024-03-01', 'commitment:case-retried');
    expect(again).toEqual(first);
    expect(await dataSource.getRepository(CreditCheck).countBy({ caseRef: 'commitment:case-retried' })).toBe(
      1,
    );
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
    expect(pushed[0].payload).toMatchObject({
      recordId: first.recordId,
      kind: 'commitment-breach',
      subjectCode: clean,
      documentNo: 'XZ-CN-2026-000002-违约',
      content: '逾期未补交消防验收意见书',
      publicityMaxEnd: '2027-07-01',
    });
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

  describe('the read model beyond one case', () => {
    const other = { code: 'WRITER-TESTS', name: '写入测试主体', kind: 'other-organisation' as const };
    const publish = (v: CommitmentView, entries = [entry(1)]) =>
      dataSource.transaction((tx) =>
        writeCommitmentCase(tx, {
          procedure: 'commitment',
          caseId: v.caseId,
          revision: v.revision,
          view: v,
          entries,
        }),
      );
    const stored = (id: string) => dataSource.getRepository(CommitmentCase).findOneByOrFail({ id });
    const itemsOf = async (caseId: string) =>
      (await dataSource.getRepository(CommitmentItem).find({ where: { caseId }, order: { no: 'ASC' } })).map(
        (i) => ({
          no: i.no,
          due: i.dueAt?.toISOString() ?? null,
          supplied: i.suppliedAt?.toISOString() ?? null,
          overdue: i.overdue,
        }),
      );
    const deadline = (due: string, overdueAt?: string) => ({
      step: 'x',
      assignee: 'cw.1',
      department: '新郑市民政局',
      startedAt: '2026-07-01T02:00:00.000Z',
      limit: { value: 5, unit: 'working-days' as const },
      extendedBy: 0,
      due,
      provisional: false,
      escalationLevel: 0 as const,
      ...(overdueAt ? { overdueAt } : {}),
    });
    const report = (no: number, status: 'reported' | 'confirmed' | 'dismissed', due: string) => ({
      no,
      reportedBy: 'cw.2',
      reportedAt: '2026-07-02T02:00:00.000Z',
      description: '线索',
      status,
      deadline: deadline(due),
    });

    it('never overwrites what the API wrote at signing, and starts the workflow clock once', async () => {
      await dataSource.getRepository(CommitmentCase).insert({
        id: 'cm-api',
        caseNo: 'XINZHENG-MZ-CN-2026-000020',
        queryCodeHash: 'hash-of-query-code',
        idempotencyKey: 'key-1',
        requestHash: 'hash-of-request',
        jurisdiction: 'xinzheng-mz',
        policyVersion: 2,
        kind: 'deferred-materials',
        department: '新郑市民政局',
        subjectCode: other.code,
        subjectName: other.name,
        subjectKind: other.kind,
        signerName: '李四',
        signerContact: '13900000000',
        matter: '养老机构备案',
        published: true,
        status: 'checking',
        nextDueAt: null,
        overdue: false,
        escalationLevel: 0,
        validUntil: null,
        breachRecordId: null,
        keptRecordId: null,
        createdBy: 'cw.api',
        signedAt: new Date('2026-07-01T01:59:00.000Z'),
        closedAt: null,
        revision: 0,
        snapshot: null,
        workflowStartedAt: null,
        updatedAt: new Date(),
      });
      await publish(view(1, { caseId: 'cm-api', caseNo: 'XINZHENG-MZ-CN-2026-000020', subject: other }));
      const first = await stored('cm-api');
      expect(first).toMatchObject({
        revision: 1,
        status: 'in-force',
        queryCodeHash: 'hash-of-query-code',
        idempotencyKey: 'key-1',
        requestHash: 'hash-of-request',
        createdBy: 'cw.api',
      });
      expect(first.signedAt.toISOString()).toBe('2026-07-01T01:59:00.000Z');
      expect(first.workflowStartedAt).not.toBeNull();
      await publish(view(2, { caseId: 'cm-api', caseNo: 'XINZHENG-MZ-CN-2026-000020', subject: other }));
      const second = await stored('cm-api');
      expect(second).toMatchObject({ revision: 2, createdBy: 'cw.api', queryCodeHash: 'hash-of-query-code' });
      expect(second.workflowStartedAt).toEqual(first.workflowStartedAt);
    });

    it('writes the items with a newer revision only: overdue while missing, not once supplied', async () => {
      const items = (supplied: boolean): CommitmentView['items'] => [
        {
          no: 1,
          name: '章程',
          limit: { value: 5, unit: 'working-days' },
          extendedBy: 0,
          ...(supplied ? { suppliedAt: '2026-07-10T02:00:00.000Z', late: true } : {}),
          deadline: deadline('2026-07-08T15:59:59.999Z', '2026-07-08T16:00:00.000Z'),
        },
        {
          no: 2,
          name: '场所证明',
          limit: { value: 5, unit: 'working-days' },
          extendedBy: 0,
          suppliedAt: '2026-07-09T02:00:00.000Z',
          deadline: deadline('2026-07-08T15:59:59.999Z', '2026-07-08T16:00:00.000Z'),
        },
        {
          no: 3,
          name: '消防验收意见书',
          limit: { value: 1, unit: 'months' },
          extendedBy: 0,
          deadline: deadline(''),
        },
      ];
      const base = { caseId: 'cm-items', caseNo: 'XINZHENG-MZ-CN-2026-000021', subject: other };
      await publish(view(4, { ...base, overdue: true, escalationLevel: 1, items: items(false) }));
      const missing = [
        { no: 1, due: '2026-07-08T15:59:59.999Z', supplied: null, overdue: true },
        { no: 2, due: '2026-07-08T15:59:59.999Z', supplied: '2026-07-09T02:00:00.000Z', overdue: false },
        { no: 3, due: null, supplied: null, overdue: false },
      ];
      expect(await itemsOf('cm-items')).toEqual(missing);
      expect(await stored('cm-items')).toMatchObject({ overdue: true, escalationLevel: 1 });
      // The earliest open deadline: item 2 is supplied, item 3 has no plan yet.
      expect((await stored('cm-items')).nextDueAt?.toISOString()).toBe('2026-07-08T15:59:59.999Z');

      await publish(view(3, { ...base, items: items(true) })); // stale
      expect(await itemsOf('cm-items')).toEqual(missing);

      await publish(view(5, { ...base, items: items(true) }));
      expect((await itemsOf('cm-items'))[0]).toEqual({
        no: 1,
        due: '2026-07-08T15:59:59.999Z',
        supplied: '2026-07-10T02:00:00.000Z',
        overdue: false,
      });
      expect((await stored('cm-items')).nextDueAt).toBeNull();
    });

    it('dates next_due_at by the earliest open deadline, else by the end of a voluntary validity', async () => {
      const at = async (caseId: string, over: Partial<CommitmentView>) => {
        await publish(view(1, { caseId, caseNo: `XINZHENG-MZ-CN-2026-${caseId}`, subject: other, ...over }));
        return (await stored(caseId)).nextDueAt?.toISOString() ?? null;
      };
      const notice = { kind: 'notice-commitment' as const, items: [] };
      expect(
        await at('n-open', {
          ...notice,
          verification: {
            limit: { value: 20, unit: 'working-days' },
            deadline: deadline('2026-07-29T15:59:59.999Z'),
          },
          reports: [
            report(1, 'dismissed', '2026-07-03T15:59:59.999Z'),
            report(2, 'reported', '2026-07-09T15:59:59.999Z'),
          ],
        }),
      ).toBe('2026-07-09T15:59:59.999Z');
      expect(
        await at('n-verified', {
          ...notice,
          verification: {
            limit: { value: 20, unit: 'working-days' },
            deadline: deadline('2026-07-29T15:59:59.999Z'),
            result: { truthful: true, finding: '属实', by: 'cw.1', at: '2026-07-20T02:00:00.000Z' },
          },
        }),
      ).toBeNull();
      const voluntary = {
        kind: 'voluntary' as const,
        items: [],
        validity: { value: 3, unit: 'months' as const },
        validUntil: '2029-06-30T15:59:59.999Z',
      };
      expect(await at('v-quiet', voluntary)).toBe('2029-06-30T15:59:59.999Z');
      expect(
        await at('v-reported', {
          ...voluntary,
          reports: [report(1, 'reported', '2026-07-09T15:59:59.999Z')],
        }),
      ).toBe('2026-07-09T15:59:59.999Z');
      const row = await stored('v-quiet');
      expect(row.validUntil?.toISOString()).toBe('2029-06-30T15:59:59.999Z');
      // Breached: nothing is due any more, even before the case has its closing time.
      expect(await at('d-breached', { status: 'breached' })).toBeNull();
      expect(
        await at('v-kept', {
          ...voluntary,
          status: 'kept',
          closedAt: '2029-07-01T00:00:00.000Z',
          keptRecordId: 'rec-k',
        }),
      ).toBeNull();
      expect(await stored('v-kept')).toMatchObject({ keptRecordId: 'rec-k' });
      expect((await stored('v-kept')).closedAt?.toISOString()).toBe('2029-07-01T00:00:00.000Z');
    });
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

  it('the credit check lists commitments in force and breached, the newest kept ones, and nothing else', async () => {
    const subject = uscc('52410183MJ0000024');
    await registry.subjects.register({
      kind: 'other-organisation',
      code: subject,
      name: '新郑市某家政公司',
      actor: 't',
    });
    const row = (id: string, status: CommitmentView['status'], signedAt: string) => ({
      id,
      caseNo: `CHECK-${id}`,
      jurisdiction: 'xinzheng-mz',
      policyVersion: 2,
      kind: 'deferred-materials' as const,
      department: '新郑市民政局',
      subjectCode: subject,
      subjectName: '新郑市某家政公司',
      subjectKind: 'other-organisation',
      signerName: '王五',
      signerContact: '13700000000',
      matter: '家政服务备案',
      published: false,
      status,
      createdBy: 'cw.1',
      signedAt: new Date(signedAt),
      breachRecordId: status === 'breached' ? `rec-${id}` : null,
      updatedAt: new Date(),
    });
    const repo = dataSource.getRepository(CommitmentCase);
    await repo.insert([
      row('old-breach', 'breached', '2020-01-01T02:00:00.000Z'),
      row('open', 'in-force', '2026-06-01T02:00:00.000Z'),
      row('checking', 'checking', '2026-06-02T02:00:00.000Z'),
      row('refused', 'refused', '2026-06-03T02:00:00.000Z'),
      row('withdrawn', 'withdrawn', '2026-06-04T02:00:00.000Z'),
      ...Array.from({ length: 21 }, (_, n) =>
        row(
          `kept-${String(n).padStart(2, '0')}`,
          'kept',
          `2021-01-${String(n + 1).padStart(2, '0')}T02:00:00.000Z`,
        ),
      ),
    ]);
    const check = await registry.checks.check({
      subjectCode: subject,
      matter: '家政服务备案',
      actor: 'cw.1',
      roles: ['caseworker'],
      revealIdentifiers: false,
    });
    const ids = check.commitments.map((c) => c.id);
    expect(ids[0]).toBe('open');
    expect(ids.at(-1)).toBe('old-breach');
    expect(ids.filter((id) => ['checking', 'refused', 'withdrawn', 'kept-00'].includes(id))).toEqual([]);
    expect(ids.filter((id) => id.startsWith('kept-'))).toHaveLength(20);
    expect(check.commitments.at(-1)).toEqual({
      id: 'old-breach',
      caseNo: 'CHECK-old-breach',
      kind: 'deferred-materials',
      kindName: '容缺受理承诺',
      status: 'breached',
      statusName: '已违约',
      matter: '家政服务备案',
      department: '新郑市民政局',
      signedAt: '2020-01-01T02:00:00.000Z',
      breachRecordId: 'rec-old-breach',
    });
  });
});
