import { DataSource, EntityManager, In } from 'typeorm';
import { AppliedMeasure, AppliedMeasureEvent, Measure } from '../../infra/database/entities/registry';
import {
  APPLIED_MEASURE_STATUS_NAMES_ZH,
  AppliedMeasureStatus,
  LIST_TYPE_NAMES_ZH,
  ListType,
  MeasureKind,
} from '../../workflows/registry/types';
import { isCalendarDate } from '../../workflows/registry/dates';
import { Clock, systemClock, today } from './clock';
import { currentEntries } from './current-entries';
import { RegistryError } from './registry-error';
import { SubjectService } from './subjects';

export interface DefineMeasureInput {
  code: string;
  name: string;
  kind: MeasureKind;
  legalBasis: string;
  applicableLists: ListType[];
  /** Publish at once with this date; omit to keep the measure a draft. */
  publishedOn?: string | null;
  actor: string;
}

export interface ApplyMeasureInput {
  subjectCode: string;
  measureCode: string;
  /** The administrative matter in which it is applied. */
  matter: string;
  executingDepartment: string;
  /** The list entry it rests on; by default the subject's newest current entry of an applicable list. */
  listEntryId?: string;
  /** 落实到人: also apply it to the organisation's legal representative and responsible persons. */
  extendToPersons?: boolean;
  caseRef?: string;
  actor: string;
}

export type MeasureAction = 'suspend' | 'reinstate' | 'lift';

export interface MeasureActionInput {
  actor: string;
  reason: string;
  caseRef?: string;
  /** Refuse unless the measure is executed by this department. */
  onlyDepartment?: string;
}

const MEASURE_TRANSITIONS: Record<MeasureAction, { from: AppliedMeasureStatus[]; to: AppliedMeasureStatus }> =
  {
    suspend: { from: ['active'], to: 'suspended' },
    reinstate: { from: ['suspended'], to: 'active' },
    lift: { from: ['active', 'suspended'], to: 'lifted' },
  };

const MEASURE_ACTION_NAMES_ZH: Record<MeasureAction, string> = {
  suspend: '中止',
  reinstate: '恢复执行',
  lift: '解除',
};

