import { Brackets, DataSource, EntityManager, In } from 'typeorm';
import { Notification } from '../../infra/database/entities/notification.entity';
import {
  AppliedMeasure,
  CreditRecord,
  CreditSubject,
  ListEntry,
  ListExit,
  Measure,
} from '../../infra/database/entities/registry';
import { supervisorOf } from '../../workflows/case/notices';
import { maskResidentId } from '../../workflows/registry/identifiers';
import {
  LIST_EXIT_CAUSE_NAMES_ZH,
  LIST_TYPE_NAMES_ZH,
  ListExitCause,
  RECORD_KIND_NAMES_ZH,
  RECORD_STATUS_NAMES_ZH,
  RecordStatus,
} from '../../workflows/registry/types';
import type { NotifyInput } from '../notifications/notifications';
import { enqueuePlatformChange } from '../platform/outbox';
import { Clock, systemClock, today } from './clock';
import { MeasureService } from './measures';
import { RegistryError } from './registry-error';

/** Kinds of the notifications list exits and restorations write (delivered by registryMaintenance). */
export const LIST_NOTICE_KINDS = {
  exited: 'registry.list.exited',
  restored: 'registry.list.restored',
  measuresReapplied: 'registry.measure.reapplied',
} as const;

export interface ListExitSpec {
  cause: ListExitCause;
  /** Why, in Chinese: kept on the entry, sent to the platform and told to the departments. */
  reason: string;
  actor: string;
  caseRef?: string | null;
  /** The first day the entry is no longer in force; default today (an expired one: its expiry date). */
  exitedOn?: string;
  /** red-list-dishonesty: the record whose registration ends the entry. */
  triggerRecordId?: string | null;
}

export interface RestoreInput {
  actor: string;
  reason: string;
  caseRef?: string;
}

/** What could not be brought back, and why (in Chinese, for the case file). */
export interface Skipped {
  id: string;
  reason: string;
}

export interface ListExitQuery {
  /** Exits from this day (exited_on, YYYY-MM-DD). */
  since?: string;
  cause?: ListExitCause;
  /** The identifying department of the entry, or a department told of the exit. */
  department?: string;
  limit?: number;
}

export interface ListExitWithEntry {
  exit: ListExit;
  entry: ListEntry;
  subject: CreditSubject;
}

/** Record statuses on which no list entry may rest in force (the entry exits with them). */
const RECORD_ENDS_ENTRIES: Partial<Record<RecordStatus, ListExitCause>> = {
  revoked: 'record-revoked',
  repaired: 'repaired',
  deleted: 'record-deleted',
};
/** A restored entry or measure would rest on a record in one of these: refused. */
const RECORD_NOT_IN_FORCE: readonly RecordStatus[] = ['revoked', 'repaired', 'deleted'];

/**
 * List exit (名单退出, docs/list-exit.md): the one place an entry ends. Each exit, in the
 * transaction that causes it, records the entry's end and its exit event, lifts the measures
 * resting on the entry, writes the platform outbox row (`list.exited`) and a notification to
 * every department that was executing one of those measures. An entry ends once: a system
 * cause meeting an ended entry changes nothing. Also the way back for a revoked repair: the
 * entry is listed again as a new entry from that day, and its measures are applied again.
 */
