import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { CreditRecord, CreditRecordEvent, CreditSubject } from '../../infra/database/entities/registry';
import { isCalendarDate } from '../../workflows/registry/dates';
import {
  nextRecordState,
  PUBLICLY_VISIBLE_STATUSES,
  RECORD_ACTION_NAMES_ZH,
  RECORD_TRANSITIONS,
  RecordAction,
} from '../../workflows/registry/record-lifecycle';
import {
  CORRECTABLE_DATE_FIELDS,
  CORRECTABLE_FIELDS,
  CorrectableField,
  DISHONESTY_RECORD_KINDS,
  ListExitCause,
  RecordCorrection,
  RECORD_STATUS_NAMES_ZH,
  RecordKind,
  RecordStatus,
} from '../../workflows/registry/types';
import { enqueuePlatformChange } from '../platform/outbox';
import { Clock, systemClock, today } from './clock';
import { ListExitService } from './list-exits';
import { RegistryError } from './registry-error';
import { SubjectService } from './subjects';

export { CORRECTABLE_FIELDS };
export type { CorrectableField, RecordCorrection };

const REQUIRED_FIELDS: readonly CorrectableField[] = ['title', 'content', 'decisionDate'];
const DATE_FIELDS = CORRECTABLE_DATE_FIELDS;

export interface RegisterRecordInput {
  subjectCode: string;
  kind: RecordKind;
  department: string;
  documentNo: string;
  decisionDate: string;
  conductEndedOn?: string | null;
  severityTier?: string | null;
  title: string;
  content: string;
  publicityStart?: string | null;
  publicityMinEnd?: string | null;
  publicityMaxEnd?: string | null;
  retentionEnd?: string | null;
  actor: string;
  /**
   * Push the new record to the shared credit platform (`record.registered`), in the same
   * transaction: a procedure's record (a commitment breach) must reach the platform with it.
   */
  push?: boolean;
}

export interface RecordTransitionInput {
  actor: string;
  /** Why (shown in the record's history and, for platform changes, sent to the platform). */
  reason: string;
  /** The case this change belongs to (objection, repair …): also makes retries idempotent. */
  caseRef?: string;
  /** Required for `correct`. */
  changes?: RecordCorrection;
  /** Refuse unless the record belongs to this department (providers act on their own records). */
  onlyDepartment?: string;
}

export interface RecordWithSubject {
  record: CreditRecord;
  subject: CreditSubject;
}

export interface RecordListQuery {
  subjectCode?: string;
  department?: string;
  status?: RecordStatus;
  kind?: RecordKind;
  limit?: number;
}

/** What the public view shows of a record (公示): no internal fields, disputed ones flagged. */
export interface PublicRecord {
  id: string;
  kind: RecordKind;
  department: string;
  documentNo: string;
  decisionDate: string;
  title: string;
  content: string;
  publicityStart: string;
  publicityMaxEnd: string | null;
  disputed: boolean;
  corrected: boolean;
}

/** The lifecycle actions that end the list entries resting on the record, and how. */
const ENTRY_EXIT_ON: Partial<Record<RecordAction, { cause: ListExitCause; done: string }>> = {
  revoke: { cause: 'record-revoked', done: '已撤销' },
  repair: { cause: 'repaired', done: '已信用修复' },
  delete: { cause: 'record-deleted', done: '已删除' },
};

/**
 * Credit records (信用记录): idempotent registration per (department, document number), the
 * lifecycle with one event per transition, and platform outbox writes in the same transaction.
 * List entries end with the record they rest on (revoked, repaired, deleted), and a dishonesty record
 * takes its subject off the red lists, in the same transaction (ListExitService).
 * Framework-free: the API and Temporal activities use the same methods.
 */
