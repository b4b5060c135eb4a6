import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { PolicyStore } from '../../../activities/policies/policy-store';
import { RecordService, RegistryError } from '../../../activities/registry';
import type { AppConfig } from '../../../infra/config/config';
import { ObjectionCase, ObjectionEvent } from '../../../infra/database/entities';
import { shanghaiDate } from '../../../workflows/calendar';
import {
  extendUpdate,
  forwardUpdate,
  issueReplyUpdate,
  materialsReceivedUpdate,
  OBJECTION_REFUSALS,
  OPEN_STATUSES,
  providerReplyUpdate,
  requestMaterialsUpdate,
  withdrawUpdate,
  type ProviderReplyResult,
  verificationStateQuery,
} from '../../../workflows/objection/messages';
import type { objection } from '../../../workflows/objection/objection';
import type { ObjectionView } from '../../../workflows/objection/state';
import {
  CHANNEL_NAMES_ZH,
  ENDED_STATUSES,
  objectionWorkflowId,
  STATUS_NAMES_ZH,
  verificationWorkflowId,
  type ObjectionStart,
} from '../../../workflows/objection/types';
import { normalizeIdentifier } from '../../../workflows/registry/identifiers';
import { RECORD_TRANSITIONS } from '../../../workflows/registry/record-lifecycle';
import { RECORD_KIND_NAMES_ZH, RECORD_STATUS_NAMES_ZH } from '../../../workflows/registry/types';
import type { Principal } from '../auth/roles';
import {
  allocateCaseNo,
  checkActionKey,
  findByQueryCode,
  idempotencyKeyReused,
  newQueryCode,
  queryCodeHash,
  reissueQueryCode,
  requestHash as hashOf,
  requireIdempotencyKey,
} from '../cases/case-intake';
import { beforeInstant, countsOf, pageOf } from '../cases/case-listing';
import {
  inScope,
  officeRelation,
  requireClaim as requireCaseClaim,
  scopeCondition,
  scopeOf,
} from '../cases/case-scope';
import { answerAfterUpdate, answerWhen } from '../cases/case-answers';
import { startCaseWorkflow, updateError } from '../cases/case-workflows';
import { ApiError, conflict, notFound, RefusedForNow, unprocessable } from '../common/errors';
import { policyMissing } from '../cases/policy-missing';
import { APP_CONFIG, TEMPORAL_CLIENT } from '../core/runtime';
import { applicantView, caseDetail, caseSummary } from './objection-views';
import type { CountQuery, CreateObjectionBody, ListQuery } from './objections.schemas';

/** How long the provider's reply waits for the case workflow to apply it (usually well under 1 s). */
const REPLY_APPLIED_WAIT_MS = 10_000;

const caseNotFound = () => notFound('OBJECTION_NOT_FOUND', '未找到该异议案件。');

const NAMES = { procedure: '异议案件', policy: '异议处理政策' };
const requireClaim = (principal: Principal, claim: 'department' | 'jurisdiction') =>
  requireCaseClaim(principal, claim, NAMES);
const SCOPE_COLUMNS = {
  officeDepartment: 'c.office_department',
  providerDepartment: 'c.provider_department',
};

type CaseUpdate =
  | typeof requestMaterialsUpdate
  | typeof materialsReceivedUpdate
  | typeof forwardUpdate
  | typeof extendUpdate
  | typeof withdrawUpdate
  | typeof issueReplyUpdate;

/**
 * The objection procedure behind the API: intake (case row first, then the workflow), the
 * caseworker's and provider's actions as workflow updates, and reads from the read model.
 */