export class ListExitService {
  private readonly measures: MeasureService;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock = systemClock,
  ) {
    this.measures = new MeasureService(dataSource, clock);
  }

  /** Ends one entry in the caller's transaction. Null (nothing written) when it had ended already. */
  async exit(m: EntityManager, entryId: string, spec: ListExitSpec): Promise<ListExit | null> {
    const entry = await m
      .getRepository(ListEntry)
      .findOne({ where: { id: entryId }, lock: { mode: 'pessimistic_write' } });
    if (!entry) throw listEntryNotFound(entryId);
    if (entry.exitedOn) return null;
    const reason = spec.reason.trim();
    const now = this.clock();
    const exitedOn = spec.exitedOn ?? today(this.clock);
    Object.assign(entry, { exitedOn, exitReason: reason, exitCause: spec.cause, exitedAt: now });
    await m
      .getRepository(ListEntry)
      .update({ id: entry.id }, { exitedOn, exitReason: reason, exitCause: spec.cause, exitedAt: now });

    const lifted = await this.measures.liftForListEntry(m, entry.id, {
      actor: spec.actor,
      reason: `名单退出：${reason}`,
      caseRef: spec.caseRef ?? undefined,
    });
    const byDepartment = await this.measuresByDepartment(m, lifted);
    const exit = await m.getRepository(ListExit).save(
      m.getRepository(ListExit).create({
        entryId: entry.id,
        subjectId: entry.subjectId,
        exitedOn,
        at: now,
        cause: spec.cause,
        reason,
        actor: spec.actor,
        caseRef: spec.caseRef ?? null,
        triggerRecordId: spec.triggerRecordId ?? null,
        liftedMeasureIds: lifted.map((a) => a.id),
        notifiedDepartments: [...byDepartment.keys()],
      }),
    );

    const subject = await m.getRepository(CreditSubject).findOneByOrFail({ id: entry.subjectId });
    await enqueuePlatformChange(m, {
      eventType: 'list.exited',
      aggregateId: entry.id,
      payload: {
        ...entryPayload(entry, subject),
        exitedOn,
        cause: spec.cause,
        reason,
        caseRef: exit.caseRef,
        triggerRecordId: exit.triggerRecordId,
        liftedMeasureIds: exit.liftedMeasureIds,
        at: now.toISOString(),
      },
    });
    const listName = `${LIST_TYPE_NAMES_ZH[entry.listType]}（${entry.domain}·${entry.listName}）`;
    for (const [department, names] of byDepartment) {
      await writeNotice(m, {
        dedupeKey: `list-exit:${entry.id}:${department}`,
        channel: 'internal',
        recipient: supervisorOf(department),
        caseId: exit.caseRef ?? undefined,
        kind: LIST_NOTICE_KINDS.exited,
        title: `【名单退出】${subject.name}已退出${LIST_TYPE_NAMES_ZH[entry.listType]}`,
        body:
          `${subjectLabel(subject)}已于${exitedOn}退出${listName}，认定部门：${entry.department}；` +
          `退出原因：${LIST_EXIT_CAUSE_NAMES_ZH[spec.cause]}，${sentence(reason)}` +
          `贵单位依据该名单实施的措施已同时解除：${names.join('、')}（共 ${names.length} 项），请停止执行。`,
      });
    }
    return exit;
  }

  /** Ends, in the caller's transaction, every entry resting on the record that is still running. */
  async exitResting(m: EntityManager, recordId: string, spec: ListExitSpec): Promise<ListExit[]> {
    const ids = await this.running(m)
      .andWhere('e.record_id = :recordId', { recordId })
      .getRawMany<{ id: string }>();
    return this.exitAll(m, ids, spec);
  }

  /**
   * A newly registered dishonesty record takes its subject off every red list it is on (or is
   * yet to be on), in the registration's transaction.
   */
  async exitRedListsOnDishonesty(m: EntityManager, record: CreditRecord, actor: string): Promise<ListExit[]> {
    const ids = await this.running(m)
      .andWhere('e.subject_id = :subjectId', { subjectId: record.subjectId })
      .andWhere(`e.list_type = 'red'`)
      .getRawMany<{ id: string }>();
    return this.exitAll(m, ids, {
      cause: 'red-list-dishonesty',
      reason:
        `${record.department}登记${RECORD_KIND_NAMES_ZH[record.kind]}信用记录（${record.documentNo}），` +
        '依规退出红名单',
      actor,
      triggerRecordId: record.id,
    });
  }

  /**
   * The daily sweep: entries whose validity ended exit as expired (on their expiry date), and
   * entries still resting on a revoked, repaired or deleted record (those that ended before the exit
   * hooks existed) exit with that cause. One transaction per entry. Returns the entry ids.
   */
  async exitDue(actor = 'system'): Promise<string[]> {
    const day = today(this.clock);
    const exited: string[] = [];
    const expired = await this.dataSource
      .getRepository(ListEntry)
      .createQueryBuilder('e')
      .select('e.id', 'id')
      .addSelect('e.expires_on', 'expiresOn')
      .where('e.exited_on IS NULL AND e.expires_on <= :day', { day })
      .orderBy('e.expires_on')
      .addOrderBy('e.id')
      .getRawMany<{ id: string; expiresOn: string }>();
    for (const { id, expiresOn } of expired) {
      const exit = await this.dataSource.transaction((m) =>
        this.exit(m, id, {
          cause: 'expired',
          reason: `名单有效期已于${expiresOn}届满，自动退出`,
          actor,
          exitedOn: expiresOn,
        }),
      );
      if (exit) exited.push(id);
    }
    const statuses = Object.keys(RECORD_ENDS_ENTRIES) as RecordStatus[];
    const resting = await this.running(this.dataSource.manager)
      .innerJoin(CreditRecord, 'r', 'r.id = e.record_id')
      .addSelect('r.status', 'status')
      .addSelect('r.document_no', 'documentNo')
      .andWhere('r.status IN (:...statuses)', { statuses })
      .getRawMany<{ id: string; status: RecordStatus; documentNo: string }>();
    for (const { id, status, documentNo } of resting) {
      const exit = await this.dataSource.transaction((m) =>
        this.exit(m, id, {
          cause: RECORD_ENDS_ENTRIES[status]!,
          reason: `所依据的信用记录（${documentNo}）${RECORD_STATUS_NAMES_ZH[status]}，自动退出`,
          actor,
        }),
      );
      if (exit) exited.push(id);
    }
    return exited;
  }

  /**
   * The record was repaired (by this case): every entry resting on it still running exits
   * (cause repaired). Answers the entries exited for this case — also those its repair
   * transition exited — oldest first, so a retry answers the same. Refused unless repaired.
   */
  async exitRepaired(recordId: string, input: RestoreInput & { caseRef: string }): Promise<string[]> {
    requireReason(input.reason, '因信用修复退出名单');
    return this.dataSource.transaction(async (m) => {
      const record = await lockRecord(m, recordId);
      if (record.status !== 'repaired') {
        throw new RegistryError(
          'invalid-transition',
          'RECORD_NOT_REPAIRED',
          `信用记录当前状态为“${RECORD_STATUS_NAMES_ZH[record.status]}”，尚未完成信用修复，不能因修复退出名单。`,
          { status: record.status },
        );
      }
      await this.exitResting(m, record.id, {
        cause: 'repaired',
        reason: `所依据的信用记录（${record.documentNo}）已信用修复：${input.reason.trim()}`,
        actor: input.actor,
        caseRef: input.caseRef,
      });
      const exits = await m
        .getRepository(ListExit)
        .createQueryBuilder('x')
        .innerJoin(ListEntry, 'e', 'e.id = x.entry_id')
        .where('e.record_id = :recordId', { recordId })
        .andWhere(`x.cause = 'repaired' AND x.case_ref = :caseRef`, { caseRef: input.caseRef })
        .orderBy('x.id')
        .getMany();
      return exits.map((x) => x.entryId);
    });
  }

  /**
   * Brings back exited entries resting on the record after its repair was revoked: each one
   * exited because of the repair is listed again as a new entry from today, until its original
   * expiry (the exit stays in the history as it happened). Once per entry: a retry, or a second
   * call, answers the entry restored before. Entries that exited for another cause, or whose
   * validity has ended meanwhile, are skipped with the reason.
   */
  async restore(
    recordId: string,
    entryIds: string[],
    input: RestoreInput,
  ): Promise<{ entryIds: string[]; skipped: Skipped[] }> {
    requireReason(input.reason, '恢复名单');
    return this.dataSource.transaction(async (m) => {
      await this.recordInForce(m, recordId, '恢复名单条目');
      const restored: string[] = [];
      const skipped: Skipped[] = [];
      for (const id of [...new Set(entryIds)]) {
        const outcome = await this.restoreOne(m, recordId, id, input);
        if ('entry' in outcome) restored.push(outcome.entry.id);
        else skipped.push({ id, reason: outcome.skipped });
      }
      return { entryIds: restored, skipped };
    });
  }

  /**
   * Applies again the measures of the record that its repair lifted (the repair was revoked): a
   * new applied measure for each, resting on the entry in force (the restored one, restored here
   * if that has not been done yet); 落实到人 measures follow their organisation's new one. Once per
   * measure: a retry answers the measures applied before. Measures not lifted, or whose entry
   * cannot come back, are skipped with the reason. The executing departments are told.
   */
  async reapply(
    recordId: string,
    appliedMeasureIds: string[],
    input: RestoreInput,
  ): Promise<{ appliedMeasureIds: string[]; skipped: Skipped[] }> {
    requireReason(input.reason, '重新实施措施');
    return this.dataSource.transaction(async (m) => {
      const record = await this.recordInForce(m, recordId, '重新实施惩戒措施');
      const ids = [...new Set(appliedMeasureIds)];
      const rows = ids.length
        ? await m
            .getRepository(AppliedMeasure)
            .find({ where: { id: In(ids) }, lock: { mode: 'pessimistic_write' } })
        : [];
      const missing = ids.filter((id) => !rows.some((r) => r.id === id));
      if (missing.length > 0) {
        throw new RegistryError(
          'not-found',
          'APPLIED_MEASURE_NOT_FOUND',
          `未找到已实施的措施：${missing.join('、')}。`,
          { ids: missing },
        );
      }
      const foreign = rows.filter((r) => r.recordId !== recordId).map((r) => r.id);
      if (foreign.length > 0) {
        throw new RegistryError(
          'bad-input',
          'MEASURE_NOT_OF_RECORD',
          `这些措施并非依据信用记录（${record.documentNo}）实施，不能随撤销信用修复重新实施：${foreign.join('、')}。`,
          { ids: foreign },
        );
      }
      // Organisations' measures first, so the persons' ones (落实到人) can point at their new one.
      rows.sort((a, b) => Number(a.derivedFrom !== null) - Number(b.derivedFrom !== null));
      const renewed = new Map<string, AppliedMeasure>();
      const created: AppliedMeasure[] = [];
      const skipped: Skipped[] = [];
      for (const row of rows) {
        const before = await m.getRepository(AppliedMeasure).findOneBy({ reappliedFrom: row.id });
        if (before) {
          renewed.set(row.id, before);
          continue;
        }
        if (row.status !== 'lifted') {
          skipped.push({ id: row.id, reason: '该措施未被解除，仍在执行，无需重新实施' });
          continue;
        }
        const entry = await this.entryInForceFor(m, recordId, row.listEntryId, input);
        if ('skipped' in entry) {
          skipped.push({ id: row.id, reason: entry.skipped });
          continue;
        }
        const inForce = await m.getRepository(AppliedMeasure).findOneBy({
          measureId: row.measureId,
          subjectId: row.subjectId,
          listEntryId: entry.id,
          status: In(['active', 'suspended']),
        });
        if (inForce) {
          renewed.set(row.id, inForce);
          continue;
        }
        const parent = row.derivedFrom
          ? (renewed.get(row.derivedFrom) ??
            (await m.getRepository(AppliedMeasure).findOneBy({ reappliedFrom: row.derivedFrom })))
          : null;
        const fresh = await this.measures.reapplyWithin(
          m,
          row,
          { listEntryId: entry.id, derivedFrom: parent?.id ?? null },
          input,
        );
        renewed.set(row.id, fresh);
        created.push(fresh);
      }
      await this.tellReapplied(m, record, created, input);
      const answer = ids.flatMap((id) => {
        const fresh = renewed.get(id);
        return fresh ? [fresh.id] : [];
      });
      return { appliedMeasureIds: [...new Set(answer)], skipped };
    });
  }

  /** Exits with their entries and subjects, newest first. */
  async list(query: ListExitQuery): Promise<ListExitWithEntry[]> {
    const qb = this.dataSource
      .getRepository(ListExit)
      .createQueryBuilder('x')
      .orderBy('x.at', 'DESC')
      .addOrderBy('x.id', 'DESC')
      .take(query.limit ?? 100);
    if (query.since) qb.andWhere('x.exited_on >= :since', { since: query.since });
    if (query.cause) qb.andWhere('x.cause = :cause', { cause: query.cause });
    if (query.department) {
      qb.andWhere(
        `(:department = ANY(x.notified_departments)
          OR EXISTS (SELECT 1 FROM credit_list_entry d WHERE d.id = x.entry_id AND d.department = :department))`,
        { department: query.department },
      );
    }
    return this.withEntries(await qb.getMany());
  }

  /** Exits of entries resting on the record, and red-list exits its registration caused; oldest first. */
  async ofRecord(recordId: string): Promise<ListExitWithEntry[]> {
    const exits = await this.dataSource
      .getRepository(ListExit)
      .createQueryBuilder('x')
      .where(
        new Brackets((b) =>
          b
            .where('x.trigger_record_id = :recordId')
            .orWhere(
              'EXISTS (SELECT 1 FROM credit_list_entry d WHERE d.id = x.entry_id AND d.record_id = :recordId)',
            ),
        ),
        { recordId },
      )
      .orderBy('x.id')
      .getMany();
    return this.withEntries(exits);
  }

  /** Notifications of exits and restorations not delivered yet, oldest first (for the notify activity). */
  async pendingNotices(limit = 100): Promise<NotifyInput[]> {
    const rows = await this.dataSource.getRepository(Notification).find({
      where: { status: 'pending', kind: In(Object.values(LIST_NOTICE_KINDS)) },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: limit,
    });
    return rows.map((n) => ({
      dedupeKey: n.dedupeKey,
      channel: n.channel,
      recipient: n.recipient,
      ...(n.caseId ? { caseId: n.caseId } : {}),
      kind: n.kind,
      title: n.title,
      body: n.body,
    }));
  }

  private async exitAll(m: EntityManager, ids: { id: string }[], spec: ListExitSpec): Promise<ListExit[]> {
    const exits: ListExit[] = [];
    for (const { id } of ids) {
      const exit = await this.exit(m, id, spec);
      if (exit) exits.push(exit);
    }
    return exits;
  }

  /** Ids of entries not exited whose validity has not ended (an ended one is the sweep's: expired). */
  private running(m: EntityManager) {
    return m
      .getRepository(ListEntry)
      .createQueryBuilder('e')
      .select('e.id', 'id')
      .where('e.exited_on IS NULL')
      .andWhere(
        new Brackets((b) =>
          b.where('e.expires_on IS NULL').orWhere('e.expires_on > :day', { day: today(this.clock) }),
        ),
      )
      .orderBy('e.created_at')
      .addOrderBy('e.id');
  }

  private async restoreOne(
    m: EntityManager,
    recordId: string,
    id: string,
    input: RestoreInput,
  ): Promise<{ entry: ListEntry } | { skipped: string }> {
    const old = /^[0-9a-f-]{36}$/i.test(id)
      ? await m.getRepository(ListEntry).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!old) throw listEntryNotFound(id);
    if (old.recordId !== recordId) {
      throw new RegistryError(
        'bad-input',
        'LIST_ENTRY_NOT_OF_RECORD',
        '该名单条目并非依据本条信用记录列入，不能随撤销信用修复恢复。',
        { id, recordId: old.recordId },
      );
    }
    const before = await m.getRepository(ListEntry).findOneBy({ restoredFrom: old.id });
    if (before) return { entry: before };
    if (!old.exitedOn) return { skipped: '该名单条目未退出，无需恢复' };
    if (old.exitCause !== 'repaired') {
      return {
        skipped: `该名单条目因“${LIST_EXIT_CAUSE_NAMES_ZH[old.exitCause!]}”退出，不因撤销信用修复而恢复`,
      };
    }
    const day = today(this.clock);
    if (old.expiresOn && old.expiresOn <= day) {
      return { skipped: `该名单条目的有效期已于${old.expiresOn}届满，不再恢复` };
    }
    const repo = m.getRepository(ListEntry);
    const entry = await repo.save(
      repo.create({
        subjectId: old.subjectId,
        listType: old.listType,
        domain: old.domain,
        listName: old.listName,
        department: old.department,
        basis: old.basis,
        documentNo: old.documentNo,
        recordId: old.recordId,
        effectiveFrom: old.effectiveFrom > day ? old.effectiveFrom : day,
        expiresOn: old.expiresOn,
        exitedOn: null,
        exitReason: null,
        exitCause: null,
        exitedAt: null,
        restoredFrom: old.id,
        restoreCaseRef: input.caseRef ?? null,
        restoreReason: input.reason.trim(),
        registeredBy: input.actor,
      }),
    );
    const subject = await m.getRepository(CreditSubject).findOneByOrFail({ id: entry.subjectId });
    await enqueuePlatformChange(m, {
      eventType: 'list.restored',
      aggregateId: entry.id,
      payload: {
        ...entryPayload(entry, subject),
        restoredFrom: old.id,
        reason: input.reason.trim(),
        caseRef: input.caseRef ?? null,
        at: this.clock().toISOString(),
      },
    });
    const exit = await m.getRepository(ListExit).findOneByOrFail({ entryId: old.id });
    for (const department of exit.notifiedDepartments) {
      await writeNotice(m, {
        dedupeKey: `list-restore:${entry.id}:${department}`,
        channel: 'internal',
        recipient: supervisorOf(department),
        caseId: input.caseRef,
        kind: LIST_NOTICE_KINDS.restored,
        title: `【撤销信用修复】${subject.name}重新列入${LIST_TYPE_NAMES_ZH[entry.listType]}`,
        body:
          `${subjectLabel(subject)}的信用修复已撤销，自${entry.effectiveFrom}起重新列入` +
          `${LIST_TYPE_NAMES_ZH[entry.listType]}（${entry.domain}·${entry.listName}，认定部门：${entry.department}）` +
          `${entry.expiresOn ? `，有效期至${entry.expiresOn}` : ''}；${sentence(input.reason.trim())}` +
          '贵单位原依据该名单实施的措施如需重新实施，将另行通知。',
      });
    }
    return { entry };
  }

  /** The entry a reapplied measure rests on: the old one if still in force, else its restoration. */
  private async entryInForceFor(
    m: EntityManager,
    recordId: string,
    entryId: string,
    input: RestoreInput,
  ): Promise<ListEntry | { skipped: string }> {
    const entry = await m.getRepository(ListEntry).findOneByOrFail({ id: entryId });
    const day = today(this.clock);
    if (!entry.exitedOn && (!entry.expiresOn || entry.expiresOn > day)) return entry;
    const restored = await this.restoreOne(m, recordId, entryId, input);
    if ('skipped' in restored) return { skipped: `所依据的名单条目不能恢复：${restored.skipped}` };
    if (restored.entry.exitedOn) {
      return { skipped: `所依据的名单条目恢复后已于${restored.entry.exitedOn}再次退出` };
    }
    return restored.entry;
  }

  private async tellReapplied(
    m: EntityManager,
    record: CreditRecord,
    created: AppliedMeasure[],
    input: RestoreInput,
  ): Promise<void> {
    if (created.length === 0) return;
    const subject = await m.getRepository(CreditSubject).findOneByOrFail({ id: record.subjectId });
    for (const [department, names] of await this.measuresByDepartment(m, created)) {
      const first = created
        .filter((a) => a.executingDepartment === department)
        .map((a) => a.id)
        .sort()[0];
      await writeNotice(m, {
        dedupeKey: `measure-reapplied:${first}`,
        channel: 'internal',
        recipient: supervisorOf(department),
        caseId: input.caseRef,
        kind: LIST_NOTICE_KINDS.measuresReapplied,
        title: `【撤销信用修复】对${subject.name}重新实施措施`,
        body:
          `${subjectLabel(subject)}的信用修复已撤销（信用记录${record.documentNo}），` +
          `贵单位原实施、因修复解除的措施自即日起重新实施：${names.join('、')}（共 ${names.length} 项）；` +
          sentence(input.reason.trim()),
      });
    }
  }

  /** Executing department → names of the measures (one per applied measure), in first-seen order. */
  private async measuresByDepartment(
    m: EntityManager,
    applied: AppliedMeasure[],
  ): Promise<Map<string, string[]>> {
    const measures = applied.length
      ? await m.getRepository(Measure).findBy({ id: In([...new Set(applied.map((a) => a.measureId))]) })
      : [];
    const names = new Map(measures.map((x) => [x.id, x.name]));
    const byDepartment = new Map<string, string[]>();
    for (const a of applied) {
      const list = byDepartment.get(a.executingDepartment) ?? [];
      list.push(names.get(a.measureId) ?? a.measureId);
      byDepartment.set(a.executingDepartment, list);
    }
    return byDepartment;
  }

  private async recordInForce(m: EntityManager, recordId: string, what: string): Promise<CreditRecord> {
    const record = await lockRecord(m, recordId);
    if (RECORD_NOT_IN_FORCE.includes(record.status)) {
      throw new RegistryError(
        'invalid-transition',
        'RECORD_NOT_IN_FORCE',
        `信用记录当前状态为“${RECORD_STATUS_NAMES_ZH[record.status]}”，不能${what}；` +
          '撤销信用修复后（记录恢复为正常或已更正）方可办理。',
        { status: record.status },
      );
    }
    return record;
  }

  private async withEntries(exits: ListExit[]): Promise<ListExitWithEntry[]> {
    if (exits.length === 0) return [];
    const entries = await this.dataSource
      .getRepository(ListEntry)
      .findBy({ id: In([...new Set(exits.map((x) => x.entryId))]) });
    const subjects = await this.dataSource
      .getRepository(CreditSubject)
      .findBy({ id: In([...new Set(exits.map((x) => x.subjectId))]) });
    const entryById = new Map(entries.map((e) => [e.id, e]));
    const subjectById = new Map(subjects.map((s) => [s.id, s]));
    return exits.map((exit) => ({
      exit,
      entry: entryById.get(exit.entryId)!,
      subject: subjectById.get(exit.subjectId)!,
    }));
  }
}