export class RecordService {
  private readonly subjects: SubjectService;
  private readonly listExits: ListExitService;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock = systemClock,
  ) {
    this.subjects = new SubjectService(dataSource);
    this.listExits = new ListExitService(dataSource, clock);
  }

  /**
   * Registers a record. The same department and document number again returns the first record
   * (created: false) if the submission is the same as the original one, else 409.
   */
  async register(input: RegisterRecordInput): Promise<{ record: CreditRecord; created: boolean }> {
    const department = input.department.trim();
    const documentNo = input.documentNo.trim();
    if (!department) {
      throw new RegistryError('bad-input', 'RECORD_DEPARTMENT_REQUIRED', '必须注明信息提供单位。');
    }
    const fields: Record<CorrectableField, string | null> = {
      title: input.title,
      content: input.content,
      severityTier: input.severityTier ?? null,
      decisionDate: input.decisionDate,
      conductEndedOn: input.conductEndedOn ?? null,
      publicityStart: input.publicityStart ?? null,
      publicityMinEnd: input.publicityMinEnd ?? null,
      publicityMaxEnd: input.publicityMaxEnd ?? null,
      retentionEnd: input.retentionEnd ?? null,
    };
    validateRecordFields(fields);
    const original = { subjectCode: '', kind: input.kind, ...fields };

    return this.dataSource.transaction(async (m) => {
      const subject = await this.subjects.findByCode(input.subjectCode, m);
      original.subjectCode = subject.code;
      const inserted = await m
        .createQueryBuilder()
        .insert()
        .into(CreditRecord)
        .values({
          subjectId: subject.id,
          kind: input.kind,
          department,
          documentNo,
          ...(fields as Omit<typeof fields, 'title' | 'content' | 'decisionDate'> & {
            title: string;
            content: string;
            decisionDate: string;
          }),
          status: 'active',
          resumeStatuses: [],
          version: 1,
          registeredBy: input.actor,
        })
        .orIgnore()
        .returning('id')
        .execute();
      const record = await m.getRepository(CreditRecord).findOneByOrFail({ department, documentNo });
      if (inserted.raw.length === 0) {
        const first = await m
          .getRepository(CreditRecordEvent)
          .findOneByOrFail({ recordId: record.id, action: 'register' });
        const stored = first.detail.fingerprints as Record<string, string>;
        const fingerprints = fingerprint(original);
        const differing = Object.keys(fingerprints).filter((k) => stored[k] !== fingerprints[k]);
        if (differing.length > 0) {
          throw new RegistryError(
            'conflict',
            'RECORD_DOCUMENT_CONFLICT',
            `${department}已用文书号“${documentNo}”登记过另一条内容不同的信用记录；` +
              '如原记录有误，请走更正程序，不要重复登记。',
            { existingRecordId: record.id, differingFields: differing },
          );
        }
        return { record, created: false };
      }
      await this.appendEvent(m, record, {
        action: 'register',
        fromStatus: null,
        toStatus: 'active',
        actor: input.actor,
        reason: '登记信用记录',
        caseRef: null,
        // Fingerprints, not the content: the history is append-only and must not keep personal
        // data past the record's deletion; they suffice to recognise a repeated submission.
        detail: { fingerprints: fingerprint(original) },
      });
      if (input.push) {
        await enqueuePlatformChange(m, {
          eventType: 'record.registered',
          aggregateId: record.id,
          payload: {
            recordId: record.id,
            department: record.department,
            documentNo: record.documentNo,
            subjectCode: subject.code,
            subjectName: subject.name,
            kind: record.kind,
            status: record.status,
            decisionDate: record.decisionDate,
            severityTier: record.severityTier,
            title: record.title,
            content: record.content,
            publicityStart: record.publicityStart,
            publicityMinEnd: record.publicityMinEnd,
            publicityMaxEnd: record.publicityMaxEnd,
            at: record.createdAt.toISOString(),
          },
        });
      }
      if (DISHONESTY_RECORD_KINDS.includes(record.kind)) {
        await this.listExits.exitRedListsOnDishonesty(m, record, input.actor);
      }
      return { record, created: true };
    });
  }

  async get(id: string): Promise<RecordWithSubject> {
    const record = await this.findRecord(this.dataSource.manager, id);
    const subject = await this.dataSource
      .getRepository(CreditSubject)
      .findOneByOrFail({ id: record.subjectId });
    return { record, subject };
  }

  async list(query: RecordListQuery): Promise<RecordWithSubject[]> {
    const qb = this.dataSource
      .getRepository(CreditRecord)
      .createQueryBuilder('r')
      .orderBy('r.decision_date', 'DESC')
      .addOrderBy('r.created_at', 'DESC')
      .take(query.limit ?? 100);
    if (query.subjectCode) {
      const subject = await this.subjects.findByCode(query.subjectCode);
      qb.andWhere('r.subject_id = :subjectId', { subjectId: subject.id });
    }
    if (query.department) qb.andWhere('r.department = :department', { department: query.department });
    if (query.status) qb.andWhere('r.status = :status', { status: query.status });
    if (query.kind) qb.andWhere('r.kind = :kind', { kind: query.kind });
    const records = await qb.getMany();
    const subjects = records.length
      ? await this.dataSource
          .getRepository(CreditSubject)
          .createQueryBuilder('s')
          .whereInIds([...new Set(records.map((r) => r.subjectId))])
          .getMany()
      : [];
    const byId = new Map(subjects.map((s) => [s.id, s]));
    return records.map((record) => ({ record, subject: byId.get(record.subjectId)! }));
  }

  /** Departments that hold a record on the subject (decides who sees its full identifier). */
  async departmentsHolding(subjectId: string): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(CreditRecord)
      .createQueryBuilder('r')
      .select('DISTINCT r.department', 'department')
      .where('r.subject_id = :subjectId', { subjectId })
      .getRawMany<{ department: string }>();
    return rows.map((r) => r.department);
  }

  async events(recordId: string): Promise<CreditRecordEvent[]> {
    await this.findRecord(this.dataSource.manager, recordId);
    return this.dataSource
      .getRepository(CreditRecordEvent)
      .find({ where: { recordId }, order: { seq: 'ASC' } });
  }

  /**
   * Applies one lifecycle action (see RECORD_TRANSITIONS) under a row lock, appends the event,
   * and writes the platform outbox for changes the platform must learn. Repeating the last action
   * with the same caseRef changes nothing (activity retries are safe).
   */
  async transition(
    recordId: string,
    action: RecordAction,
    input: RecordTransitionInput,
  ): Promise<{ record: CreditRecord; changed: boolean }> {
    if (!input.reason?.trim()) {
      throw new RegistryError(
        'bad-input',
        'REASON_REQUIRED',
        `${RECORD_ACTION_NAMES_ZH[action]}必须说明理由。`,
      );
    }
    if (action !== 'correct' && input.changes !== undefined) {
      throw new RegistryError(
        'bad-input',
        'RECORD_CHANGES_ONLY_FOR_CORRECT',
        `只有“更正”可以修改记录内容；${RECORD_ACTION_NAMES_ZH[action]}不能附带修改内容。`,
      );
    }
    return this.dataSource.transaction(async (m) => {
      const record = await this.findRecord(m, recordId, true);
      if (input.onlyDepartment !== undefined && record.department !== input.onlyDepartment) {
        throw new RegistryError(
          'forbidden',
          'RECORD_OTHER_DEPARTMENT',
          `该信用记录由${record.department}提供，只有提供单位可以${RECORD_ACTION_NAMES_ZH[action]}（谁认定、谁负责）。`,
          { department: record.department },
        );
      }
      if (input.caseRef) {
        const last = await m
          .getRepository(CreditRecordEvent)
          .findOne({ where: { recordId }, order: { seq: 'DESC' } });
        if (last && last.action === action && last.caseRef === input.caseRef)
          return { record, changed: false };
      }
      const outcome = nextRecordState(record.status, record.resumeStatuses, action);
      if (!outcome.allowed) {
        throw new RegistryError(
          'invalid-transition',
          'RECORD_TRANSITION_NOT_ALLOWED',
          `信用记录当前状态为“${RECORD_STATUS_NAMES_ZH[record.status]}”，不能${RECORD_ACTION_NAMES_ZH[action]}；` +
            `只有“${outcome.allowedFrom.map((s) => RECORD_STATUS_NAMES_ZH[s]).join('、')}”状态的记录可以。`,
          { status: record.status, action, allowedFrom: outcome.allowedFrom },
        );
      }

      const detail: Record<string, unknown> = {};
      if (action === 'correct') {
        const changes = input.changes ?? {};
        const unknown = Object.keys(changes).filter(
          (k) => !(CORRECTABLE_FIELDS as readonly string[]).includes(k),
        );
        if (unknown.length > 0) {
          throw new RegistryError(
            'bad-input',
            'RECORD_CORRECTION_FIELD_UNKNOWN',
            `不能更正这些字段：${unknown.join('、')}。`,
            {
              fields: unknown,
            },
          );
        }
        const notText = Object.keys(changes).filter((k) => {
          const v: unknown = changes[k as CorrectableField];
          return v !== null && typeof v !== 'string';
        });
        if (notText.length > 0) {
          throw new RegistryError(
            'bad-input',
            'RECORD_FIELDS_INVALID',
            `更正内容必须是文本或 null：${notText.join('、')}。`,
            { fields: notText.map((field) => ({ field, message: `${field}：必须是文本或 null` })) },
          );
        }
        const changed = (Object.keys(changes) as CorrectableField[]).filter((k) => changes[k] !== record[k]);
        if (changed.length === 0) {
          throw new RegistryError('bad-input', 'RECORD_CORRECTION_EMPTY', '更正必须至少改变一项记录内容。');
        }
        const after = Object.fromEntries(
          CORRECTABLE_FIELDS.map((k) => [k, k in changes ? changes[k] : record[k]]),
        );
        validateRecordFields(after as Record<CorrectableField, string | null>);
        detail.before = Object.fromEntries(changed.map((k) => [k, record[k]]));
        detail.after = Object.fromEntries(changed.map((k) => [k, changes[k]]));
        Object.assign(record, detail.after);
      }

      if (action === 'delete') {
        // Retention has ended (e.g. personal negative records 5 years after the conduct ended):
        // the content goes; department, document number and the history of what happened stay.
        record.title = DELETED_TEXT;
        record.content = DELETED_TEXT;
      }

      const fromStatus = record.status;
      record.status = outcome.to;
      record.resumeStatuses = outcome.resumeStack;
      record.version += 1;
      record.updatedAt = this.clock();
      await m.getRepository(CreditRecord).save(record);
      await this.appendEvent(m, record, {
        action,
        fromStatus,
        toStatus: outcome.to,
        actor: input.actor,
        reason: input.reason.trim(),
        caseRef: input.caseRef ?? null,
        detail,
      });
      if (outcome.platformEvent) {
        const subject = await m.getRepository(CreditSubject).findOneByOrFail({ id: record.subjectId });
        await enqueuePlatformChange(m, {
          eventType: outcome.platformEvent,
          aggregateId: record.id,
          payload: {
            recordId: record.id,
            department: record.department,
            documentNo: record.documentNo,
            subjectCode: subject.code,
            subjectName: subject.name,
            kind: record.kind,
            status: record.status,
            reason: input.reason.trim(),
            at: record.updatedAt.toISOString(),
            ...(action === 'correct' ? { changes: detail.after } : {}),
          },
        });
      }
      // No list entry stays in force on a revoked, repaired or deleted record (名单退出).
      const endsEntries = ENTRY_EXIT_ON[action];
      if (endsEntries) {
        await this.listExits.exitResting(m, record.id, {
          cause: endsEntries.cause,
          reason: `所依据的信用记录（${record.documentNo}）${endsEntries.done}：${input.reason.trim()}`,
          actor: input.actor,
          caseRef: input.caseRef,
        });
      }
      return { record, changed: true };
    });
  }

  /**
   * Stops publicity of every record whose maximum publicity period has ended (the system's daily
   * sweep). Returns the ids expired.
   */
  async expireDue(actor = 'system'): Promise<string[]> {
    const due = await this.dataSource
      .getRepository(CreditRecord)
      .createQueryBuilder('r')
      .select('r.id', 'id')
      .where('r.publicity_max_end < :today', { today: today(this.clock) })
      .andWhere('r.status IN (:...statuses)', { statuses: RECORD_TRANSITIONS.expire.from })
      .getRawMany<{ id: string }>();
    const expired: string[] = [];
    for (const { id } of due) {
      await this.transition(id, 'expire', { actor, reason: '已达最长公示期限，自动停止公示' });
      expired.push(id);
    }
    return expired;
  }

  /**
   * Deletes every record whose retention period has ended (personal negative records: 5 years
   * after the conduct ended, 征信业管理条例 Art 16) — the system's daily purge. Returns the ids.
   */
  async deletePastRetention(actor = 'system'): Promise<string[]> {
    const due = await this.dataSource
      .getRepository(CreditRecord)
      .createQueryBuilder('r')
      .select('r.id', 'id')
      .where('r.retention_end < :today', { today: today(this.clock) })
      .andWhere('r.status IN (:...statuses)', { statuses: RECORD_TRANSITIONS.delete.from })
      .getRawMany<{ id: string }>();
    for (const { id } of due) {
      await this.transition(id, 'delete', { actor, reason: '已超过保存期限，依规删除' });
    }
    return due.map((d) => d.id);
  }

  /** The public view (信用公示): published, not hidden, within the publicity period; disputed flagged. */
  async publicRecords(rawCode: string): Promise<{ subject: CreditSubject; records: PublicRecord[] }> {
    const subject = await this.subjects.findByCode(rawCode);
    const day = today(this.clock);
    const rows = await this.dataSource
      .getRepository(CreditRecord)
      .createQueryBuilder('r')
      .where('r.subject_id = :id', { id: subject.id })
      .andWhere('r.status IN (:...statuses)', { statuses: PUBLICLY_VISIBLE_STATUSES })
      .andWhere('r.publicity_start IS NOT NULL AND r.publicity_start <= :day', { day })
      .andWhere('(r.publicity_max_end IS NULL OR r.publicity_max_end >= :day)', { day })
      .orderBy('r.decision_date', 'DESC')
      .getMany();
    return {
      subject,
      records: rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        department: r.department,
        documentNo: r.documentNo,
        decisionDate: r.decisionDate,
        title: r.title,
        content: r.content,
        publicityStart: r.publicityStart!,
        publicityMaxEnd: r.publicityMaxEnd,
        disputed: r.status === 'disputed',
        corrected: r.status === 'corrected' || r.resumeStatuses.includes('corrected'),
      })),
    };
  }

  private async findRecord(m: EntityManager, id: string, lock = false): Promise<CreditRecord> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw recordNotFound(id);
    const record = await m
      .getRepository(CreditRecord)
      .findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!record) throw recordNotFound(id);
    return record;
  }

  private async appendEvent(
    m: EntityManager,
    record: CreditRecord,
    event: Omit<CreditRecordEvent, 'id' | 'recordId' | 'seq' | 'at'>,
  ): Promise<void> {
    const [{ next }] = await m.query(
      `SELECT coalesce(max(seq), 0) + 1 AS next FROM credit_record_event WHERE record_id = $1`,
      [record.id],
    );
    const events = m.getRepository(CreditRecordEvent);
    await events.save(events.create({ ...event, recordId: record.id, seq: Number(next), at: this.clock() }));
  }
}

