import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { CreditRecord, ListEntry } from '../../infra/database/entities/registry';
import {
  HEAVIER_PUNISHMENT_BLACKLIST_DOMAINS,
  LIST_EXIT_CAUSE_NAMES_ZH,
  LIST_TYPE_NAMES_ZH,
  ListType,
} from '../../workflows/registry/types';
import { isCalendarDate } from '../../workflows/registry/dates';
import { Clock, systemClock, today } from './clock';
import { currentEntries } from './current-entries';
import { ListExitService, listEntryNotFound } from './list-exits';
import { RegistryError } from './registry-error';
import { SubjectService } from './subjects';

export interface AddListEntryInput {
  subjectCode: string;
  listType: ListType;
  domain: string;
  listName: string;
  department: string;
  basis: string;
  documentNo?: string | null;
  recordId?: string | null;
  effectiveFrom: string;
  expiresOn?: string | null;
  actor: string;
}

export interface ListStanding {
  /** Entries in force today (effective, not expired, not exited). */
  current: ListEntry[];
  /** Distinct domains of the blacklists the subject is on today. */
  blacklistDomains: string[];
  /** On blacklists of two or more domains: heavier punishment (新郑). */
  heavierPunishment: boolean;
}

/** Red lists, blacklists and 重点关注 lists: entries with effective and expiry dates, and exits. */
export class ListService {
  private readonly subjects: SubjectService;
  private readonly exits: ListExitService;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock = systemClock,
  ) {
    this.subjects = new SubjectService(dataSource);
    this.exits = new ListExitService(dataSource, clock);
  }

  /**
   * Puts a subject on a list. An entry with a decision document (认定文书) is in force once per
   * subject, list type, department and document number: the same request again (a retry, a
   * double submission) answers the entry in force (`created: false`); the same document with
   * other content is refused (409 LIST_ENTRY_DOCUMENT_TAKEN) while that entry is in force. Once it
   * has exited, the document may list the subject again (a new entry).
   */
  async addEntry(input: AddListEntryInput): Promise<{ entry: ListEntry; created: boolean }> {
    if (!isCalendarDate(input.effectiveFrom) || (input.expiresOn && !isCalendarDate(input.expiresOn))) {
      throw new RegistryError(
        'bad-input',
        'LIST_DATES_INVALID',
        '生效日期和到期日期必须是 YYYY-MM-DD 日期。',
      );
    }
    if (input.expiresOn && input.expiresOn <= input.effectiveFrom) {
      throw new RegistryError('bad-input', 'LIST_DATES_INVALID', '名单到期日期必须晚于生效日期。');
    }
    return this.dataSource.transaction(async (m) => {
      const subject = await this.subjects.findByCode(input.subjectCode, m);
      if (input.recordId) {
        const record = await m.getRepository(CreditRecord).findOneBy({ id: input.recordId });
        if (!record) {
          throw new RegistryError('not-found', 'RECORD_NOT_FOUND', `未找到信用记录“${input.recordId}”。`, {
            recordId: input.recordId,
          });
        }
        if (record.subjectId !== subject.id) {
          throw new RegistryError(
            'bad-input',
            'LIST_RECORD_MISMATCH',
            '列入名单所依据的信用记录不属于该信用主体。',
            {
              recordId: input.recordId,
            },
          );
        }
      }
      const documentNo = input.documentNo?.trim() || null;
      if (documentNo) {
        await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
          `list-entry:${subject.id}:${input.listType}:${input.department}:${documentNo}`,
        ]);
        const earlier = await m.getRepository(ListEntry).findOneBy({
          subjectId: subject.id,
          listType: input.listType,
          department: input.department,
          documentNo,
          exitedOn: IsNull(),
        });
        if (earlier) {
          const same =
            earlier.domain === input.domain.trim() &&
            earlier.listName === input.listName.trim() &&
            earlier.basis === input.basis &&
            (earlier.recordId ?? null) === (input.recordId ?? null) &&
            earlier.effectiveFrom === input.effectiveFrom &&
            (earlier.expiresOn ?? null) === (input.expiresOn ?? null);
          if (same) return { entry: earlier, created: false };
          throw new RegistryError(
            'conflict',
            'LIST_ENTRY_DOCUMENT_TAKEN',
            `该主体已依据${documentNo}列入${LIST_TYPE_NAMES_ZH[input.listType]}（${earlier.listName}，` +
              `${earlier.effectiveFrom}起），内容与本次提交不一致；如需变更，请先办理该条目的退出，再重新列入。`,
            { entryId: earlier.id },
          );
        }
      }
      const entry = m.getRepository(ListEntry).create({
        subjectId: subject.id,
        listType: input.listType,
        domain: input.domain.trim(),
        listName: input.listName.trim(),
        department: input.department,
        basis: input.basis,
        documentNo,
        recordId: input.recordId ?? null,
        effectiveFrom: input.effectiveFrom,
        expiresOn: input.expiresOn ?? null,
        exitedOn: null,
        exitReason: null,
        exitCause: null,
        exitedAt: null,
        restoredFrom: null,
        restoreCaseRef: null,
        restoreReason: null,
        registeredBy: input.actor,
      });
      return { entry: await m.getRepository(ListEntry).save(entry), created: true };
    });
  }

  async get(id: string): Promise<ListEntry> {
    const entry = /^[0-9a-f-]{36}$/i.test(id)
      ? await this.dataSource.getRepository(ListEntry).findOneBy({ id })
      : null;
    if (!entry) throw listEntryNotFound(id);
    return entry;
  }

  /**
   * Takes the subject off the list (名单退出) as of today, by hand (cause 'manual'): the measures
   * resting on the entry are lifted, the platform and the executing departments told, in one
   * transaction (see ListExitService). An entry that has ended already is refused.
   */
  async exitEntry(
    id: string,
    input: { actor: string; reason: string; caseRef?: string; onlyDepartment?: string },
  ): Promise<ListEntry> {
    if (!input.reason?.trim())
      throw new RegistryError('bad-input', 'REASON_REQUIRED', '名单退出必须说明理由。');
    return this.dataSource.transaction(async (m) => {
      const entry = /^[0-9a-f-]{36}$/i.test(id)
        ? await m.getRepository(ListEntry).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } })
        : null;
      if (!entry) throw listEntryNotFound(id);
      if (input.onlyDepartment !== undefined && entry.department !== input.onlyDepartment) {
        throw new RegistryError(
          'forbidden',
          'LIST_ENTRY_OTHER_DEPARTMENT',
          `该名单条目由${entry.department}认定，只有认定部门可以办理退出。`,
        );
      }
      if (entry.exitedOn) {
        throw new RegistryError(
          'conflict',
          'LIST_ENTRY_ALREADY_EXITED',
          `该主体已于${entry.exitedOn}退出${LIST_TYPE_NAMES_ZH[entry.listType]}` +
            `（${LIST_EXIT_CAUSE_NAMES_ZH[entry.exitCause ?? 'manual']}）。`,
          { exitedOn: entry.exitedOn, exitCause: entry.exitCause },
        );
      }
      await this.exits.exit(m, entry.id, {
        cause: 'manual',
        reason: input.reason,
        actor: input.actor,
        caseRef: input.caseRef,
      });
      return m.getRepository(ListEntry).findOneByOrFail({ id: entry.id });
    });
  }

  async entriesOf(subjectId: string): Promise<ListEntry[]> {
    return this.dataSource
      .getRepository(ListEntry)
      .find({ where: { subjectId }, order: { effectiveFrom: 'DESC', createdAt: 'DESC' } });
  }

  /** The subject's list standing today, with the double-blacklist flag. */
  async standing(subjectId: string, manager?: EntityManager): Promise<ListStanding> {
    const current = await currentEntries(manager ?? this.dataSource.manager, subjectId, today(this.clock));
    const blacklistDomains = [
      ...new Set(current.filter((e) => e.listType === 'black').map((e) => e.domain)),
    ].sort();
    return {
      current,
      blacklistDomains,
      heavierPunishment: blacklistDomains.length >= HEAVIER_PUNISHMENT_BLACKLIST_DOMAINS,
    };
  }
}
