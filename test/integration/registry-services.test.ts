import type { DataSource } from 'typeorm';
import { createRegistry, Registry, RegistryError } from '../../activities/registry';
import { openDatabase } from '../../infra/database/data-source';
import { CreditRecordEvent, PlatformOutbox } from '../../infra/database/entities/registry';
import { residentIdCheckCharacter, usccCheckCharacter } from '../../workflows/registry/identifiers';
import { createTestDatabase } from '../support/database';

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
const residentId = (first17: string) => first17 + residentIdCheckCharacter(first17);

describe('registry services (as the procedures call them)', () => {
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

  it('raises RegistryError with a kind the activity layer can map', async () => {
    const err = await registry.records.get('00000000-0000-0000-0000-000000000000').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect(err).toMatchObject({ kind: 'not-found', code: 'RECORD_NOT_FOUND' });
  });
});