const DELETED_TEXT = '（已按保存期限删除）';

/** SHA-256 of each submitted field, so a repeated registration can be compared field by field. */
function fingerprint(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, createHash('sha256').update(JSON.stringify(v)).digest('hex')]),
  );
}

export function recordNotFound(id: string): RegistryError {
  return new RegistryError('not-found', 'RECORD_NOT_FOUND', `未找到信用记录“${id}”。`, { recordId: id });
}

/** Required fields present, dates real, publicity period ordered. */
function validateRecordFields(f: Record<CorrectableField, string | null>): void {
  const fields: { field: string; message: string }[] = [];
  for (const k of REQUIRED_FIELDS) if (!f[k]?.trim()) fields.push({ field: k, message: `${k}：不能为空` });
  for (const k of DATE_FIELDS) {
    const v = f[k];
    if (v !== null && v !== undefined && !isCalendarDate(v))
      fields.push({ field: k, message: `${k}：必须是 YYYY-MM-DD 日期` });
  }
  if (fields.length === 0) {
    const { publicityStart: start, publicityMinEnd: min, publicityMaxEnd: max, retentionEnd: retention } = f;
    if (start && f.decisionDate && start < f.decisionDate) {
      fields.push({ field: 'publicityStart', message: '公示起始日期早于决定日期' });
    }
    if ((min || max) && !start) {
      fields.push({ field: 'publicityStart', message: '填写公示截止日期时必须填写公示起始日期' });
    }
    if (start && min && min < start)
      fields.push({ field: 'publicityMinEnd', message: '最短公示截止日期早于公示起始日期' });
    if (start && max && max < start)
      fields.push({ field: 'publicityMaxEnd', message: '最长公示截止日期早于公示起始日期' });
    if (min && max && max < min)
      fields.push({ field: 'publicityMaxEnd', message: '最长公示截止日期早于最短公示截止日期' });
    if (retention && max && retention < max) {
      fields.push({ field: 'retentionEnd', message: '保存截止日期早于最长公示截止日期' });
    }
  }
  if (fields.length > 0) {
    throw new RegistryError(
      'bad-input',
      'RECORD_FIELDS_INVALID',
      `信用记录内容有误：${fields.map((x) => x.message).join('；')}。`,
      { fields },
    );
  }
}
