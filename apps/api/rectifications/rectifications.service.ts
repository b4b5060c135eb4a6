import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PolicyStore } from '../../../activities/policies/policy-store';
import type { AppConfig } from '../../../infra/config/config';
import { RectificationCase, RectificationEvent } from '../../../infra/database/entities';
import { CreditRecord, CreditSubject, ListEntry } from '../../../infra/database/entities/registry';
import { shanghaiDate } from '../../../workflows/calendar';
import type { PolicyVersion } from '../../../workflows/policies/types';
import {
  DISHONESTY_RECORD_KINDS,
  RECORD_KIND_NAMES_ZH,
  type SubjectKind,
} from '../../../workflows/registry/types';
import {
  decideConsequenceUpdate,
  RECTIFICATION_REFUSALS,
  reportRectificationUpdate,
} from '../../../workflows/rectification/messages';
import type { rectification } from '../../../workflows/rectification/rectification';
import {
  RECTIFICATION_ENDED,
  RECTIFICATION_STAGE_NAMES_ZH,
  RECTIFICATION_STATUS_NAMES_ZH,
  rectificationWorkflowId,
  type RectificationBasis,
  type RectificationStart,
  type RectificationView,
} from '../../../workflows/rectification/types';
import type { Principal } from '../auth/roles';
import {
  allocateCaseNo,
  checkActionKey,
  findByQueryCode,
  idempotencyKeyReused,
  newQueryCode,
  queryCodeHash,
  registerOnce,
  reissueQueryCode,
  requestHash as hashOf,
  requireIdempotencyKey,
} from '../cases/case-intake';
import { beforeInstant, countsOf, pageOf } from '../cases/case-listing';
import { inScope, requireClaim as requireCaseClaim, scopeCondition, scopeOf } from '../cases/case-scope';
import { answerAfterUpdate } from '../cases/case-answers';
import { rowWhen, startCaseWorkflow } from '../cases/case-workflows';
import { ApiError, conflict, notFound, unprocessable } from '../common/errors';
import { policyMissing } from '../cases/policy-missing';
import { APP_CONFIG, TEMPORAL_CLIENT } from '../core/runtime';
import { rectificationDetail, rectificationSummary, subjectView } from './rectification-views';
import type {
  CountQuery,
  CreateRectificationBody,
  ListQuery,
  SubjectReportBody,
} from './rectifications.schemas';

const NAMES = { procedure: '限期整改', policy: '限期整改政策' };
const requireClaim = (principal: Principal, claim: 'department' | 'jurisdiction') =>
  requireCaseClaim(principal, claim, NAMES);
/** The identifying department is the case's only department: its providers see and act. */
const SCOPE_COLUMNS = { officeDepartment: 'c.department', providerDepartment: 'c.department' };

/** Records that no longer call for rectification. */
const RECORD_GONE = ['revoked', 'repaired', 'deleted'];
/** How long the order waits for the workflow's first publication (its deadline). */
const FIRST_PUBLICATION_WAIT_MS = 10_000;

const rectificationNotFound = () => notFound('RECTIFICATION_NOT_FOUND', '未找到该限期整改案件。');

type RectificationUpdate<Input> = UpdateDefinition<RectificationView, [Input & { actor: string }]>;

export type CreateRectificationResult = {
  created: boolean;
  queryCode: string | null;
  case: ReturnType<typeof rectificationSummary>;
};

/** What the order rests on, as the registry has it. */
interface ResolvedBasis {
  basis: RectificationBasis;
  subject: CreditSubject;
}

/**
 * The rectification procedure behind the API (限期整改、约谈, 谁认定、谁约谈): the identifying
 * department's provider orders it (the case row first, then the workflow), verifies, schedules and
 * records interviews and may withdraw it; the subject follows and reports with its query code;
 * the supervisor lists, counts and decides the consequence after a 警示约谈.
 */