/** Measures list (措施清单) and the measures applied to subjects, with their history and feedback. */
export class MeasureService {
  private readonly subjects: SubjectService;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock = systemClock,
  ) {
    this.subjects = new SubjectService(dataSource);
  }

  async define(input: DefineMeasureInput): Promise<Measure> {
    if (input.publishedOn) assertDate(input.publishedOn);
    const allowed: ListType[] = input.kind === 'reward' ? ['red'] : ['black', 'watch'];
    const wrong = input.applicableLists.filter((l) => !allowed.includes(l));
    if (wrong.length > 0 || input.applicableLists.length === 0) {
      throw new RegistryError(
        'bad-input',
        'MEASURE_LISTS_MISMATCH',
        `${input.kind === 'reward' ? '激励措施只适用于红名单' : '惩戒措施只适用于黑名单或重点关注名单'}，` +
          `请检查适用名单。`,
        { applicableLists: input.applicableLists },
      );
    }
    const code = input.code.trim();
    const inserted = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(Measure)
      .values({
        code,
        name: input.name.trim(),
        kind: input.kind,
        legalBasis: input.legalBasis.trim(),
        applicableLists: [...new Set(input.applicableLists)],
        publishedOn: input.publishedOn ?? null,
        createdBy: input.actor,
      })
      .orIgnore()
      .returning('id')
      .execute();
    if (inserted.raw.length === 0) {
      throw new RegistryError('conflict', 'MEASURE_CODE_TAKEN', `措施编码“${code}”已被使用。`, { code });
    }
    return this.get(code);
  }

  /** Publishes a draft measure (公布) as of the given date (default today). */
  async publish(code: string, input: { publishedOn?: string; actor: string }): Promise<Measure> {
    if (input.publishedOn) assertDate(input.publishedOn);
    return this.dataSource.transaction(async (m) => {
      const measure = await m
        .getRepository(Measure)
        .findOne({ where: { code }, lock: { mode: 'pessimistic_write' } });
      if (!measure) throw measureNotFound(code);
      if (measure.publishedOn) {
        throw new RegistryError(
          'conflict',
          'MEASURE_ALREADY_PUBLISHED',
          `措施“${measure.name}”已于${measure.publishedOn}公布。`,
        );
      }
      measure.publishedOn = input.publishedOn ?? today(this.clock);
      return m.getRepository(Measure).save(measure);
    });
  }

  async get(code: string): Promise<Measure> {
    const measure = await this.dataSource.getRepository(Measure).findOneBy({ code });
    if (!measure) throw measureNotFound(code);
    return measure;
  }

  async list(query: { kind?: MeasureKind; publishedOnly?: boolean } = {}): Promise<Measure[]> {
    const qb = this.dataSource.getRepository(Measure).createQueryBuilder('m').orderBy('m.code');
    if (query.kind) qb.andWhere('m.kind = :kind', { kind: query.kind });
    if (query.publishedOnly) qb.andWhere('m.published_on <= :day', { day: today(this.clock) });
    return qb.getMany();
  }

  /**
   * Applies a published measure to a subject on an applicable list. An unpublished measure is
   * never applied (宁晋 十二：未经公布的信用惩戒措施不得实施). Applying the same measure on the
   * same list entry again returns the one in force (created: false).
   */
  async apply(
    input: ApplyMeasureInput,
  ): Promise<{ applied: AppliedMeasure; derived: AppliedMeasure[]; created: boolean }> {
    return this.dataSource.transaction(async (m) => {
      const measure = await m.getRepository(Measure).findOneBy({ code: input.measureCode });
      if (!measure) throw measureNotFound(input.measureCode);
      const day = today(this.clock);
      if (!measure.publishedOn || measure.publishedOn > day) {
        throw new RegistryError(
          'conflict',
          'MEASURE_NOT_PUBLISHED',
          `措施“${measure.name}”（${measure.code}）${measure.publishedOn ? `将于${measure.publishedOn}公布` : '尚未公布'}，` +
            '未经公布的信用奖惩措施不得实施。',
          { measureCode: measure.code, publishedOn: measure.publishedOn },
        );
      }
      const subject = await this.subjects.findByCode(input.subjectCode, m);
      const current = await currentEntries(m, subject.id, day);
      const applicable = current.filter((e) => measure.applicableLists.includes(e.listType));
      const entry = input.listEntryId ? applicable.find((e) => e.id === input.listEntryId) : applicable[0];
      if (!entry) {
        const lists = measure.applicableLists.map((l) => LIST_TYPE_NAMES_ZH[l]).join('或');
        throw new RegistryError(
          'conflict',
          'MEASURE_NOT_APPLICABLE',
          input.listEntryId
            ? `所选名单条目不是该主体现行有效的${lists}条目，不能据此实施措施“${measure.name}”。`
            : `${subject.name}目前不在${lists}上，不能实施措施“${measure.name}”。`,
          { measureCode: measure.code, applicableLists: measure.applicableLists },
        );
      }

      const existing = await m.getRepository(AppliedMeasure).findOneBy({
        measureId: measure.id,
        subjectId: subject.id,
        listEntryId: entry.id,
        status: In(['active', 'suspended']),
      });
      if (existing) {
        const derived = await m.getRepository(AppliedMeasure).findBy({ derivedFrom: existing.id });
        return { applied: existing, derived, created: false };
      }

      const applied = await this.insertApplied(m, {
        measureId: measure.id,
        subjectId: subject.id,
        listEntryId: entry.id,
        recordId: entry.recordId,
        derivedFrom: null,
        executingDepartment: input.executingDepartment,
        matter: input.matter,
        actor: input.actor,
        caseRef: input.caseRef,
        text: `依据${LIST_TYPE_NAMES_ZH[entry.listType]}（${entry.domain}·${entry.listName}）实施${measure.name}`,
      });
      const derived: AppliedMeasure[] = [];
      if (input.extendToPersons && subject.kind !== 'natural-person') {
        for (const person of await this.subjects.personsOf(subject.id, m)) {
          derived.push(
            await this.insertApplied(m, {
              measureId: measure.id,
              subjectId: person.subject.id,
              listEntryId: entry.id,
              recordId: entry.recordId,
              derivedFrom: applied.id,
              executingDepartment: input.executingDepartment,
              matter: input.matter,
              actor: input.actor,
              caseRef: input.caseRef,
              text: `落实到人：${subject.name}的相关责任人员，随单位一并实施${measure.name}`,
            }),
          );
        }
      }
      return { applied, derived, created: true };
    });
  }

  /**
   * suspend / reinstate / lift one applied measure; the measures derived from it (落实到人)
   * follow. Repeating an action already done changes nothing.
   */
  async act(
    appliedId: string,
    action: MeasureAction,
    input: MeasureActionInput,
  ): Promise<{ applied: AppliedMeasure; changed: boolean }> {
    if (!input.reason?.trim()) {
      throw new RegistryError(
        'bad-input',
        'REASON_REQUIRED',
        `${MEASURE_ACTION_NAMES_ZH[action]}措施必须说明理由。`,
      );
    }
    return this.dataSource.transaction(async (m) => {
      const applied = await this.lockApplied(m, appliedId);
      if (input.onlyDepartment !== undefined && applied.executingDepartment !== input.onlyDepartment) {
        throw new RegistryError(
          'forbidden',
          'MEASURE_OTHER_DEPARTMENT',
          `该措施由${applied.executingDepartment}执行，只有执行部门可以办理。`,
        );
      }
      const rule = MEASURE_TRANSITIONS[action];
      if (applied.status === rule.to) return { applied, changed: false };
      if (!rule.from.includes(applied.status)) {
        throw new RegistryError(
          'invalid-transition',
          'MEASURE_TRANSITION_NOT_ALLOWED',
          `措施当前状态为“${APPLIED_MEASURE_STATUS_NAMES_ZH[applied.status]}”，不能${MEASURE_ACTION_NAMES_ZH[action]}。`,
          { status: applied.status, action, allowedFrom: rule.from },
        );
      }
      await this.changeStatus(m, applied, action, input);
      const derived = await m
        .getRepository(AppliedMeasure)
        .findBy({ derivedFrom: applied.id, status: In(rule.from) });
      for (const d of derived) await this.changeStatus(m, d, action, input);
      return { applied, changed: true };
    });
  }

  /**
   * Acts on every measure resting on a record (objection: suspend while verifying, reinstate when
   * upheld, lift when revoked). Measures not in a state the action applies to are left alone;
   * with a caseRef, reinstate only touches measures that this case suspended (one suspended for
   * another reason stays suspended). Returns the ids changed.
   */
  async actOnRecord(
    recordId: string,
    action: MeasureAction,
    input: Omit<MeasureActionInput, 'onlyDepartment'>,
  ): Promise<string[]> {
    return this.dataSource.transaction(async (m) => {
      const rows = await m.getRepository(AppliedMeasure).find({
        where: { recordId, status: In(MEASURE_TRANSITIONS[action].from) },
        order: { appliedAt: 'ASC' },
        lock: { mode: 'pessimistic_write' },
      });
      const targets =
        action === 'reinstate' && input.caseRef ? await this.suspendedBy(m, rows, input.caseRef) : rows;
      for (const row of targets) await this.changeStatus(m, row, action, input);
      // Idempotent under retry: an attempt after a committed one answers what that one did.
      const earlier = input.caseRef ? await this.doneBefore(m, recordId, action, input.caseRef) : [];
      return [...new Set([...earlier, ...targets.map((r) => r.id)])];
    });
  }

  /** Measures of the record whose latest change is this action, made for this case. */
  private async doneBefore(
    m: EntityManager,
    recordId: string,
    action: MeasureAction,
    caseRef: string,
  ): Promise<string[]> {
    const rows: { id: string }[] = await m.query(
      `SELECT a.id FROM credit_applied_measure a
         JOIN LATERAL (
           SELECT e.action, e.case_ref FROM credit_applied_measure_event e
            WHERE e.applied_measure_id = a.id ORDER BY e.id DESC LIMIT 1
         ) last ON true
        WHERE a.record_id = $1 AND a.status = $2 AND last.action = $3 AND last.case_ref = $4
        ORDER BY a.applied_at ASC`,
      [recordId, MEASURE_TRANSITIONS[action].to, action, caseRef],
    );
    return rows.map((r) => r.id);
  }

  /** Of these suspended measures, those whose latest suspension was made for this case. */
  private async suspendedBy(
    m: EntityManager,
    rows: AppliedMeasure[],
    caseRef: string,
  ): Promise<AppliedMeasure[]> {
    if (rows.length === 0) return [];
    const latest: { applied_measure_id: string; case_ref: string | null }[] = await m.query(
      `SELECT DISTINCT ON (applied_measure_id) applied_measure_id, case_ref
         FROM credit_applied_measure_event
        WHERE action = 'suspend' AND applied_measure_id = ANY($1)
        ORDER BY applied_measure_id, id DESC`,
      [rows.map((r) => r.id)],
    );
    const ours = new Set(latest.filter((l) => l.case_ref === caseRef).map((l) => l.applied_measure_id));
    return rows.filter((r) => ours.has(r.id));
  }

  /**
   * Lifts every measure in force (active or suspended) resting on a list entry, in the caller's
   * transaction (the subject exits the list). Returns the measures lifted, oldest first.
   */
  async liftForListEntry(
    m: EntityManager,
    listEntryId: string,
    input: { actor: string; reason: string; caseRef?: string },
  ): Promise<AppliedMeasure[]> {
    const rows = await m.getRepository(AppliedMeasure).find({
      where: { listEntryId, status: In(['active', 'suspended']) },
      order: { appliedAt: 'ASC', id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    for (const row of rows) await this.changeStatus(m, row, 'lift', input);
    return rows;
  }

  /**
   * Applies a lifted measure again, as a new applied measure resting on `listEntryId` (the lift
   * stays in the old one's history; the new one points at it). In the caller's transaction;
   * the caller decides that it should be applied again (a revoked repair).
   */
  async reapplyWithin(
    m: EntityManager,
    previous: AppliedMeasure,
    on: { listEntryId: string; derivedFrom: string | null },
    input: { actor: string; reason: string; caseRef?: string },
  ): Promise<AppliedMeasure> {
    const measure = await m.getRepository(Measure).findOneByOrFail({ id: previous.measureId });
    return this.insertApplied(m, {
      measureId: previous.measureId,
      subjectId: previous.subjectId,
      listEntryId: on.listEntryId,
      recordId: previous.recordId,
      derivedFrom: on.derivedFrom,
      reappliedFrom: previous.id,
      executingDepartment: previous.executingDepartment,
      matter: previous.matter,
      actor: input.actor,
      caseRef: input.caseRef,
      text: `重新实施${measure.name}：${input.reason.trim()}`,
    });
  }

  /** The executing department's feedback (执行反馈) on an applied measure. */
  async feedback(
    appliedId: string,
    input: { actor: string; department: string; text: string; onlyDepartment?: string },
  ): Promise<AppliedMeasureEvent> {
    if (!input.text?.trim())
      throw new RegistryError('bad-input', 'FEEDBACK_REQUIRED', '执行反馈内容不能为空。');
    return this.dataSource.transaction(async (m) => {
      const applied = await this.lockApplied(m, appliedId);
      if (input.onlyDepartment !== undefined && applied.executingDepartment !== input.onlyDepartment) {
        throw new RegistryError(
          'forbidden',
          'MEASURE_OTHER_DEPARTMENT',
          `该措施由${applied.executingDepartment}执行，只有执行部门可以反馈执行情况。`,
        );
      }
      return m.getRepository(AppliedMeasureEvent).save(
        m.getRepository(AppliedMeasureEvent).create({
          appliedMeasureId: applied.id,
          at: this.clock(),
          action: 'feedback',
          fromStatus: applied.status,
          toStatus: applied.status,
          actor: input.actor,
          department: input.department,
          text: input.text.trim(),
          caseRef: null,
        }),
      );
    });
  }

  async appliedTo(subjectId: string): Promise<{ applied: AppliedMeasure; measure: Measure }[]> {
    const rows = await this.dataSource
      .getRepository(AppliedMeasure)
      .find({ where: { subjectId }, order: { appliedAt: 'DESC' } });
    return this.withMeasures(rows);
  }

  async getApplied(
    id: string,
  ): Promise<{ applied: AppliedMeasure; measure: Measure; events: AppliedMeasureEvent[] }> {
    const applied = await this.lockApplied(this.dataSource.manager, id, false);
    const measure = await this.dataSource.getRepository(Measure).findOneByOrFail({ id: applied.measureId });
    const events = await this.dataSource
      .getRepository(AppliedMeasureEvent)
      .find({ where: { appliedMeasureId: id }, order: { id: 'ASC' } });
    return { applied, measure, events };
  }

  async withMeasures(rows: AppliedMeasure[]): Promise<{ applied: AppliedMeasure; measure: Measure }[]> {
    if (rows.length === 0) return [];
    const measures = await this.dataSource
      .getRepository(Measure)
      .findBy({ id: In([...new Set(rows.map((r) => r.measureId))]) });
    const byId = new Map(measures.map((x) => [x.id, x]));
    return rows.map((applied) => ({ applied, measure: byId.get(applied.measureId)! }));
  }

  private async lockApplied(m: EntityManager, id: string, lock = true): Promise<AppliedMeasure> {
    const row = /^[0-9a-f-]{36}$/i.test(id)
      ? await m
          .getRepository(AppliedMeasure)
          .findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) })
      : null;
    if (!row)
      throw new RegistryError('not-found', 'APPLIED_MEASURE_NOT_FOUND', `未找到已实施的措施“${id}”。`, {
        id,
      });
    return row;
  }

  private async insertApplied(
    m: EntityManager,
    v: Pick<
      AppliedMeasure,
      | 'measureId'
      | 'subjectId'
      | 'listEntryId'
      | 'recordId'
      | 'derivedFrom'
      | 'executingDepartment'
      | 'matter'
    > & { reappliedFrom?: string | null; actor: string; caseRef?: string; text: string },
  ): Promise<AppliedMeasure> {
    const now = this.clock();
    const applied = await m.getRepository(AppliedMeasure).save(
      m.getRepository(AppliedMeasure).create({
        measureId: v.measureId,
        subjectId: v.subjectId,
        listEntryId: v.listEntryId,
        recordId: v.recordId,
        derivedFrom: v.derivedFrom,
        reappliedFrom: v.reappliedFrom ?? null,
        executingDepartment: v.executingDepartment,
        matter: v.matter,
        status: 'active',
        appliedBy: v.actor,
        appliedAt: now,
        updatedAt: now,
      }),
    );
    await m.getRepository(AppliedMeasureEvent).insert({
      appliedMeasureId: applied.id,
      at: now,
      action: 'apply',
      fromStatus: null,
      toStatus: 'active',
      actor: v.actor,
      department: v.executingDepartment,
      text: v.text,
      caseRef: v.caseRef ?? null,
    });
    return applied;
  }

  private async changeStatus(
    m: EntityManager,
    applied: AppliedMeasure,
    action: MeasureAction,
    input: { actor: string; reason: string; caseRef?: string },
  ): Promise<void> {
    const from = applied.status;
    applied.status = MEASURE_TRANSITIONS[action].to;
    applied.updatedAt = this.clock();
    await m
      .getRepository(AppliedMeasure)
      .update({ id: applied.id }, { status: applied.status, updatedAt: applied.updatedAt });
    await m.getRepository(AppliedMeasureEvent).insert({
      appliedMeasureId: applied.id,
      at: applied.updatedAt,
      action,
      fromStatus: from,
      toStatus: applied.status,
      actor: input.actor,
      department: null,
      text: input.reason.trim(),
      caseRef: input.caseRef ?? null,
    });
  }
}

function assertDate(value: string): void {
  if (!isCalendarDate(value)) {
    throw new RegistryError(
      'bad-input',
      'MEASURE_DATE_INVALID',
      `公布日期“${value}”不是有效日期（YYYY-MM-DD）。`,
    );
  }
}

export function measureNotFound(code: string): RegistryError {
  return new RegistryError('not-found', 'MEASURE_NOT_FOUND', `措施清单中没有编码为“${code}”的措施。`, {
    code,
  });
}
