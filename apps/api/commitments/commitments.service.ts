import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { PolicyStore } from '../../../activities/policies/policy-store';
import { RegistryError, SubjectService } from '../../../activities/registry';
import type { AppConfig } from '../../../infra/config/config';
import { CommitmentCase, CommitmentEvent, CommitmentItem } from '../../../infra/database/entities';
import type { CreditSubject } from '../../../infra/database/entities/registry';
import { shanghaiDate } from '../../../workflows/calendar';
import type { commitment } from '../../../workflows/commitment/commitment';
import { COMMITMENT_REFUSALS, reportBreachUpdate } from '../../../workflows/commitment/messages';
import { commitmentRules } from '../../../workflows/commitment/rules';
import {
  COMMITMENT_ENDED,
  COMMITMENT_KIND_NAMES_ZH,
  COMMITMENT_STATUS_NAMES_ZH,
  commitmentWorkflowId,
  type BreachReport,
  type CommitmentStart,
  type CommitmentView,
} from '../../../workflows/commitment/types';
import type { PolicyVersion } from '../../../workflows/policies/types';
import type { SubjectKind } from '../../../workflows/registry/types';
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
import { answerAfterUpdate } from '../cases/case-answers';
import { startCaseWorkflow, waitUntil } from '../cases/case-workflows';
import { ApiError, conflict, notFound } from '../common/errors';
import { policyMissing } from '../cases/policy-missing';
import { APP_CONFIG, TEMPORAL_CLIENT } from '../core/runtime';
import {
  commitmentDetail,
  commitmentSummary,
  PUBLIC_STATUSES,
  publicCommitment,
  signerView,
} from './commitment-views';
import type { CountQuery, CreateCommitmentBody, ListQuery, PublicListQuery } from './commitments.schemas';

const NAMES = { procedure: '信用承诺', policy: '信用承诺政策' };
const requireClaim = (principal: Principal, claim: 'department' | 'jurisdiction') =>
  requireCaseClaim(principal, claim, NAMES);
const SCOPE_COLUMNS = { officeDepartment: 'c.department' };

const commitmentNotFound = () => notFound('COMMITMENT_NOT_FOUND', '未找到该信用承诺。');

/** How long creation waits for the intake's credit check to decide (it usually takes well under a second). */
const INTAKE_DECISION_WAIT_MS = 10_000;

export type CreateCommitmentResult = {
  created: boolean;
  queryCode: string | null;
  case: ReturnType<typeof commitmentSummary>;
};

/** An update of the commitment workflow, typed by its input without the actor the service adds. */
type CommitmentUpdate<Input> = UpdateDefinition<CommitmentView, [Input & { actor: string }]>;

/** What an action answers: the case file, or for a reporter outside its scope the summary line. */
type CommitmentAnswer =
  | ReturnType<typeof commitmentDetail>
  | (ReturnType<typeof commitmentSummary> & { breachReports: BreachReport[] });

/**
 * The commitment procedure behind the API (信用承诺): signing (the case row first, then the
 * workflow, which runs the credit check and admits or refuses), the department's actions and
 * reported breaches as workflow updates, and reads from the read model — for staff, for the
 * signer with the query code, and for the public 信用承诺专栏.
 */
