import type { DataSource } from 'typeorm';
import { ApplicationFailure } from '@temporalio/common';
import { createRegistry, Registry, RegistryError } from '../../activities/registry';
import { createRegistryActivities } from '../../activities/registry/registry-activities';
import { openDatabase } from '../../infra/database/data-source';
import {
  AppliedMeasure,
  CreditRecord,
  CreditRecordEvent,
  PlatformOutbox,
} from '../../infra/database/entities/registry';
import { residentIdCheckCharacter, usccCheckCharacter } from '../../workflows/registry/identifiers';
import { createTestDatabase } from '../support/database';

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
const residentId = (first17: string) => first17 + residentIdCheckCharacter(first17);

describe('registry services and activities (as the procedures call them)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  let registry: Registry;
  const org = uscc('52410422MJ0000011');
  const person = residentId('41042219800101001');

  beforeAll(async () => {
    db = await createTestDatabase('registry');
    dataSource = await openDatabase(db.url);
    registry = createRegistry(dataSource);
    await registry.subjects.register({
      kind: 'other-organisation',
      code: org,
      name: '叶县某养老服务中心',
      persons: [{ role: 'legal-representative', code: person, name: '王五' }],
      actor: 'cw',
    });
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  const register = (documentNo: string) =>
    registry.records.register({
      subjectCode: org,
      kind: 'administrative-penalty',
      department: '叶县民政局',
      documentNo,
      decisionDate: '2026-03-02',
      severityTier: '一般',
      title: '未按规定报送年度工作报告',
      content: '警告',
      publicityStart: '2026-03-05',
      publicityMinEnd: '2026-06-05',
      publicityMaxEnd: '2027-03-05',
      actor: 'provider.1',
    });

  it('marks a record disputed for an objection case once, even when the activity is retried', async () => {
    const { record } = await register('叶民罚〔2026〕1号');
    const first = await registry.records.transition(record.id, 'dispute', {
      actor: 'objection-workflow',
      reason: '受理异议申请',
      caseRef: 'objection-1',
    });
    const retried = await registry.records.transition(record.id, 'dispute', {
      actor: 'objection-workflow',
      reason: '受理异议申请',
      caseRef: 'objection-1',
    });
    expect(first).toMatchObject({ changed: true, record: { status: 'disputed' } });
    expect(retried).toMatchObject({ changed: false, record: { status: 'disputed' } });
    const events = await dataSource.getRepository(CreditRecordEvent).findBy({ recordId: record.id });
    expect(events.map((e) => e.action).sort()).toEqual(['dispute', 'register']);
  });

  it('writes the correction and its outbox row in one transaction, and neither when it fails', async () => {
    const { record } = await register('叶民罚〔2026〕2号');
    const outbox = () => dataSource.getRepository(PlatformOutbox).countBy({ aggregateId: record.id });
    await expect(
      registry.records.transition(record.id, 'correct', {
        actor: 'p',
        reason: '更正',
        changes: { publicityMaxEnd: '2020-01-01' },
      }),
    ).rejects.toMatchObject({ code: 'RECORD_FIELDS_INVALID' });
    expect(await outbox()).toBe(0);
    const { record: corrected } = await registry.records.transition(record.id, 'correct', {
      actor: 'p',
      reason: '处罚内容记载错误',
      changes: { content: '警告（更正）' },
    });
    expect(corrected).toMatchObject({ status: 'corrected', content: '警告（更正）', version: 2 });
    expect(await outbox()).toBe(1);
  });

  it('registers a record once when the same submission arrives twice at the same moment', async () => {
    const results = await Promise.all([register('叶民罚〔2026〕99号'), register('叶民罚〔2026〕99号')]);
    expect(results.map((r) => r.created).sort()).toEqual([false, true]);
    expect(results[0].record.id).toBe(results[1].record.id);
    const events = await dataSource
      .getRepository(CreditRecordEvent)
      .findBy({ recordId: results[0].record.id });
    expect(events).toHaveLength(1);
  });

  it('raises RegistryError with a kind the activity layer can map', async () => {
    const err = await registry.records.get('00000000-0000-0000-0000-000000000000').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect(err).toMatchObject({ kind: 'not-found', code: 'RECORD_NOT_FOUND' });
  });

  describe('activities for the objection procedure', () => {
    let activities: ReturnType<typeof createRegistryActivities>;
    beforeAll(() => {
      activities = createRegistryActivities({ dataSource });
    });

    async function listedWithMeasure(documentNo: string) {
      const { record } = await register(documentNo);
      const { entry } = await registry.lists.addEntry({
        subjectCode: org,
        listType: 'black',
        domain: '民政',
        listName: '社会组织严重违法失信名单',
        department: '叶县民政局',
        basis: '认定',
        recordId: record.id,
        effectiveFrom: '2026-01-01',
        actor: 'p',
      });
      await registry.measures
        .define({
          code: 'CJ-1',
          name: '从严审核',
          kind: 'punishment',
          legalBasis: '备忘录',
          applicableLists: ['black'],
          publishedOn: '2025-12-01',
          actor: 'admin',
        })
        .catch((e: RegistryError) => expect(e.code).toBe('MEASURE_CODE_TAKEN'));
      const { applied, derived } = await registry.measures.apply({
        subjectCode: org,
        measureCode: 'CJ-1',
        matter: '年检',
        executingDepartment: '叶县民政局',
        listEntryId: entry.id,
        extendToPersons: true,
        actor: 'cw',
      });
      return { recordId: record.id, measureIds: [applied.id, ...derived.map((d) => d.id)] };
    }

    const statuses = async (ids: string[]) => {
      const rows = await dataSource.getRepository(AppliedMeasure).findBy(ids.map((id) => ({ id })));
      return ids.map((id) => rows.find((r) => r.id === id)?.status);
    };

    it('suspends the measures resting on a disputed record (and the persons’ ones), then reinstates them when upheld', async () => {
      const { recordId, measureIds } = await listedWithMeasure('叶民罚〔2026〕10号');
      expect(measureIds).toHaveLength(2);
      const step = { recordId, caseRef: 'objection-10', actor: 'objection-workflow', reason: '异议核查期间' };
      await expect(activities.markRecordDisputed(step)).resolves.toMatchObject({
        status: 'disputed',
        changed: true,
      });
      await expect(activities.suspendRecordMeasures(step)).resolves.toEqual({
        appliedMeasureIds: expect.arrayContaining(measureIds),
      });
      expect(await statuses(measureIds)).toEqual(['suspended', 'suspended']);
      // A retried attempt after a committed one answers what that one did (the workflow keeps the
      // ids to reinstate them later): idempotent, not an empty list.
      await expect(activities.suspendRecordMeasures(step)).resolves.toEqual({
        appliedMeasureIds: expect.arrayContaining(measureIds),
      });
      await activities.resolveRecordDispute({ ...step, reason: '经核实信息无误' });
      // A measure suspended for another reason stays suspended when this objection ends.
      await registry.measures.act(measureIds[1], 'reinstate', { actor: 'cw', reason: '复核' });
      await registry.measures.act(measureIds[1], 'suspend', {
        actor: 'cw',
        reason: '另案中止',
        caseRef: 'other-case',
      });
      await activities.reinstateRecordMeasures({ ...step, reason: '异议不成立' });
      expect(await statuses(measureIds)).toEqual(['active', 'suspended']);
      expect((await dataSource.getRepository(CreditRecord).findOneByOrFail({ id: recordId })).status).toBe(
        'active',
      );
    });

    it('revokes a wrong record, lifts its measures and tells the platform', async () => {
      const { recordId, measureIds } = await listedWithMeasure('叶民罚〔2026〕11号');
      const step = {
        recordId,
        caseRef: 'objection-11',
        actor: 'objection-workflow',
        reason: '认定错误，予以撤销',
      };
      await activities.markRecordDisputed(step);
      await expect(activities.revokeRecord(step)).resolves.toMatchObject({
        status: 'revoked',
        changed: true,
      });
      await expect(activities.revokeRecord(step)).resolves.toMatchObject({
        status: 'revoked',
        changed: false,
      });
      await activities.liftRecordMeasures(step);
      expect(await statuses(measureIds)).toEqual(['lifted', 'lifted']);
      const outbox = await dataSource.getRepository(PlatformOutbox).findBy({ aggregateId: recordId });
      expect(outbox.map((o) => o.eventType)).toEqual(['record.revoked']);
    });

    it('corrects fields given as the provider reply carries them', async () => {
      const { record } = await register('叶民罚〔2026〕12号');
      await expect(
        activities.correctRecord({
          recordId: record.id,
          caseRef: 'objection-12',
          actor: 'objection-workflow',
          reason: '信息记载错误',
          changes: { title: '未按规定报送年度工作报告（更正）' },
        }),
      ).resolves.toMatchObject({ status: 'corrected', version: 2, changed: true });
    });

    it('turns rule violations into non-retryable failures carrying the error code', async () => {
      const { record } = await register('叶民罚〔2026〕13号');
      const step = { recordId: record.id, caseRef: 'objection-13', actor: 'wf', reason: '修复' };
      await activities.revokeRecord(step);
      const failure = await activities
        .repairRecord({ ...step, caseRef: 'repair-1' })
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: 'RECORD_TRANSITION_NOT_ALLOWED', nonRetryable: true });
      const missing = await activities
        .markRecordDisputed({ ...step, recordId: '5b6c7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d0e' })
        .catch((e: unknown) => e);
      expect(missing).toMatchObject({ type: 'RECORD_NOT_FOUND', nonRetryable: true });
    });

    it('expires records past their maximum publicity period in the daily sweep, once', async () => {
      const { record } = await registry.records.register({
        subjectCode: org,
        kind: 'administrative-penalty',
        department: '叶县民政局',
        documentNo: '叶民罚〔2020〕1号',
        decisionDate: '2020-01-02',
        title: '旧处罚',
        content: '警告',
        publicityStart: '2020-01-05',
        publicityMaxEnd: '2021-01-05',
        actor: 'p',
      });
      const first = await activities.expireDueRecords();
      expect(first.expired).toContain(record.id);
      expect((await activities.expireDueRecords()).expired).not.toContain(record.id);
      const outbox = await dataSource.getRepository(PlatformOutbox).findBy({ aggregateId: record.id });
      expect(outbox.map((o) => o.eventType)).toEqual(['record.expired']);
    });

    it('deletes records past their retention end in the daily purge, removing their content', async () => {
      const { record } = await registry.records.register({
        subjectCode: person,
        kind: 'administrative-penalty',
        department: '叶县民政局',
        documentNo: '叶民罚〔2019〕7号',
        decisionDate: '2019-05-06',
        conductEndedOn: '2019-04-01',
        title: '个人旧处罚',
        content: '罚款 200 元',
        publicityStart: '2019-05-10',
        publicityMaxEnd: '2020-05-10',
        retentionEnd: '2024-04-01',
        actor: 'p',
      });
      await activities.expireDueRecords();
      const { deleted } = await activities.deleteRecordsPastRetention();
      expect(deleted).toContain(record.id);
      const row = await dataSource.getRepository(CreditRecord).findOneByOrFail({ id: record.id });
      expect(row).toMatchObject({ status: 'deleted', content: '（已按保存期限删除）' });
      expect((await activities.deleteRecordsPastRetention()).deleted).toEqual([]);
      const outbox = await dataSource
        .getRepository(PlatformOutbox)
        .find({ where: { aggregateId: record.id }, order: { id: 'ASC' } });
      expect(outbox.map((o) => o.eventType)).toEqual(['record.expired', 'record.deleted']);
    });
  });
});