@Injectable()
export class ObjectionsService {
  private readonly records: RecordService;

  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: PolicyStore,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.records = new RecordService(dataSource);
  }

  private repo(m: EntityManager = this.dataSource.manager) {
    return m.getRepository(ObjectionCase);
  }

  // ------------------------------------------------------------------ intake

  /**
   * Registers an objection (受理). Idempotent on the office's Idempotency-Key: the same key with
   * the same body returns the case it created (and starts its workflow if that had failed);
   * with another body it is refused.
   */
  async create(
    principal: Principal,
    idempotencyKey: string | undefined,
    body: CreateObjectionBody,
  ): Promise<{ created: boolean; queryCode: string | null; case: ReturnType<typeof caseSummary> }> {
    const office = requireClaim(principal, 'department');
    const jurisdiction = requireClaim(principal, 'jurisdiction');
    requireIdempotencyKey(idempotencyKey);
    const requestHash = hashOf({ jurisdiction, body });
    const earlier = await this.repo().findOneBy({ officeDepartment: office, idempotencyKey });
    if (earlier) return this.replay(earlier, requestHash);

    const { record, subject } = await this.records.get(body.recordId).catch((err: unknown) => {
      if (err instanceof RegistryError && err.kind === 'not-found') {
        throw notFound('OBJECTION_RECORD_NOT_FOUND', `未找到被异议的信用记录（${body.recordId}）。`);
      }
      throw err;
    });
    if (normalizeIdentifier(body.applicant.subjectCode) !== subject.code) {
      throw unprocessable(
        'OBJECTION_SUBJECT_MISMATCH',
        '申请人填写的主体代码与被异议信用记录的信用主体不一致：只能对本主体的信用记录提出异议。',
      );
    }
    // An open objection has already marked the record disputed: say so (409) before the status does.
    await this.refuseSecondOpen(this.dataSource.manager, record.id);
    const contestable = RECORD_TRANSITIONS.dispute.from;
    if (!contestable.includes(record.status)) {
      throw unprocessable(
        'OBJECTION_RECORD_NOT_CONTESTABLE',
        `该信用记录当前为“${RECORD_STATUS_NAMES_ZH[record.status]}”，不能受理异议；` +
          `只有“${contestable.map((s) => RECORD_STATUS_NAMES_ZH[s]).join('、')}”的记录可以提出异议。`,
        { recordStatus: record.status },
      );
    }
    const receivedAt = new Date().toISOString();
    const policy = await this.policies.inForceAt(jurisdiction, shanghaiDate(receivedAt));
    if (!policy) {
      throw await policyMissing(this.policies, 'OBJECTION_POLICY_MISSING', NAMES.policy, jurisdiction);
    }
    if (!policy.document.objection.channels.includes(body.channel)) {
      throw unprocessable(
        'OBJECTION_CHANNEL_NOT_ACCEPTED',
        `${policy.document.name}不通过${CHANNEL_NAMES_ZH[body.channel]}受理异议；可用渠道：` +
          `${policy.document.objection.channels.map((c) => CHANNEL_NAMES_ZH[c]).join('、')}。`,
      );
    }

    const queryCode = newQueryCode();
    const outcome = await this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `objection-key:${office}:${idempotencyKey}`,
      ]);
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`objection-record:${record.id}`]);
      const raced = await this.repo(tx).findOneBy({ officeDepartment: office, idempotencyKey });
      if (raced) return { raced, row: undefined };
      await this.refuseSecondOpen(tx, record.id);
      // 异议受理编号: `<JURISDICTION>-<year>-<6 digits>`, counted per jurisdiction and Beijing year.
      const caseNo = await allocateCaseNo(tx, 'objection_case_no', jurisdiction.toUpperCase(), receivedAt);
      const row = this.repo(tx).create({
        id: randomUUID(),
        caseNo,
        queryCodeHash: queryCodeHash(queryCode),
        idempotencyKey,
        requestHash,
        jurisdiction,
        policyVersion: policy.version,
        officeDepartment: office,
        providerDepartment: record.department,
        subjectCode: subject.code,
        subjectName: subject.name,
        applicantName: body.applicant.name,
        applicantContact: body.applicant.contact,
        channel: body.channel,
        recordId: record.id,
        recordDescription: `${RECORD_KIND_NAMES_ZH[record.kind]}：${record.documentNo} ${record.title}`,
        grounds: body.grounds,
        groundsText: body.groundsText,
        attachments: body.attachments,
        status: 'received',
        dueProvisional: false,
        overdue: false,
        escalationLevel: 0,
        revision: 0,
        snapshot: null,
        createdBy: principal.sub,
        receivedAt: new Date(receivedAt),
      });
      return { raced: undefined, row: await this.repo(tx).save(row) };
    });
    if (outcome.raced) return this.replay(outcome.raced, requestHash);

    try {
      await this.startWorkflow(outcome.row);
    } catch (err) {
      // A case whose workflow did not start must not block a new objection on the record (the
      // applicant may retry with the same key). Should the start have gone through after all,
      // the workflow's first publication brings the row back.
      await this.repo().delete({ id: outcome.row.id, revision: 0 });
      throw err;
    }
    const row = await this.repo().findOneByOrFail({ id: outcome.row.id });
    return { created: true, queryCode, case: caseSummary(row) };
  }

  /** 409 OBJECTION_ALREADY_OPEN while another objection on the record runs. */
  private async refuseSecondOpen(m: EntityManager, recordId: string): Promise<void> {
    const open = await this.repo(m)
      .createQueryBuilder('c')
      .where('c.record_id = :recordId AND c.status IN (:...open)', { recordId, open: OPEN_STATUSES })
      .getOne();
    if (open) {
      throw conflict(
        'OBJECTION_ALREADY_OPEN',
        `该信用记录已有正在办理的异议案件（${open.caseNo}），请勿重复受理。`,
        { caseNo: open.caseNo },
      );
    }
  }

  private async replay(row: ObjectionCase, requestHash: string) {
    if (row.requestHash !== requestHash) throw idempotencyKeyReused(`异议案件${row.caseNo}`, row.caseNo);
    // The first attempt may have stored the case but not reached Temporal.
    if (row.revision === 0 && !row.workflowStartedAt) await this.startWorkflow(row);
    return {
      created: false,
      queryCode: null,
      case: caseSummary(await this.repo().findOneByOrFail({ id: row.id })),
    };
  }

  /** Starts the case's workflow from its row; a second start of the same case is a no-op. */
  private async startWorkflow(row: ObjectionCase): Promise<void> {
    const policy = (await this.policies.versions(row.jurisdiction)).find(
      (v) => v.version === row.policyVersion,
    );
    if (!policy)
      throw new Error(`policy ${row.jurisdiction} v${row.policyVersion} of case ${row.id} is gone`);
    const start: ObjectionStart = {
      caseId: row.id,
      caseNo: row.caseNo,
      jurisdiction: row.jurisdiction,
      policy,
      officeDepartment: row.officeDepartment,
      // The name printed on letters: the policy's office (e.g. 新郑市民政局), not a department id.
      officeName: policy.document.name,
      providerDepartment: row.providerDepartment,
      applicant: {
        name: row.applicantName,
        contact: row.applicantContact,
        subjectCode: row.subjectCode,
        subjectName: row.subjectName,
      },
      channel: row.channel,
      recordId: row.recordId,
      recordDescription: row.recordDescription,
      grounds: row.grounds,
      groundsText: row.groundsText,
      attachments: row.attachments,
      receivedBy: row.createdBy,
      receivedAt: row.receivedAt.toISOString(),
    };
    await startCaseWorkflow<typeof objection>(this.temporal, 'objection', {
      taskQueue: this.config.temporal.taskQueue,
      workflowId: objectionWorkflowId(row.id),
      args: [start],
    });
  }

  /** Gives the applicant a new query code (the old one stops working), e.g. when the first was lost. */
  async reissueQueryCode(principal: Principal, id: string): Promise<{ caseNo: string; queryCode: string }> {
    const row = await this.forOffice(principal, id);
    return { caseNo: row.caseNo, queryCode: await reissueQueryCode(this.repo(), id) };
  }

  // ------------------------------------------------------------------ actions

  /**
   * Loads a case the caseworker's office runs: 404 unknown or another jurisdiction's, 403 another
   * department's of the same jurisdiction (naming the office, nothing of the case).
   */
  private async forOffice(principal: Principal, id: string): Promise<ObjectionCase> {
    requireClaim(principal, 'department');
    const row = await this.repo().findOneBy({ id });
    const relation = row ? officeRelation(principal, row) : 'elsewhere';
    if (!row || relation === 'elsewhere') throw caseNotFound();
    if (relation !== 'own') {
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        'OBJECTION_OTHER_DEPARTMENT',
        `该异议案件由${row.officeDepartment}办理，只有该部门的经办人可以操作。`,
      );
    }
    return row;
  }

  private endedError(row: ObjectionCase): ApiError {
    return conflict(
      'OBJECTION_ENDED',
      `异议案件${row.caseNo}已结束办理（${STATUS_NAMES_ZH[row.status]}），不能再办理。`,
    );
  }

  /**
   * Runs one of the caseworker's updates on the case workflow; the workflow decides. Answers the
   * case file as GET /api/objections/:id reads it after the action (read-your-writes).
   */
  async act<U extends CaseUpdate>(
    principal: Principal,
    id: string,
    update: U,
    input: Record<string, unknown>,
    idempotencyKey?: string,
  ): Promise<ReturnType<typeof caseDetail>> {
    const row = await this.forOffice(principal, id);
    checkActionKey(idempotencyKey);
    // A repeated request (same key) is answered by Temporal with the first update's result.
    if (!idempotencyKey && ENDED_STATUSES.includes(row.status)) throw this.endedError(row);
    return answerAfterUpdate(
      this.temporal,
      {
        workflowId: objectionWorkflowId(id),
        update: update as UpdateDefinition<ObjectionView, [Record<string, unknown> & { actor: string }]>,
        input,
        actor: principal.sub,
        idempotencyKey,
        repo: this.repo(),
        caseId: id,
        errors: this.updateErrors(id),
      },
      () => this.caseFile(id),
    );
  }

  private updateErrors(id: string) {
    return {
      refusals: OBJECTION_REFUSALS,
      failedCode: 'OBJECTION_UPDATE_FAILED',
      whenGone: async () => this.endedError(await this.repo().findOneByOrFail({ id })),
    };
  }

  /** The provider's verification result (核查意见) to the case's verification child. */
  async verify(
    principal: Principal,
    id: string,
    body: {
      outcome: ProviderReplyResult['outcome'];
      opinion: string;
      correctedValues?: Record<string, string | null>;
      wrongfulPunishment: boolean;
    },
    idempotencyKey?: string,
  ): Promise<{ reply: ProviderReplyResult; case: ReturnType<typeof caseDetail> }> {
    const department = requireClaim(principal, 'department');
    checkActionKey(idempotencyKey);
    const row = await this.repo().findOneBy({ id });
    // A provider sees only the cases on its own records: others do not exist for it.
    if (!row || row.providerDepartment !== department) throw caseNotFound();
    try {
      const reply = await this.temporal.workflow
        .getHandle(verificationWorkflowId(id))
        .executeUpdate(providerReplyUpdate, {
          args: [
            {
              actor: principal.sub,
              department,
              outcome: body.outcome,
              opinion: body.opinion,
              ...(body.correctedValues ? { correctedValues: body.correctedValues } : {}),
              wrongfulPunishment: body.wrongfulPunishment,
            },
          ],
          // A repeat is answered from action-idempotency.ts; the update id keeps a lost answer from replying twice.
          ...(idempotencyKey ? { updateId: `${providerReplyUpdate.name}:${idempotencyKey}` } : {}),
        });
      // The case workflow applies the reply after the child answered: the answer waits until the
      // case is back with the office for the written reply (or has ended), as the next GET shows it.
      const applied = await answerWhen(
        this.repo(),
        id,
        (r) =>
          ENDED_STATUSES.includes(r.status) ||
          (r.snapshot?.outcomeApplied === true && r.snapshot.step?.step === 'notify'),
        (r) => this.caseFile(r.id),
        REPLY_APPLIED_WAIT_MS,
      );
      return { reply, case: applied };
    } catch (err) {
      throw await updateError(err, {
        ...this.updateErrors(id),
        whenGone: async () => {
          const now = await this.repo().findOneByOrFail({ id });
          if (now.snapshot?.reply) {
            return conflict(
              'VERIFICATION_ALREADY_REPLIED',
              `异议案件${now.caseNo}已答复核查结果，不能重复答复。`,
            );
          }
          if (ENDED_STATUSES.includes(now.status)) return this.endedError(now);
          return conflict(
            'OBJECTION_WRONG_STATUS',
            `异议案件${now.caseNo}尚未转交信息提供单位核查（当前为“${STATUS_NAMES_ZH[now.status]}”）。`,
          );
        },
      });
    }
  }

  /**
   * The written reply (书面告知). While the case is 核查中 the workflow cannot tell a provider who
   * has not replied from a reply on its way to the case (the verification child answered, the case
   * workflow not yet: after a worker restart the two can sit in one workflow task, the update's
   * validator first). The verification child says which: a reply already given makes the refusal
   * one for now (409 with Retry-After, never kept as the Idempotency-Key's answer).
   */
  async issueReply(
    principal: Principal,
    id: string,
    input: Record<string, unknown>,
    idempotencyKey?: string,
  ): Promise<ReturnType<typeof caseDetail>> {
    try {
      return await this.act(principal, id, issueReplyUpdate, input, idempotencyKey);
    } catch (err) {
      const row = await this.repo().findOneBy({ id });
      if (err instanceof ApiError && row && (await this.replyOnItsWay(err, row))) {
        throw new RefusedForNow(
          HttpStatus.CONFLICT,
          'OBJECTION_WRONG_STATUS',
          `异议案件${row.caseNo}的核查结果已答复，正在送达本案，请稍后再出具书面告知。`,
        );
      }
      throw err;
    }
  }

  /** Whether `err`, a wrong-status refusal of a case still 核查中, is one its verification's reply is about to lift. */
  private async replyOnItsWay(err: ApiError, row: ObjectionCase): Promise<boolean> {
    if (err.code !== 'OBJECTION_WRONG_STATUS' || err instanceof RefusedForNow) return false;
    if (row.status !== 'forwarded') return false;
    try {
      const state = await this.temporal.workflow
        .getHandle(verificationWorkflowId(row.id))
        .query(verificationStateQuery);
      return state.status === 'replied';
    } catch {
      // No verification to ask (never started, gone, or the worker is away): the refusal stands.
      return false;
    }
  }

  // ------------------------------------------------------------------ reads

  async pendingVerifications(principal: Principal) {
    const department = requireClaim(principal, 'department');
    const rows = await this.repo()
      .createQueryBuilder('c')
      .where("c.status = 'forwarded' AND c.provider_department = :department", { department })
      .orderBy('c.step_due_at', 'ASC', 'NULLS LAST')
      .addOrderBy('c.received_at', 'ASC')
      .getMany();
    return {
      items: rows.map((row) => ({
        ...caseSummary(row),
        grounds: row.grounds,
        groundsText: row.groundsText,
        attachments: row.snapshot?.attachments ?? row.attachments,
      })),
    };
  }

  async lookup(queryCode: string, subjectCode: string) {
    const row = await findByQueryCode(this.repo(), queryCode, subjectCode);
    if (!row) {
      throw notFound(
        'OBJECTION_LOOKUP_NOT_FOUND',
        '未查询到异议申请：请核对查询码和主体代码（统一社会信用代码或身份证号码）。',
      );
    }
    return applicantView(row, await this.events(row.id));
  }

  async detail(principal: Principal, id: string) {
    const row = await this.repo().findOneBy({ id });
    if (!row || !inScope(scopeOf(principal), row)) throw caseNotFound();
    return caseDetail(row, await this.events(row.id));
  }

  /** The case file of a case the caller may see (checked before): what detail() answers. */
  private async caseFile(id: string) {
    return caseDetail(await this.repo().findOneByOrFail({ id }), await this.events(id));
  }

  private events(caseId: string): Promise<ObjectionEvent[]> {
    return this.dataSource.getRepository(ObjectionEvent).find({ where: { caseId }, order: { seq: 'ASC' } });
  }

  private filtered(principal: Principal, query: Omit<ListQuery, 'page' | 'pageSize'>) {
    const scope = scopeCondition(scopeOf(principal), SCOPE_COLUMNS);
    const qb = this.repo().createQueryBuilder('c').where(scope.sql, scope.params);
    if (query.status) qb.andWhere('c.status IN (:...status)', { status: query.status });
    if (query.department) {
      qb.andWhere('(c.office_department = :department OR c.provider_department = :department)', {
        department: query.department,
      });
    }
    if (query.step) qb.andWhere('c.current_step = :step', { step: query.step });
    if (query.overdue !== undefined) qb.andWhere('c.overdue = :overdue', { overdue: query.overdue });
    if (query.dueBefore) qb.andWhere('c.step_due_at < :before', { before: beforeInstant(query.dueBefore) });
    if (query.jurisdiction)
      qb.andWhere('c.jurisdiction = :jurisdiction', { jurisdiction: query.jurisdiction });
    return qb;
  }

  list(principal: Principal, query: ListQuery) {
    const qb = this.filtered(principal, query).orderBy('c.received_at', 'DESC').addOrderBy('c.id', 'ASC');
    return pageOf(qb, query, caseSummary);
  }

  /** Counts by one dimension; `department` is the office that runs the case. */
  counts(principal: Principal, query: CountQuery) {
    const column = {
      status: 'c.status',
      department: 'c.office_department',
      step: 'c.current_step',
      overdue: 'c.overdue',
    }[query.by];
    return countsOf(
      this.filtered(principal, query),
      query.by,
      column,
      query.by === 'status' ? STATUS_NAMES_ZH : undefined,
    );
  }
}