export function listEntryNotFound(id: string): RegistryError {
  return new RegistryError('not-found', 'LIST_ENTRY_NOT_FOUND', `未找到名单条目“${id}”。`, { id });
}

async function lockRecord(m: EntityManager, recordId: string): Promise<CreditRecord> {
  const record = /^[0-9a-f-]{36}$/i.test(recordId)
    ? await m
        .getRepository(CreditRecord)
        .findOne({ where: { id: recordId }, lock: { mode: 'pessimistic_write' } })
    : null;
  if (!record) {
    throw new RegistryError('not-found', 'RECORD_NOT_FOUND', `未找到信用记录“${recordId}”。`, { recordId });
  }
  return record;
}

function requireReason(reason: string | undefined, what: string): void {
  if (!reason?.trim()) throw new RegistryError('bad-input', 'REASON_REQUIRED', `${what}必须说明理由。`);
}

/** Writes a notification in the caller's transaction; the same key twice is one notification. */
async function writeNotice(m: EntityManager, n: NotifyInput): Promise<void> {
  await m
    .getRepository(Notification)
    .createQueryBuilder()
    .insert()
    .values({
      dedupeKey: n.dedupeKey,
      channel: n.channel,
      recipient: n.recipient,
      caseId: n.caseId ?? null,
      kind: n.kind,
      title: n.title,
      body: n.body,
    })
    .orIgnore()
    .execute();
}

function entryPayload(entry: ListEntry, subject: CreditSubject): Record<string, unknown> {
  return {
    entryId: entry.id,
    subjectCode: subject.code,
    subjectName: subject.name,
    listType: entry.listType,
    domain: entry.domain,
    listName: entry.listName,
    department: entry.department,
    documentNo: entry.documentNo,
    recordId: entry.recordId,
    effectiveFrom: entry.effectiveFrom,
    expiresOn: entry.expiresOn,
  };
}

/** The subject as staff notices name it: natural persons' ID numbers masked. */
function subjectLabel(subject: CreditSubject): string {
  const code = subject.idType === 'resident-id' ? maskResidentId(subject.code) : subject.code;
  return `${subject.name}（${code}）`;
}

/** A reason as a sentence of a notice: ends with a full stop. */
function sentence(text: string): string {
  return /[。！？；]$/.test(text) ? text : `${text}。`;
}