@Injectable()
export class CommitmentsService {
  private readonly subjects: SubjectService;

  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: PolicyStore,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.subjects = new SubjectService(dataSource);
  }

  private repo(m: EntityManager = this.dataSource.manager) {
    return m.getRepository(CommitmentCase);
  }

  // ------------------------------------------------------------------ signing

  /**
   * Registers a signed commitment and starts its workflow, then waits (bounded) for the intake's
   * decision. Idempotent on the department's Idempotency-Key: the same key with the same body
   * returns the commitment it created (starting its workflow if that had failed); another body 409.
   */
  async create(
    principal: Principal,
    idempotencyKey: string | undefined,
    body: CreateCommitmentBody,
  ): Promise<CreateCommitmentResult> {
    const department = requireClaim(principal, 'department');
    const jurisdiction = requireClaim(principal, 'jurisdiction');
    const key = requireIdempotencyKey(idempotencyKey);
    const requestHash = hashOf({ jurisdiction, body });
    const earlier = await this.repo().findOneBy({ department, idempotencyKey: key });
    if (earlier) return this.replay(earlier, requestHash, body);

    const subject = await this.registeredSubject(body.subjectCode);
    const signedAt = new Date().toISOString();
    const policy = await this.policies.inForceAt(jurisdiction, shanghaiDate(signedAt));
    if (!policy) {
      throw await policyMissing(this.policies, 'COMMITMENT_POLICY_MISSING', NAMES.policy, jurisdiction);
    }
    const rules = commitmentRules(policy);

    const queryCode = newQueryCode();
    const outcome = await this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`commitment-key:${department}:${key}`]);
      const raced = await this.repo(tx).findOneBy({ department, idempotencyKey: key });
      if (raced) return { raced, row: undefined };
      // 承诺编号: `<JURISDICTION>-CN-<year>-<6 digits>`, counted per jurisdiction and Beijing year.
      const caseNo = await allocateCaseNo(
        tx,
        'commitment_case_no',
        `${jurisdiction.toUpperCase()}-CN`,
        signedAt,
      );
      const row = this.repo(tx).create({
        id: randomUUID(),
        caseNo,
        queryCodeHash: queryCodeHash(queryCode),
        idempotencyKey: key,
        requestHash,
        jurisdiction,
        policyVersion: policy.version,
        kind: body.kind,
        department,
        subjectCode: subject.code,
        subjectName: subject.name,
        subjectKind: subject.kind,
        signerName: body.signer.name,
        signerContact: body.signer.contact,
        matter: body.matter,
        published: body.published ?? rules.publishedKinds.includes(body.kind),
        status: 'checking',
        nextDueAt: null,
        overdue: false,
        escalationLevel: 0,
        validUntil: null,
        breachRecordId: null,
        keptRecordId: null,
        createdBy: principal.sub,
        signedAt: new Date(signedAt),
        closedAt: null,
        revision: 0,
        snapshot: null,
        workflowStartedAt: null,
        updatedAt: new Date(signedAt),
      });
      return { raced: undefined, row: await this.repo(tx).save(row) };
    });
    if (outcome.raced) return this.replay(outcome.raced, requestHash, body);

    try {
      await this.startWorkflow(outcome.row, body, policy);
    } catch (err) {
      // The signer may retry with the same key. Should the start have gone through after all,
      // the workflow's first publication brings the row back.
      await this.repo().delete({ id: outcome.row.id, revision: 0 });
      throw err;
    }
    return { created: true, queryCode, case: commitmentSummary(await this.intakeDecided(outcome.row.id)) };
  }

  private async replay(
    row: CommitmentCase,
    requestHash: string,
    body: CreateCommitmentBody,
  ): Promise<CreateCommitmentResult> {
    if (row.requestHash !== requestHash) throw idempotencyKeyReused(`信用承诺${row.caseNo}`, row.caseNo);
    // The first attempt may have stored the commitment but not reached Temporal; the body is the
    // first one (same hash), so the start is rebuilt from it.
    if (row.revision === 0 && !row.workflowStartedAt) await this.startWorkflow(row, body);
    return { created: false, queryCode: null, case: commitmentSummary(await this.intakeDecided(row.id)) };
  }

  /** The signing subject as registered: its name and kind come from the registry, not the form. */
  private async registeredSubject(code: string): Promise<CreditSubject> {
    try {
      return await this.subjects.findByCode(code);
    } catch (err) {
      if (err instanceof RegistryError && (err.kind === 'not-found' || err.kind === 'bad-input')) {
        throw notFound(
          'COMMITMENT_SUBJECT_NOT_FOUND',
          `信用主体“${code}”尚未登记：请先在信用主体库中登记该主体，再签署信用承诺。`,
          { subjectCode: code },
        );
      }
      throw err;
    }
  }

  private async startWorkflow(row: CommitmentCase, body: CreateCommitmentBody, policy?: PolicyVersion) {
    const version =
      policy ?? (await this.policies.versions(row.jurisdiction)).find((v) => v.version === row.policyVersion);
    if (!version) {
      throw new Error(`policy ${row.jurisdiction} v${row.policyVersion} of commitment ${row.id} is gone`);
    }
    const start: CommitmentStart = {
      caseId: row.id,
      caseNo: row.caseNo,
      jurisdiction: row.jurisdiction,
      policy: version,
      kind: row.kind,
      department: row.department,
      subject: { code: row.subjectCode, name: row.subjectName, kind: row.subjectKind as SubjectKind },
      signer: body.signer,
      matter: row.matter,
      ...(body.items ? { items: body.items } : {}),
      ...(body.validity ? { validity: body.validity } : {}),
      ...(body.published !== undefined ? { published: body.published } : {}),
      signedBy: row.createdBy,
      signedAt: row.signedAt.toISOString(),
    };
    await startCaseWorkflow<typeof commitment>(this.temporal, 'commitment', {
      taskQueue: this.config.temporal.taskQueue,
      workflowId: commitmentWorkflowId(row.id),
      args: [start],
    });
  }

  /** The row once the intake has decided (admitted or refused), or as it is after the wait. */
  private async intakeDecided(id: string): Promise<CommitmentCase> {
    let row = await this.repo().findOneByOrFail({ id });
    await waitUntil(async () => {
      row = (await this.repo().findOneBy({ id })) ?? row;
      return row.status !== 'checking';
    }, INTAKE_DECISION_WAIT_MS);
    return row;
  }

  /** Gives the signer a new query code (the previous one stops working). */
  async reissueQueryCode(principal: Principal, id: string): Promise<{ caseNo: string; queryCode: string }> {
    const row = await this.forDepartment(principal, id);
    return { caseNo: row.caseNo, queryCode: await reissueQueryCode(this.repo(), id) };
  }

  // ------------------------------------------------------------------ actions

  /**
   * A commitment the caller's department accepted: 404 unknown or another jurisdiction's, 403
   * another department's of the same jurisdiction (naming the department, nothing of the case).
   */
  private async forDepartment(principal: Principal, id: string): Promise<CommitmentCase> {
    requireClaim(principal, 'department');
    const row = await this.repo().findOneBy({ id });
    const relation = row
      ? officeRelation(principal, { jurisdiction: row.jurisdiction, officeDepartment: row.department })
      : 'elsewhere';
    if (!row || relation === 'elsewhere') throw commitmentNotFound();
    if (relation !== 'own') {
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        'COMMITMENT_OTHER_DEPARTMENT',
        `该信用承诺由${row.department}受理，只有该部门的经办人可以办理。`,
      );
    }
    return row;
  }

  private endedError(row: CommitmentCase): ApiError {
    return conflict(
      'COMMITMENT_ENDED',
      `信用承诺${row.caseNo}已办结（${COMMITMENT_STATUS_NAMES_ZH[row.status]}），不能再办理。`,
    );
  }

  /**
   * Runs one of the department's updates; the workflow decides. Answers the case file as
   * GET /api/commitments/:id reads it after the action (read-your-writes).
   */
  async act<Input extends object>(
    principal: Principal,
    id: string,
    update: CommitmentUpdate<Input>,
    input: Input,
    idempotencyKey?: string,
  ): Promise<CommitmentAnswer> {
    const row = await this.forDepartment(principal, id);
    return this.update(principal, row, update, input, idempotencyKey, () => this.caseFile(id));
  }

  /**
   * A reported breach (违诺线索): any staff member of the commitment's jurisdiction may report one
   * (a supervisor without a jurisdiction claim, of every jurisdiction); elsewhere it does not exist.
   * Answered with the case file when the reporter may read it, else with the case's summary line
   * and the reporter's own reports.
   */
  async reportBreach(
    principal: Principal,
    id: string,
    input: { description: string; source?: string },
    idempotencyKey?: string,
  ): Promise<CommitmentAnswer> {
    const row = await this.repo().findOneBy({ id });
    const everywhere = principal.roles.includes('supervisor') && !principal.jurisdiction;
    if (!row || (!everywhere && requireClaim(principal, 'jurisdiction') !== row.jurisdiction)) {
      throw commitmentNotFound();
    }
    const readable = inScope(scopeOf(principal), {
      jurisdiction: row.jurisdiction,
      officeDepartment: row.department,
    });
    return this.update(principal, row, reportBreachUpdate, input, idempotencyKey, async () => {
      if (readable) return this.caseFile(id);
      const now = await this.repo().findOneByOrFail({ id });
      const own = (now.snapshot?.reports ?? []).filter((r) => r.reportedBy === principal.sub);
      return { ...commitmentSummary(now), breachReports: own };
    });
  }

  private update<Input extends object>(
    principal: Principal,
    row: CommitmentCase,
    update: CommitmentUpdate<Input>,
    input: Input,
    idempotencyKey: string | undefined,
    read: () => Promise<CommitmentAnswer>,
  ): Promise<CommitmentAnswer> {
    checkActionKey(idempotencyKey);
    // A repeated request (same key) is answered by Temporal with the first update's result.
    if (!idempotencyKey && COMMITMENT_ENDED.includes(row.status)) throw this.endedError(row);
    return answerAfterUpdate(
      this.temporal,
      {
        workflowId: commitmentWorkflowId(row.id),
        update,
        input,
        actor: principal.sub,
        idempotencyKey,
        repo: this.repo(),
        caseId: row.id,
        errors: {
          refusals: COMMITMENT_REFUSALS,
          failedCode: 'COMMITMENT_UPDATE_FAILED',
          whenGone: async () => this.endedError(await this.repo().findOneByOrFail({ id: row.id })),
        },
      },
      read,
    );
  }

  // ------------------------------------------------------------------ staff reads

  async detail(principal: Principal, id: string) {
    const row = await this.repo().findOneBy({ id });
    if (
      !row ||
      !inScope(scopeOf(principal), { jurisdiction: row.jurisdiction, officeDepartment: row.department })
    ) {
      throw commitmentNotFound();
    }
    return this.caseFile(id);
  }

  /** The case file of a commitment the caller may see (checked before): what detail() answers. */
  private async caseFile(id: string) {
    const row = await this.repo().findOneByOrFail({ id });
    const [items, events] = await Promise.all([
      this.dataSource.getRepository(CommitmentItem).find({ where: { caseId: id }, order: { no: 'ASC' } }),
      this.events(id),
    ]);
    return commitmentDetail(row, items, events);
  }

  private events(caseId: string): Promise<CommitmentEvent[]> {
    return this.dataSource.getRepository(CommitmentEvent).find({ where: { caseId }, order: { seq: 'ASC' } });
  }

  private filtered(principal: Principal, query: Omit<ListQuery, 'page' | 'pageSize'>) {
    const scope = scopeCondition(scopeOf(principal), SCOPE_COLUMNS);
    const qb = this.repo().createQueryBuilder('c').where(scope.sql, scope.params);
    if (query.kind) qb.andWhere('c.kind IN (:...kind)', { kind: query.kind });
    if (query.status) qb.andWhere('c.status IN (:...status)', { status: query.status });
    if (query.department) qb.andWhere('c.department = :department', { department: query.department });
    if (query.subjectCode) qb.andWhere('c.subject_code = :subjectCode', { subjectCode: query.subjectCode });
    if (query.jurisdiction)
      qb.andWhere('c.jurisdiction = :jurisdiction', { jurisdiction: query.jurisdiction });
    if (query.overdue !== undefined) qb.andWhere('c.overdue = :overdue', { overdue: query.overdue });
    if (query.breached !== undefined) {
      qb.andWhere(query.breached ? "c.status = 'breached'" : "c.status <> 'breached'");
    }
    if (query.dueBefore) {
      // Deadlines run only while the commitment is in force: an item not yet supplied, or the
      // earliest open deadline of the case (verification, a reported breach's review).
      qb.andWhere(
        `c.status = 'in-force' AND (c.next_due_at < :before OR EXISTS (
           SELECT 1 FROM commitment_item i
           WHERE i.case_id = c.id AND i.supplied_at IS NULL AND i.due_at < :before))`,
        { before: beforeInstant(query.dueBefore) },
      );
    }
    return qb;
  }

  list(principal: Principal, query: ListQuery) {
    const qb = this.filtered(principal, query).orderBy('c.signed_at', 'DESC').addOrderBy('c.id', 'ASC');
    return pageOf(qb, query, commitmentSummary);
  }

  /** Counts by kind, status or department (the one that accepted the commitment). */
  counts(principal: Principal, query: CountQuery) {
    const dimension = {
      kind: { column: 'c.kind', names: COMMITMENT_KIND_NAMES_ZH },
      status: { column: 'c.status', names: COMMITMENT_STATUS_NAMES_ZH },
      department: { column: 'c.department', names: undefined },
    }[query.by];
    return countsOf(this.filtered(principal, query), query.by, dimension.column, dimension.names);
  }

  // ------------------------------------------------------------------ the signer and the public

  async lookup(queryCode: string, subjectCode: string) {
    const row = await findByQueryCode(this.repo(), queryCode, subjectCode);
    if (!row) {
      throw notFound(
        'COMMITMENT_LOOKUP_NOT_FOUND',
        '未查询到信用承诺：请核对查询码和主体代码（统一社会信用代码或身份证号码）。',
      );
    }
    return signerView(row, await this.events(row.id));
  }

  private published() {
    return this.repo()
      .createQueryBuilder('c')
      .where('c.published AND c.revision > 0 AND c.status IN (:...shown)', { shown: PUBLIC_STATUSES });
  }

  /** The 信用承诺专栏 of a jurisdiction: published commitments, newest first. */
  publicList(query: PublicListQuery) {
    const qb = this.published().andWhere('c.jurisdiction = :jurisdiction', {
      jurisdiction: query.jurisdiction,
    });
    if (query.kind) qb.andWhere('c.kind IN (:...kind)', { kind: query.kind });
    return pageOf(qb.orderBy('c.signed_at', 'DESC').addOrderBy('c.id', 'ASC'), query, publicCommitment);
  }

  async publicDetail(caseNo: string) {
    const row = await this.published()
      .andWhere('c.case_no = :caseNo', { caseNo: caseNo.trim().toUpperCase() })
      .getOne();
    if (!row) {
      throw notFound(
        'COMMITMENT_NOT_PUBLISHED',
        `信用承诺专栏中没有编号为“${caseNo}”的承诺：请核对承诺编号。`,
      );
    }
    return publicCommitment(row);
  }
}