@Injectable()
export class RectificationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: PolicyStore,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private repo() {
    return this.dataSource.getRepository(RectificationCase);
  }

  // ------------------------------------------------------------------ the order

  /**
   * Orders a rectification and starts its workflow. Idempotent on the department's
   * Idempotency-Key: the same key with the same body returns the case it created (starting its
   * workflow if that had failed); another body 409. One open rectification per record or entry.
   */
  async create(
    principal: Principal,
    idempotencyKey: string | undefined,
    body: CreateRectificationBody,
  ): Promise<CreateRectificationResult> {
    const department = requireClaim(principal, 'department');
    const jurisdiction = requireClaim(principal, 'jurisdiction');
    const key = requireIdempotencyKey(idempotencyKey);
    const requestHash = hashOf({ jurisdiction, body });
    const earlier = await this.repo().findOneBy({ department, idempotencyKey: key });
    if (earlier) return this.replay(earlier, requestHash, body);

    const startedAt = new Date().toISOString();
    const policy = await this.policies.inForceAt(jurisdiction, shanghaiDate(startedAt));
    if (!policy) {
      throw await policyMissing(this.policies, 'RECTIFICATION_POLICY_MISSING', NAMES.policy, jurisdiction);
    }
    const { basis, subject } = await this.resolveBasis(department, body, policy);
    const queryCode = newQueryCode();
    const basisKey = basis.listEntryId ?? basis.recordId!;
    const outcome = await registerOnce(
      this.dataSource,
      [`rectification-key:${department}:${key}`, `rectification-basis:${basisKey}`],
      (tx) => tx.getRepository(RectificationCase).findOneBy({ department, idempotencyKey: key }),
      async (tx) => {
        const open = await tx
          .getRepository(RectificationCase)
          .createQueryBuilder('c')
          .where(
            basis.listEntryId ? 'c.list_entry_id = :id' : 'c.record_id = :id AND c.list_entry_id IS NULL',
            {
              id: basisKey,
            },
          )
          .andWhere('c.status NOT IN (:...ended)', { ended: RECTIFICATION_ENDED })
          .getOne();
        if (open) {
          throw conflict(
            'RECTIFICATION_ALREADY_OPEN',
            `该${basis.kind === 'record' ? '信用记录' : '名单条目'}已有正在办理的限期整改（${open.caseNo}，${RECTIFICATION_STATUS_NAMES_ZH[open.status]}），不能重复责令整改。`,
            { caseNo: open.caseNo },
          );
        }
        // 整改编号: `<JURISDICTION>-ZG-<year>-<6 digits>`, counted per jurisdiction and Beijing year.
        const caseNo = await allocateCaseNo(
          tx,
          'rectification_case_no',
          `${jurisdiction.toUpperCase()}-ZG`,
          startedAt,
        );
        const row = tx.getRepository(RectificationCase).create({
          id: randomUUID(),
          caseNo,
          queryCodeHash: queryCodeHash(queryCode),
          idempotencyKey: key,
          requestHash,
          jurisdiction,
          policyVersion: policy.version,
          department,
          subjectCode: subject.code,
          subjectName: subject.name,
          subjectKind: subject.kind,
          basisKind: basis.kind,
          recordId: basis.recordId ?? null,
          listEntryId: basis.listEntryId ?? null,
          status: 'rectifying',
          stage: 'rectification',
          termDueAt: null,
          nextDueAt: null,
          overdue: false,
          escalationLevel: 0,
          interviewsHeld: 0,
          rectifiedAt: null,
          createdBy: principal.sub,
          startedAt: new Date(startedAt),
          closedAt: null,
          revision: 0,
          snapshot: null,
          workflowStartedAt: null,
          updatedAt: new Date(startedAt),
        });
        return tx.getRepository(RectificationCase).save(row);
      },
    );
    if (!outcome.created) return this.replay(outcome.row, requestHash, body);
    const row = outcome.row;
    try {
      await this.startWorkflow(row, body, policy, { basis, subject });
    } catch (err) {
      // The department may retry with the same key; a start that went through after all brings
      // the row back with the workflow's first publication.
      await this.repo().delete({ id: row.id, revision: 0 });
      throw err;
    }
    return { created: true, queryCode, case: rectificationSummary(await this.firstPublication(row.id)) };
  }

  private async replay(
    row: RectificationCase,
    requestHash: string,
    body: CreateRectificationBody,
  ): Promise<CreateRectificationResult> {
    if (row.requestHash !== requestHash) throw idempotencyKeyReused(`限期整改${row.caseNo}`, row.caseNo);
    if (row.revision === 0 && !row.workflowStartedAt) {
      const version = (await this.policies.versions(row.jurisdiction)).find(
        (v) => v.version === row.policyVersion,
      );
      if (!version) throw new Error(`policy ${row.jurisdiction} v${row.policyVersion} of ${row.id} is gone`);
      await this.startWorkflow(row, body, version, await this.resolveBasis(row.department, body, version));
    }
    return {
      created: false,
      queryCode: null,
      case: rectificationSummary(await this.firstPublication(row.id)),
    };
  }

  /**
   * The record (or 重点关注名单 entry) the order rests on: it must exist, be the caller's
   * department's (谁认定、谁约谈), be a dishonesty record (or a 重点关注 entry) and still stand.
   */
  private async resolveBasis(
    department: string,
    body: CreateRectificationBody,
    policy: PolicyVersion,
  ): Promise<ResolvedBasis> {
    const records = this.dataSource.getRepository(CreditRecord);
    let entry: ListEntry | null = null;
    if (body.listEntryId) {
      entry = await this.dataSource.getRepository(ListEntry).findOneBy({ id: body.listEntryId });
      if (!entry) {
        throw notFound('RECTIFICATION_ENTRY_NOT_FOUND', `未找到名单条目“${body.listEntryId}”。`);
      }
      this.ownDepartment(department, entry.department, '该名单条目');
      if (entry.listType !== 'watch') {
        throw unprocessable('RECTIFICATION_NOT_WATCH_LIST', '只能依据重点关注名单条目责令限期整改。');
      }
      const today = shanghaiDate(new Date().toISOString());
      if (entry.exitedOn || (entry.expiresOn && entry.expiresOn < today)) {
        throw conflict('RECTIFICATION_BASIS_NOT_IN_FORCE', '该名单条目已退出或到期，不能据此责令整改。');
      }
    }
    const recordId = entry ? entry.recordId : body.recordId!;
    const record = recordId ? await records.findOneBy({ id: recordId }) : null;
    if (!entry) {
      if (!record) throw notFound('RECTIFICATION_RECORD_NOT_FOUND', `未找到信用记录“${body.recordId}”。`);
      this.ownDepartment(department, record.department, '该信用记录');
      if (!DISHONESTY_RECORD_KINDS.includes(record.kind)) {
        throw unprocessable(
          'RECTIFICATION_NOT_DISHONESTY',
          `“${RECORD_KIND_NAMES_ZH[record.kind]}”记录不是失信信息，不能据此责令限期整改。`,
        );
      }
      if (RECORD_GONE.includes(record.status)) {
        throw conflict(
          'RECTIFICATION_BASIS_NOT_IN_FORCE',
          '该信用记录已撤销、已修复或已删除，不能据此责令整改。',
        );
      }
    }
    const subjectId = entry?.subjectId ?? record!.subjectId;
    const subject = await this.dataSource.getRepository(CreditSubject).findOneByOrFail({ id: subjectId });
    const localTier = record?.severityTier ?? undefined;
    const tier = localTier ? policy.document.tierMapping[localTier] : undefined;
    const basis: RectificationBasis = {
      kind: entry ? 'list-entry' : 'record',
      ...(record ? { recordId: record.id } : {}),
      ...(entry ? { listEntryId: entry.id } : {}),
      documentNo: entry?.documentNo ?? record?.documentNo ?? entry!.id,
      title: entry ? `${entry.listName}（${entry.domain}）` : record!.title,
      ...(localTier ? { localTier } : {}),
      ...(tier ? { tier } : {}),
    };
    return { basis, subject };
  }

  private ownDepartment(department: string, owner: string, what: string): void {
    if (owner !== department) {
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        'RECTIFICATION_OTHER_DEPARTMENT',
        `${what}由${owner}认定，按照“谁认定、谁约谈”的原则，只有该部门可以责令整改。`,
      );
    }
  }

  private async startWorkflow(
    row: RectificationCase,
    body: CreateRectificationBody,
    policy: PolicyVersion,
    resolved: ResolvedBasis,
  ): Promise<void> {
    const start: RectificationStart = {
      caseId: row.id,
      caseNo: row.caseNo,
      jurisdiction: row.jurisdiction,
      policy,
      department: row.department,
      subject: { code: row.subjectCode, name: row.subjectName, kind: row.subjectKind as SubjectKind },
      contact: body.contact,
      basis: resolved.basis,
      obligations: body.obligations,
      ...(body.deadline ? { deadline: { limit: body.deadline, reason: body.deadlineReason! } } : {}),
      ...(body.domain ? { domain: body.domain } : {}),
      startedBy: row.createdBy,
      startedAt: row.startedAt.toISOString(),
    };
    await startCaseWorkflow<typeof rectification>(this.temporal, 'rectification', {
      taskQueue: this.config.temporal.taskQueue,
      workflowId: rectificationWorkflowId(row.id),
      args: [start],
    });
  }

  /** The row once the workflow has published its first revision (the deadline), or after the wait. */
  private firstPublication(id: string): Promise<RectificationCase> {
    return rowWhen(
      this.repo(),
      id,
      (row) => row.termDueAt !== null || RECTIFICATION_ENDED.includes(row.status),
      FIRST_PUBLICATION_WAIT_MS,
    );
  }

  // ------------------------------------------------------------------ actions

  /**
   * A rectification of the caller's department (the match is on the directory's department
   * name): 404 unknown or another jurisdiction's, 403 another department's of the same
   * jurisdiction (naming the department, nothing of the case).
   */
  private async forDepartment(principal: Principal, id: string): Promise<RectificationCase> {
    const department = requireClaim(principal, 'department');
    const row = await this.repo().findOneBy({ id });
    if (!row || (row.department !== department && row.jurisdiction !== principal.jurisdiction)) {
      throw rectificationNotFound();
    }
    this.ownDepartment(department, row.department, '该限期整改所依据的失信信息');
    return row;
  }

  /** Runs one of the department's updates; the workflow decides and answers with its view. */
  async act<Input extends object>(
    principal: Principal,
    id: string,
    update: RectificationUpdate<Input>,
    input: Input,
    idempotencyKey?: string,
  ) {
    const row = await this.forDepartment(principal, id);
    return this.run(row, update, input, principal.sub, idempotencyKey, () => this.caseFile(id));
  }

  /** The supervisor of the jurisdiction confirms or rejects the consequence after a 警示约谈. */
  async decide(
    principal: Principal,
    id: string,
    input: { confirmed: boolean; reason: string },
    idempotencyKey?: string,
  ) {
    const row = await this.repo().findOneBy({ id });
    if (!row || (principal.jurisdiction && principal.jurisdiction !== row.jurisdiction)) {
      throw rectificationNotFound();
    }
    return this.run(row, decideConsequenceUpdate, input, principal.sub, idempotencyKey, () =>
      this.caseFile(id),
    );
  }

  async reissueQueryCode(principal: Principal, id: string): Promise<{ caseNo: string; queryCode: string }> {
    const row = await this.forDepartment(principal, id);
    return { caseNo: row.caseNo, queryCode: await reissueQueryCode(this.repo(), id) };
  }

  private endedError(row: RectificationCase): ApiError {
    return conflict(
      'RECTIFICATION_ENDED',
      `限期整改${row.caseNo}已办结（${RECTIFICATION_STATUS_NAMES_ZH[row.status]}），不能再办理。`,
    );
  }

  /**
   * Runs one update; the workflow decides. Answers what `read` gives once the read model holds
   * the action: the caller's own GET of the case (read-your-writes).
   */
  private async run<Input extends object, Answer>(
    row: RectificationCase,
    update: RectificationUpdate<Input>,
    input: Input,
    actor: string,
    idempotencyKey: string | undefined,
    read: () => Promise<Answer>,
  ): Promise<Answer> {
    checkActionKey(idempotencyKey);
    // A repeated request (same key) is answered by Temporal with the first update's result.
    if (!idempotencyKey && RECTIFICATION_ENDED.includes(row.status)) throw this.endedError(row);
    return answerAfterUpdate(
      this.temporal,
      {
        workflowId: rectificationWorkflowId(row.id),
        update,
        input,
        actor,
        idempotencyKey,
        repo: this.repo(),
        caseId: row.id,
        errors: {
          refusals: RECTIFICATION_REFUSALS,
          failedCode: 'RECTIFICATION_UPDATE_FAILED',
          whenGone: async () => this.endedError(await this.repo().findOneByOrFail({ id: row.id })),
        },
      },
      read,
    );
  }

  // ------------------------------------------------------------------ staff reads

  async detail(principal: Principal, id: string) {
    const row = await this.repo().findOneBy({ id });
    const scoped = {
      jurisdiction: row?.jurisdiction ?? '',
      officeDepartment: row?.department ?? '',
      providerDepartment: row?.department,
    };
    if (!row || !inScope(scopeOf(principal), scoped)) throw rectificationNotFound();
    return this.detailOf(row);
  }

  private async detailOf(row: RectificationCase) {
    return rectificationDetail(row, await this.events(row.id));
  }

  /** The case file of a case the caller may see (checked before): what detail() answers. */
  private async caseFile(id: string) {
    return this.detailOf(await this.repo().findOneByOrFail({ id }));
  }

  private events(caseId: string): Promise<RectificationEvent[]> {
    return this.dataSource
      .getRepository(RectificationEvent)
      .find({ where: { caseId }, order: { seq: 'ASC' } });
  }

  private filtered(principal: Principal, query: Omit<ListQuery, 'page' | 'pageSize'>) {
    const scope = scopeCondition(scopeOf(principal), SCOPE_COLUMNS);
    const qb = this.repo().createQueryBuilder('c').where(scope.sql, scope.params);
    if (query.status) qb.andWhere('c.status IN (:...status)', { status: query.status });
    if (query.stage) qb.andWhere('c.stage IN (:...stage)', { stage: query.stage });
    if (query.department) qb.andWhere('c.department = :department', { department: query.department });
    if (query.subjectCode) qb.andWhere('c.subject_code = :subjectCode', { subjectCode: query.subjectCode });
    if (query.recordId) qb.andWhere('c.record_id = :recordId', { recordId: query.recordId });
    if (query.jurisdiction)
      qb.andWhere('c.jurisdiction = :jurisdiction', { jurisdiction: query.jurisdiction });
    if (query.overdue !== undefined) qb.andWhere('c.overdue = :overdue', { overdue: query.overdue });
    if (query.dueBefore) qb.andWhere('c.next_due_at < :before', { before: beforeInstant(query.dueBefore) });
    return qb;
  }

  list(principal: Principal, query: ListQuery) {
    const qb = this.filtered(principal, query).orderBy('c.started_at', 'DESC').addOrderBy('c.id', 'ASC');
    return pageOf(qb, query, rectificationSummary);
  }

  /** Counts by status, stage (整改中 / 提示约谈 / 警示约谈 / 后续措施), department or overdue. */
  counts(principal: Principal, query: CountQuery) {
    const dimension = {
      status: { column: 'c.status', names: RECTIFICATION_STATUS_NAMES_ZH },
      stage: { column: 'c.stage', names: RECTIFICATION_STAGE_NAMES_ZH },
      department: { column: 'c.department', names: undefined },
      overdue: { column: 'c.overdue', names: undefined },
    }[query.by];
    return countsOf(this.filtered(principal, query), query.by, dimension.column, dimension.names);
  }

  // ------------------------------------------------------------------ the subject

  private async bySubject(queryCode: string, subjectCode: string): Promise<RectificationCase> {
    const row = await findByQueryCode(this.repo(), queryCode, subjectCode);
    if (!row) {
      throw notFound(
        'RECTIFICATION_LOOKUP_NOT_FOUND',
        '未查询到限期整改：请核对查询码和主体代码（统一社会信用代码或身份证号码）。',
      );
    }
    return row;
  }

  async lookup(queryCode: string, subjectCode: string) {
    const row = await this.bySubject(queryCode, subjectCode);
    return subjectView(row, await this.events(row.id));
  }

  /** The subject reports what it did (整改情况), with proofs by reference. */
  async report(body: SubjectReportBody, idempotencyKey?: string) {
    const row = await this.bySubject(body.queryCode, body.subjectCode);
    const input = { description: body.description, attachments: body.attachments };
    // Answered with the subject's own look-up, read after the report.
    return this.run(row, reportRectificationUpdate, input, `subject:${row.subjectCode}`, idempotencyKey, () =>
      this.lookup(body.queryCode, body.subjectCode),
    );
  }
}
