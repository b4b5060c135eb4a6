import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import type { NotificationAdapter, OutgoingNotification } from '../../activities/notifications/adapters';
import { createNotificationActivities } from '../../activities/notifications/notifications';
import { createRegistry, Registry, RegistryError } from '../../activities/registry';
import { LIST_NOTICE_KINDS } from '../../activities/registry/list-exits';
import { createRegistryActivities } from '../../activities/registry/registry-activities';
import { openDatabase } from '../../infra/database/data-source';
import { Notification } from '../../infra/database/entities';
import {
  AppliedMeasure,
  AppliedMeasureEvent,
  CreditRecord,
  ListEntry,
  ListExit,
  PlatformOutbox,
} from '../../infra/database/entities/registry';
import type { ListType, RecordKind } from '../../workflows/registry/types';
import { residentIdCheckCharacter, usccCheckCharacter } from '../../workflows/registry/identifiers';
import { createTestDatabase } from '../support/database';

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
const residentId = (first17: string) => first17 + residentIdCheckCharacter(first17);

/** Beijing local time → the instant (the registry's dates are Beijing dates). */
const beijing = (local: string) => new Date(`${local}+08:00`);

class RecordingAdapter implements NotificationAdapter {
  delivered: OutgoingNotification[] = [];
  async deliver(n: OutgoingNotification): Promise<void> {
    this.delivered.push(n);
  }
}

describe('list exit (名单退出): every end recorded once, pushed, lifted and told', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  let registry: Registry;
  let activities: ReturnType<typeof createRegistryActivities>;
  let now = beijing('2026-05-10T09:00:00');
  const clock = () => now;
  let seq = 0;

  const APPROVAL = '叶县民政局行政审批股';
  const PROCUREMENT = '叶县财政局政府采购股';

  beforeAll(async () => {
    db = await createTestDatabase('listexit');
    dataSource = await openDatabase(db.url);
    registry = createRegistry(dataSource, clock);
    activities = createRegistryActivities({ dataSource, clock });
    for (const [code, name, kind] of [
      ['CJ-1', '从严审核行政许可', 'punishment'],
      ['CJ-2', '限制参加政府采购', 'punishment'],
      ['JL-1', '行政审批绿色通道', 'reward'],
    ] as const) {
      await registry.measures.define({
        code,
        name,
        kind,
        legalBasis: '联合奖惩合作备忘录',
        applicableLists: kind === 'reward' ? ['red'] : ['black', 'watch'],
        publishedOn: '2025-12-01',
        actor: 'admin',
      });
    }
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });
  beforeEach(() => {
    now = beijing('2026-05-10T09:00:00');
  });

  /** A fresh organisation with a legal representative (measures reach persons: 落实到人). */
  async function organisation(): Promise<string> {
    seq++;
    const code = uscc(`52410422MJ${String(seq).padStart(7, '0')}`);
    await registry.subjects.register({
      kind: 'other-organisation',
      code,
      name: `叶县测试协会${seq}`,
      persons: [
        {
          role: 'legal-representative',
          code: residentId(`41042219800101${String(seq).padStart(3, '0')}`),
          name: `负责人${seq}`,
        },
      ],
      actor: 'cw',
    });
    return code;
  }

  const record = (
    subjectCode: string,
    kind: RecordKind = 'dishonesty-list-entry',
    documentNo = `叶民认定〔2026〕${++seq}号`,
  ) =>
    registry.records
      .register({
        subjectCode,
        kind,
        department: '叶县民政局',
        documentNo,
        decisionDate: '2026-01-05',
        title: '列入严重违法失信名单',
        content: '弄虚作假骗取补贴',
        publicityStart: '2026-01-06',
        publicityMaxEnd: '2029-01-06',
        actor: 'provider.1',
      })
      .then((r) => r.record);

  const entry = (
    subjectCode: string,
    options: { listType?: ListType; recordId?: string; expiresOn?: string; domain?: string } = {},
  ) =>
    registry.lists
      .addEntry({
        subjectCode,
        listType: options.listType ?? 'black',
        domain: options.domain ?? '民政',
        listName: options.listType === 'red' ? '社会组织守信红名单' : '社会组织严重违法失信名单',
        department: '叶县民政局',
        basis: '《社会组织信用信息管理办法》',
        recordId: options.recordId ?? null,
        effectiveFrom: '2026-01-06',
        expiresOn: options.expiresOn ?? null,
        actor: 'provider.1',
      })
      .then((r) => r.entry);

  const apply = (subjectCode: string, listEntryId: string, measureCode: string, department: string) =>
    registry.measures
      .apply({
        subjectCode,
        measureCode,
        matter: '年检',
        executingDepartment: department,
        listEntryId,
        extendToPersons: true,
        actor: 'cw',
      })
      .then(({ applied, derived }) => [applied.id, ...derived.map((d) => d.id)]);

  const statuses = async (ids: string[]) => {
    const rows = await dataSource.getRepository(AppliedMeasure).findBy(ids.map((id) => ({ id })));
    return ids.map((id) => rows.find((r) => r.id === id)?.status);
  };
  const entryNow = (id: string) => dataSource.getRepository(ListEntry).findOneByOrFail({ id });
  const outboxOf = (aggregateId: string) =>
    dataSource.getRepository(PlatformOutbox).find({ where: { aggregateId }, order: { id: 'ASC' } });
  const noticesOf = (entryId: string) =>
    dataSource
      .getRepository(Notification)
      .createQueryBuilder('n')
      .where('n.dedupe_key LIKE :key', { key: `list-exit:${entryId}:%` })
      .orderBy('n.recipient')
      .getMany();
  const exitsOf = (entryId: string) => dataSource.getRepository(ListExit).findBy({ entryId });

  describe('expiry, by the daily sweep on the entry’s validity end', () => {
    it('keeps the entry the day before, ends it on its date with its measures, the platform and the departments told', async () => {
      const subject = await organisation();
      const listed = await entry(subject, { expiresOn: '2026-06-01' });
      const approval = await apply(subject, listed.id, 'CJ-1', APPROVAL);
      const procurement = await apply(subject, listed.id, 'CJ-2', PROCUREMENT);

      now = beijing('2026-05-31T23:59:00');
      expect((await activities.exitListEntriesDue()).exited).not.toContain(listed.id);
      expect((await entryNow(listed.id)).exitedOn).toBeNull();

      now = beijing('2026-06-01T00:05:00');
      expect((await activities.exitListEntriesDue()).exited).toContain(listed.id);
      expect(await entryNow(listed.id)).toMatchObject({
        exitedOn: '2026-06-01',
        exitCause: 'expired',
        exitReason: '名单有效期已于2026-06-01届满，自动退出',
        exitedAt: now,
      });
      expect(await statuses([...approval, ...procurement])).toEqual(['lifted', 'lifted', 'lifted', 'lifted']);
      const [exit] = await exitsOf(listed.id);
      expect(exit).toMatchObject({
        cause: 'expired',
        actor: 'system',
        caseRef: null,
      });
      expect([...exit.notifiedDepartments].sort()).toEqual([APPROVAL, PROCUREMENT].sort());
      expect(exit.liftedMeasureIds.sort()).toEqual([...approval, ...procurement].sort());

      const outbox = await outboxOf(listed.id);
      expect(outbox).toHaveLength(1);
      expect(outbox[0]).toMatchObject({
        eventType: 'list.exited',
        status: 'pending',
        payload: {
          entryId: listed.id,
          subjectCode: subject,
          listType: 'black',
          exitedOn: '2026-06-01',
          cause: 'expired',
        },
      });
      const notices = await noticesOf(listed.id);
      expect(notices.map((n) => [n.recipient, n.kind, n.status]).sort()).toEqual(
        [
          [`supervisor@${APPROVAL}`, LIST_NOTICE_KINDS.exited, 'pending'],
          [`supervisor@${PROCUREMENT}`, LIST_NOTICE_KINDS.exited, 'pending'],
        ].sort(),
      );
      expect(notices.find((n) => n.recipient.endsWith(APPROVAL))?.body).toContain(
        '已于2026-06-01退出黑名单（民政·社会组织严重违法失信名单）',
      );
      expect(notices.find((n) => n.recipient.endsWith(APPROVAL))?.body).toContain(
        '从严审核行政许可、从严审核行政许可（共 2 项）',
      );

      // The next day's sweep finds nothing more to do.
      now = beijing('2026-06-02T00:05:00');
      expect((await activities.exitListEntriesDue()).exited).not.toContain(listed.id);
      expect(await outboxOf(listed.id)).toHaveLength(1);
      expect(await exitsOf(listed.id)).toHaveLength(1);
    });

    it('dates a late sweep’s exit on the validity end, not on the day the sweep ran', async () => {
      const subject = await organisation();
      const listed = await entry(subject, { expiresOn: '2026-04-01' });
      expect((await activities.exitListEntriesDue()).exited).toContain(listed.id);
      expect(await entryNow(listed.id)).toMatchObject({
        exitedOn: '2026-04-01',
        exitCause: 'expired',
        exitedAt: now,
      });
    });
  });

  describe('repair (信用修复) of the record the entry rests on', () => {
    it('exits every running entry on the record when it is repaired; the activity answers the same ids on retry', async () => {
      const subject = await organisation();
      const rec = await record(subject);
      const black = await entry(subject, { recordId: rec.id });
      const watch = await entry(subject, { recordId: rec.id, listType: 'watch', domain: '市场监管' });
      const unrelated = await entry(subject, { domain: '税务' });
      const measures = [
        ...(await apply(subject, black.id, 'CJ-1', APPROVAL)),
        ...(await apply(subject, watch.id, 'CJ-2', PROCUREMENT)),
      ];
      const step = {
        recordId: rec.id,
        caseRef: 'repair-1',
        actor: 'repair-workflow',
        reason: '已纠正失信行为并履行义务',
      };

      const notRepaired = await activities.exitRecordListEntries(step).catch((e: unknown) => e);
      expect(notRepaired).toBeInstanceOf(ApplicationFailure);
      expect(notRepaired).toMatchObject({ type: 'RECORD_NOT_REPAIRED', nonRetryable: true });
      expect((await entryNow(black.id)).exitedOn).toBeNull();

      await expect(activities.repairRecord(step)).resolves.toMatchObject({
        status: 'repaired',
        changed: true,
      });
      const first = await activities.exitRecordListEntries(step);
      expect(first.exitedEntryIds).toEqual([black.id, watch.id]);
      // A retried attempt after a committed one answers what that one did.
      await expect(activities.exitRecordListEntries(step)).resolves.toEqual(first);
      await expect(activities.repairRecord(step)).resolves.toMatchObject({ changed: false });

      for (const id of [black.id, watch.id]) {
        expect(await entryNow(id)).toMatchObject({ exitedOn: '2026-05-10', exitCause: 'repaired' });
        expect(await exitsOf(id)).toEqual([
          expect.objectContaining({ caseRef: 'repair-1', cause: 'repaired' }),
        ]);
        expect((await outboxOf(id)).map((o) => o.eventType)).toEqual(['list.exited']);
      }
      expect((await entryNow(unrelated.id)).exitedOn).toBeNull();
      expect(await statuses(measures)).toEqual(['lifted', 'lifted', 'lifted', 'lifted']);
      expect((await noticesOf(black.id)).map((n) => n.recipient)).toEqual([`supervisor@${APPROVAL}`]);
      expect((await noticesOf(watch.id)).map((n) => [n.recipient, n.caseId])).toEqual([
        [`supervisor@${PROCUREMENT}`, 'repair-1'],
      ]);
      // The repair's own lift step still learns which measures the repair lifted (its case made the lift).
      const lifted = await activities.liftRecordMeasures(step);
      expect(lifted.appliedMeasureIds.sort()).toEqual([...measures].sort());
      const recordOutbox = await outboxOf(rec.id);
      expect(recordOutbox.map((o) => o.eventType)).toEqual(['record.repaired']);
    });

    it('exits an entry placed on the record after its repair when the repair step runs', async () => {
      const subject = await organisation();
      const rec = await record(subject);
      const step = { recordId: rec.id, caseRef: 'repair-2', actor: 'repair-workflow', reason: '修复' };
      await activities.repairRecord(step);
      const late = await entry(subject, { recordId: rec.id });
      await expect(activities.exitRecordListEntries(step)).resolves.toEqual({ exitedEntryIds: [late.id] });
      expect(await entryNow(late.id)).toMatchObject({ exitCause: 'repaired' });
    });
  });

  describe('the record the entry rests on revoked (as the objection procedure does)', () => {
    it('exits the entry in the revocation’s transaction; the objection’s lift step still answers the measures', async () => {
      const subject = await organisation();
      const rec = await record(subject);
      const black = await entry(subject, { recordId: rec.id });
      const measures = await apply(subject, black.id, 'CJ-1', APPROVAL);
      const step = {
        recordId: rec.id,
        caseRef: 'objection-7',
        actor: 'objection-workflow',
        reason: '经核实认定错误',
      };
      await activities.markRecordDisputed(step);
      await activities.suspendRecordMeasures(step);
      await activities.revokeRecord(step);

      expect(await entryNow(black.id)).toMatchObject({ exitedOn: '2026-05-10', exitCause: 'record-revoked' });
      expect((await entryNow(black.id)).exitReason).toMatch(/^所依据的信用记录（.+）已撤销：经核实认定错误$/);
      expect(await statuses(measures)).toEqual(['lifted', 'lifted']);
      const lifts = await dataSource
        .getRepository(AppliedMeasureEvent)
        .findBy({ appliedMeasureId: measures[0], action: 'lift' });
      expect(lifts).toEqual([expect.objectContaining({ caseRef: 'objection-7', fromStatus: 'suspended' })]);
      const lifted = await activities.liftRecordMeasures(step);
      expect(lifted.appliedMeasureIds.sort()).toEqual([...measures].sort());
      // The record's change is pushed before the exit it caused.
      const outbox = await dataSource
        .getRepository(PlatformOutbox)
        .createQueryBuilder('o')
        .where('o.aggregate_id IN (:...ids)', { ids: [rec.id, black.id] })
        .orderBy('o.id')
        .getMany();
      expect(outbox.map((o) => o.eventType)).toEqual(['record.revoked', 'list.exited']);
      expect((await noticesOf(black.id)).map((n) => n.caseId)).toEqual(['objection-7']);
    });

    it('exits nothing more when the revocation is refused', async () => {
      const subject = await organisation();
      const rec = await record(subject);
      const black = await entry(subject, { recordId: rec.id });
      await registry.records.transition(rec.id, 'repair', { actor: 'p', reason: '修复' });
      await expect(
        registry.records.transition(rec.id, 'revoke', { actor: 'p', reason: '撤销' }),
      ).rejects.toMatchObject({
        code: 'RECORD_TRANSITION_NOT_ALLOWED',
      });
      expect(await exitsOf(black.id)).toEqual([expect.objectContaining({ cause: 'repaired' })]);
    });

    it('catches up, in the sweep, entries still resting on records revoked or repaired without them', async () => {
      const subject = await organisation();
      const revoked = await record(subject);
      await registry.records.transition(revoked.id, 'revoke', { actor: 'p', reason: '撤销' });
      // An entry placed afterwards on the revoked record (nothing in addEntry refuses it).
      const stale = await entry(subject, { recordId: revoked.id });
      expect((await activities.exitListEntriesDue()).exited).toContain(stale.id);
      expect(await entryNow(stale.id)).toMatchObject({ exitCause: 'record-revoked' });
      expect((await entryNow(stale.id)).exitReason).toContain('已撤销，自动退出');
    });
  });

  describe('红名单: a holder who gets a dishonesty record', () => {
    it('exits every red list of the subject when a penalty is registered, lifting the rewards', async () => {
      const subject = await organisation();
      const red = await entry(subject, { listType: 'red' });
      const black = await entry(subject);
      const rewards = await apply(subject, red.id, 'JL-1', APPROVAL);
      const licence = await record(subject, 'administrative-licence');
      expect((await entryNow(red.id)).exitedOn).toBeNull();

      const penalty = await record(subject, 'administrative-penalty', '叶民罚〔2026〕88号');
      expect(await entryNow(red.id)).toMatchObject({
        exitedOn: '2026-05-10',
        exitCause: 'red-list-dishonesty',
      });
      expect((await entryNow(red.id)).exitReason).toBe(
        '叶县民政局登记行政处罚信用记录（叶民罚〔2026〕88号），依规退出红名单',
      );
      expect((await entryNow(black.id)).exitedOn).toBeNull();
      expect(await statuses(rewards)).toEqual(['lifted', 'lifted']);
      expect(await exitsOf(red.id)).toEqual([
        expect.objectContaining({
          triggerRecordId: penalty.id,
          actor: 'provider.1',
          notifiedDepartments: [APPROVAL],
        }),
      ]);
      expect((await outboxOf(red.id)).map((o) => o.payload)).toEqual([
        expect.objectContaining({
          cause: 'red-list-dishonesty',
          triggerRecordId: penalty.id,
          listType: 'red',
        }),
      ]);
      expect(licence.kind).toBe('administrative-licence');

      // The same submission again registers nothing and exits nothing again.
      await registry.records.register({
        subjectCode: subject,
        kind: 'administrative-penalty',
        department: '叶县民政局',
        documentNo: '叶民罚〔2026〕88号',
        decisionDate: '2026-01-05',
        title: '列入严重违法失信名单',
        content: '弄虚作假骗取补贴',
        publicityStart: '2026-01-06',
        publicityMaxEnd: '2029-01-06',
        actor: 'provider.1',
      });
      expect(await exitsOf(red.id)).toHaveLength(1);
      expect(await outboxOf(red.id)).toHaveLength(1);
    });

    it('exits the red list on a commitment breach and a dishonesty listing too, not on a kept commitment', async () => {
      for (const kind of ['commitment-breach', 'dishonesty-list-entry'] as const) {
        const subject = await organisation();
        const red = await entry(subject, { listType: 'red' });
        await record(subject, 'commitment-kept');
        expect((await entryNow(red.id)).exitedOn).toBeNull();
        await record(subject, kind);
        expect(await entryNow(red.id)).toMatchObject({ exitCause: 'red-list-dishonesty' });
      }
    });
  });

  describe('never twice, never silently', () => {
    it('refuses a manual exit of an ended entry, and leaves it as the first exit made it', async () => {
      const subject = await organisation();
      const listed = await entry(subject, { expiresOn: '2026-05-01' });
      await activities.exitListEntriesDue();
      const err = await registry.lists
        .exitEntry(listed.id, { actor: 'sv', reason: '主动申请' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RegistryError);
      expect(err).toMatchObject({ code: 'LIST_ENTRY_ALREADY_EXITED', kind: 'conflict' });
      expect((err as Error).message).toBe('该主体已于2026-05-01退出黑名单（有效期届满）。');
      expect(await entryNow(listed.id)).toMatchObject({ exitCause: 'expired', exitedOn: '2026-05-01' });
    });

    it('changes nothing when a system cause meets an entry exited by hand', async () => {
      const subject = await organisation();
      const rec = await record(subject);
      const listed = await entry(subject, { recordId: rec.id, expiresOn: '2026-05-20' });
      const exited = await registry.lists.exitEntry(listed.id, {
        actor: 'sv',
        reason: '认定部门决定退出',
        caseRef: 'manual-1',
      });
      expect(exited).toMatchObject({ exitCause: 'manual', exitReason: '认定部门决定退出' });
      await registry.records.transition(rec.id, 'revoke', { actor: 'p', reason: '撤销' });
      now = beijing('2026-05-21T00:10:00');
      expect((await activities.exitListEntriesDue()).exited).not.toContain(listed.id);
      expect(await exitsOf(listed.id)).toEqual([
        expect.objectContaining({ cause: 'manual', caseRef: 'manual-1' }),
      ]);
      expect(await outboxOf(listed.id)).toHaveLength(1);
    });

    it('exits an entry once when a revocation and a manual exit meet it at the same moment', async () => {
      const subject = await organisation();
      const rec = await record(subject);
      const listed = await entry(subject, { recordId: rec.id });
      const measures = await apply(subject, listed.id, 'CJ-1', APPROVAL);
      const [revoked, manual] = await Promise.allSettled([
        registry.records.transition(rec.id, 'revoke', { actor: 'p', reason: '撤销' }),
        registry.lists.exitEntry(listed.id, { actor: 'sv', reason: '退出' }),
      ]);
      expect(revoked.status).toBe('fulfilled');
      if (manual.status === 'rejected')
        expect(manual.reason).toMatchObject({ code: 'LIST_ENTRY_ALREADY_EXITED' });
      expect(await exitsOf(listed.id)).toHaveLength(1);
      expect(await outboxOf(listed.id)).toHaveLength(1);
      expect(await noticesOf(listed.id)).toHaveLength(1);
      const lifts = await dataSource
        .getRepository(AppliedMeasureEvent)
        .findBy({ appliedMeasureId: measures[0], action: 'lift' });
      expect(lifts).toHaveLength(1);
    });

    it('keeps the exit history append-only: one exit per entry, never changed', async () => {
      const subject = await organisation();
      const listed = await entry(subject);
      await registry.lists.exitEntry(listed.id, { actor: 'sv', reason: '退出' });
      const [exit] = await exitsOf(listed.id);
      await expect(
        dataSource.query(`UPDATE credit_list_exit SET reason = 'x' WHERE id = $1`, [exit.id]),
      ).rejects.toThrow();
      await expect(
        dataSource.query(
          `INSERT INTO credit_list_exit (entry_id, subject_id, exited_on, at, cause, reason, actor)
           VALUES ($1, $2, '2026-05-10', now(), 'manual', 'again', 'x')`,
          [listed.id, listed.subjectId],
        ),
      ).rejects.toThrow(/duplicate key/);
    });

    it('hands the stored notifications to the channel once, and marks them sent', async () => {
      const subject = await organisation();
      const listed = await entry(subject);
      await apply(subject, listed.id, 'CJ-1', APPROVAL);
      await registry.lists.exitEntry(listed.id, { actor: 'sv', reason: '退出' });
      const internal = new RecordingAdapter();
      const { notify } = createNotificationActivities({
        dataSource,
        adapters: { internal },
        fallback: new RecordingAdapter(),
      });
      const pending = await activities.pendingListNotices();
      const ours = pending.filter((n) => n.dedupeKey.startsWith(`list-exit:${listed.id}:`));
      expect(ours).toEqual([
        expect.objectContaining({
          channel: 'internal',
          recipient: `supervisor@${APPROVAL}`,
          kind: LIST_NOTICE_KINDS.exited,
        }),
      ]);
      for (const n of pending) await notify(n);
      for (const n of pending) await notify(n);
      const [row] = await noticesOf(listed.id);
      expect(internal.delivered.filter((n) => n.id === row.id)).toHaveLength(1);
      expect(row.status).toBe('sent');
      expect(
        (await activities.pendingListNotices()).some((n) =>
          n.dedupeKey.startsWith(`list-exit:${listed.id}:`),
        ),
      ).toBe(false);
    });
  });

  describe('a revoked repair (撤销信用修复): the entries and measures come back', () => {
    async function repaired() {
      const subject = await organisation();
      const rec = await record(subject);
      const black = await entry(subject, { recordId: rec.id, expiresOn: '2027-01-06' });
      const short = await entry(subject, { recordId: rec.id, listType: 'watch', expiresOn: '2026-06-01' });
      const measures = await apply(subject, black.id, 'CJ-1', APPROVAL);
      const step = {
        recordId: rec.id,
        caseRef: 'repair-9',
        actor: 'repair-workflow',
        reason: '已纠正失信行为',
      };
      await activities.repairRecord(step);
      const { appliedMeasureIds } = await activities.liftRecordMeasures(step);
      const { exitedEntryIds } = await activities.exitRecordListEntries(step);
      return { subject, rec, black, short, measures, appliedMeasureIds, exitedEntryIds, step };
    }

    it('refuses to bring anything back while the record is still repaired', async () => {
      const { step, exitedEntryIds, appliedMeasureIds } = await repaired();
      const undo = { ...step, reason: '修复材料虚假' };
      await expect(
        activities.restoreListEntries({ ...undo, entryIds: exitedEntryIds }),
      ).rejects.toMatchObject({
        type: 'RECORD_NOT_IN_FORCE',
        nonRetryable: true,
      });
      await expect(activities.reapplyRecordMeasures({ ...undo, appliedMeasureIds })).rejects.toMatchObject({
        type: 'RECORD_NOT_IN_FORCE',
      });
    });

    it('returns the record, lists the entries again from today and applies the measures again, once under retry', async () => {
      const { rec, black, short, measures, appliedMeasureIds, exitedEntryIds, step } = await repaired();
      expect(exitedEntryIds).toEqual([black.id, short.id]);
      now = beijing('2026-07-01T10:00:00');
      const undo = { ...step, caseRef: 'repair-9', reason: '修复申请材料经查虚假，撤销信用修复' };

      await expect(activities.unrepairRecord(undo)).resolves.toMatchObject({
        status: 'active',
        changed: true,
      });
      await expect(activities.unrepairRecord(undo)).resolves.toMatchObject({
        status: 'active',
        changed: false,
      });
      expect((await outboxOf(rec.id)).map((o) => o.eventType)).toEqual([
        'record.repaired',
        'record.repair-revoked',
      ]);

      const restored = await activities.restoreListEntries({ ...undo, entryIds: exitedEntryIds });
      expect(restored.entryIds).toHaveLength(1);
      expect(restored.skipped).toEqual([
        { id: short.id, reason: '该名单条目的有效期已于2026-06-01届满，不再恢复' },
      ]);
      await expect(activities.restoreListEntries({ ...undo, entryIds: exitedEntryIds })).resolves.toEqual(
        restored,
      );
      const again = await entryNow(restored.entryIds[0]);
      expect(again).toMatchObject({
        restoredFrom: black.id,
        listType: 'black',
        recordId: rec.id,
        effectiveFrom: '2026-07-01',
        expiresOn: '2027-01-06',
        exitedOn: null,
        restoreCaseRef: 'repair-9',
      });
      // The exit stays in the history as it happened.
      expect(await entryNow(black.id)).toMatchObject({ exitCause: 'repaired', exitedOn: '2026-05-10' });
      expect((await outboxOf(again.id)).map((o) => [o.eventType, o.payload.restoredFrom])).toEqual([
        ['list.restored', black.id],
      ]);
      const standing = await registry.lists.standing(again.subjectId);
      expect(standing.current.map((e) => e.id)).toContain(again.id);

      expect(appliedMeasureIds.sort()).toEqual([...measures].sort());
      const reapplied = await activities.reapplyRecordMeasures({ ...undo, appliedMeasureIds });
      expect(reapplied.appliedMeasureIds).toHaveLength(2);
      expect(reapplied.skipped).toEqual([]);
      await expect(activities.reapplyRecordMeasures({ ...undo, appliedMeasureIds })).resolves.toEqual(
        reapplied,
      );
      const rows = await dataSource
        .getRepository(AppliedMeasure)
        .findBy(reapplied.appliedMeasureIds.map((id) => ({ id })));
      const organisationOne = rows.find((r) => r.derivedFrom === null)!;
      const personOne = rows.find((r) => r.derivedFrom !== null)!;
      expect(organisationOne).toMatchObject({
        status: 'active',
        listEntryId: again.id,
        executingDepartment: APPROVAL,
        reappliedFrom: measures[0],
      });
      expect(personOne).toMatchObject({
        status: 'active',
        derivedFrom: organisationOne.id,
        reappliedFrom: measures[1],
      });
      expect(await statuses(measures)).toEqual(['lifted', 'lifted']);

      const told = await dataSource
        .getRepository(Notification)
        .createQueryBuilder('n')
        .where('n.case_id = :caseRef', { caseRef: 'repair-9' })
        .andWhere('n.kind IN (:...kinds)', {
          kinds: [LIST_NOTICE_KINDS.restored, LIST_NOTICE_KINDS.measuresReapplied],
        })
        .orderBy('n.created_at')
        .getMany();
      expect(told.map((n) => [n.kind, n.recipient])).toEqual([
        [LIST_NOTICE_KINDS.restored, `supervisor@${APPROVAL}`],
        [LIST_NOTICE_KINDS.measuresReapplied, `supervisor@${APPROVAL}`],
      ]);
      expect(told[1].body).toContain('从严审核行政许可、从严审核行政许可（共 2 项）');

      // Repaired again later: the restored entry exits like any other.
      const second = { ...step, caseRef: 'repair-10' };
      await activities.repairRecord(second);
      await expect(activities.exitRecordListEntries(second)).resolves.toEqual({ exitedEntryIds: [again.id] });
      expect(await statuses(reapplied.appliedMeasureIds)).toEqual(['lifted', 'lifted']);
    });

    it('restores the entry when the measures are applied again first', async () => {
      const { black, appliedMeasureIds, step } = await repaired();
      const undo = { ...step, reason: '撤销信用修复' };
      await activities.unrepairRecord(undo);
      const reapplied = await activities.reapplyRecordMeasures({ ...undo, appliedMeasureIds });
      const restored = await activities.restoreListEntries({ ...undo, entryIds: [black.id] });
      expect(restored.entryIds).toHaveLength(1);
      const rows = await dataSource
        .getRepository(AppliedMeasure)
        .findBy(reapplied.appliedMeasureIds.map((id) => ({ id })));
      expect(rows.map((r) => r.listEntryId)).toEqual([restored.entryIds[0], restored.entryIds[0]]);
    });

    it('refuses entries and measures of another record, and brings back no entry that left for another cause', async () => {
      const { step } = await repaired();
      const other = await repaired();
      await activities.unrepairRecord({ ...step, reason: '撤销' });
      await expect(
        activities.restoreListEntries({ ...step, reason: '撤销', entryIds: other.exitedEntryIds }),
      ).rejects.toMatchObject({ type: 'LIST_ENTRY_NOT_OF_RECORD' });
      await expect(
        activities.reapplyRecordMeasures({
          ...step,
          reason: '撤销',
          appliedMeasureIds: other.appliedMeasureIds,
        }),
      ).rejects.toMatchObject({ type: 'MEASURE_NOT_OF_RECORD' });

      const subject = await organisation();
      const rec = await record(subject);
      const manual = await entry(subject, { recordId: rec.id });
      await registry.lists.exitEntry(manual.id, { actor: 'sv', reason: '退出' });
      await expect(
        activities.restoreListEntries({
          recordId: rec.id,
          caseRef: 'x',
          actor: 'a',
          reason: '恢复',
          entryIds: [manual.id],
        }),
      ).resolves.toEqual({
        entryIds: [],
        skipped: [
          {
            id: manual.id,
            reason: '该名单条目因“认定部门或信用主管部门办理退出”退出，不因撤销信用修复而恢复',
          },
        ],
      });
      expect((await dataSource.getRepository(CreditRecord).findOneByOrFail({ id: rec.id })).status).toBe(
        'active',
      );
    });
  });
});
