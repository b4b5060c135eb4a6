import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { DataSource, EntityManager } from 'typeorm';
import { RepairCase, RepairEvent } from '../../../infra/database/entities/repair';
import {
  decideRepairUpdate,
  REPAIR_REFUSALS,
  revokeRepairUpdate,
  supplyRepairMaterialsUpdate,
  type DecideRepairInput,
  type RevokeRepairInput,
  type SupplyRepairMaterialsInput,
} from '../../../workflows/repair/messages';
import {
  REPAIR_ENDED,
  REPAIR_STATUS_NAMES_ZH,
  repairWorkflowId,
  type RepairView,
} from '../../../workflows/repair/types';
import type { Principal } from '../auth/roles';
import { checkActionKey, findByQueryCode } from '../cases/case-intake';
import { countsOf, pageOf } from '../cases/case-listing';
import {
  inScope,
  officeRelation,
  requireClaim as requireCaseClaim,
  scopeCondition,
  scopeOf,
} from '../cases/case-scope';
import { answerAfterUpdate } from '../cases/case-answers';
import { ApiError, conflict, notFound } from '../common/errors';
import { TEMPORAL_CLIENT } from '../core/runtime';
import { REPAIR_NAMES } from './repair-applications.service';
import { applicantView, pendingDecision, repairDetail, repairSummary } from './repair-views';
import type { CountQuery, ListQuery } from './repairs.schemas';

const requireClaim = (principal: Principal, claim: 'department' | 'jurisdiction') =>
  requireCaseClaim(principal, claim, REPAIR_NAMES);
/** A caseworker sees its office's applications, a provider those on its records (谁认定、谁修复). */
const SCOPE_COLUMNS = { officeDepartment: 'c.office', providerDepartment: 'c.record_department' };
const scoped = (row: RepairCase) => ({
  jurisdiction: row.jurisdiction,
  officeDepartment: row.office,
  providerDepartment: row.recordDepartment,
});

const repairNotFound = () => notFound('REPAIR_NOT_FOUND', '未找到该信用修复申请。');
const lookupNotFound = () =>
  notFound(
    'REPAIR_LOOKUP_NOT_FOUND',
    '未查询到信用修复申请：请核对查询码和主体代码（统一社会信用代码或身份证号码）。',
  );

/** The staff's file of an application (GET /api/repairs/:id), which the staff's actions answer. */
type RepairFile = ReturnType<typeof repairDetail>;

/** An update of the repair workflow, typed by its input without the actor the service adds. */
type RepairUpdate<Input> = UpdateDefinition<RepairView, [Input & { actor: string }]>;

/**
 * The repair procedure after intake (信用修复): the office's, the identifying department's and
 * the applicant's actions as workflow updates (the workflow decides and refuses), and reads from
 * the read model — staff listings, counts and files, the department's pending decisions, and the
 * applicant's look-up with the query code.
 */
@Injectable()
export class RepairsService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
  ) {}

  private repo(m: EntityManager = this.dataSource.manager) {
    return m.getRepository(RepairCase);
  }

  // ------------------------------------------------------------------ actions

  /**
   * An application the caller's office registered. Another jurisdiction's does not exist for it
   * (404); within the jurisdiction, another office's is refused (403).
   */
  private async forOffice(principal: Principal, id: string): Promise<RepairCase> {
    requireClaim(principal, 'department');
    const row = await this.repo().findOneBy({ id });
    const relation = row
      ? officeRelation(principal, { jurisdiction: row.jurisdiction, officeDepartment: row.office })
      : 'elsewhere';
    if (!row || relation === 'elsewhere') throw repairNotFound();
    if (relation !== 'own') {
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        'REPAIR_OTHER_OFFICE',
        `该信用修复申请由${row.office}受理，只有该部门的经办人可以办理。`,
      );
    }
    return row;
  }

  /** The office's actions: 补正, materials recorded, 受理, withdrawal. */
  async officeAction<Input extends object>(
    principal: Principal,
    id: string,
    update: RepairUpdate<Input>,
    input: Input,
    idempotencyKey?: string,
  ): Promise<RepairFile> {
    const row = await this.forOffice(principal, id);
    return this.update(principal.sub, row, update, input, idempotencyKey, () => this.caseFile(id));
  }

  /**
   * An application on a record of the caller's department (谁认定、谁修复): on another
   * department's record it does not exist for the caller (404), as in the objection's verification.
   */
  private async forIdentifyingDepartment(principal: Principal, id: string) {
    const department = requireClaim(principal, 'department');
    const row = await this.repo().findOneBy({ id });
    if (!row || row.recordDepartment !== department) throw repairNotFound();
    return { row, department };
  }

  /** The identifying department's decision: approve (every effect, the 修复决定书) or refuse. */
  async decide(
    principal: Principal,
    id: string,
    input: Omit<DecideRepairInput, 'actor' | 'department'>,
    idempotencyKey?: string,
  ): Promise<RepairFile> {
    const { row, department } = await this.forIdentifyingDepartment(principal, id);
    return this.update(principal.sub, row, decideRepairUpdate, { ...input, department }, idempotencyKey, () =>
      this.caseFile(id),
    );
  }

  /** The identifying department revokes an approved repair: the materials were false. */
  async revoke(
    principal: Principal,
    id: string,
    input: Omit<RevokeRepairInput, 'actor' | 'department'>,
    idempotencyKey?: string,
  ): Promise<RepairFile> {
    const { row, department } = await this.forIdentifyingDepartment(principal, id);
    return this.update(principal.sub, row, revokeRepairUpdate, { ...input, department }, idempotencyKey, () =>
      this.caseFile(id),
    );
  }

  /** The applicant supplies materials with the query code; answered with its look-up. */
  async supplyByQueryCode(
    queryCode: string,
    subjectCode: string,
    input: Omit<SupplyRepairMaterialsInput, 'actor'>,
    idempotencyKey?: string,
  ) {
    const row = await findByQueryCode(this.repo(), queryCode, subjectCode);
    if (!row) throw lookupNotFound();
    return this.update('applicant', row, supplyRepairMaterialsUpdate, input, idempotencyKey, () =>
      this.lookupOf(row.id),
    );
  }

  private endedError(row: RepairCase): ApiError {
    return conflict(
      'REPAIR_ENDED',
      `信用修复申请${row.caseNo}已办结（${REPAIR_STATUS_NAMES_ZH[row.status]}），不能再办理。`,
    );
  }

  /**
   * Runs one update; the workflow decides. Answers what `read` gives once the read model holds
   * the action: the caller's own GET of the application (read-your-writes).
   */
  private update<Input extends object, Answer>(
    actor: string,
    row: RepairCase,
    update: RepairUpdate<Input>,
    input: Input,
    idempotencyKey: string | undefined,
    read: () => Promise<Answer>,
  ): Promise<Answer> {
    checkActionKey(idempotencyKey);
    // A repeated request (same key) is answered by Temporal with the first update's result.
    if (!idempotencyKey && REPAIR_ENDED.includes(row.status)) throw this.endedError(row);
    return answerAfterUpdate(
      this.temporal,
      {
        workflowId: repairWorkflowId(row.id),
        update,
        input,
        actor,
        idempotencyKey,
        repo: this.repo(),
        caseId: row.id,
        errors: {
          refusals: REPAIR_REFUSALS,
          failedCode: 'REPAIR_UPDATE_FAILED',
          whenGone: async () => this.endedError(await this.repo().findOneByOrFail({ id: row.id })),
        },
      },
      read,
    );
  }

  // ------------------------------------------------------------------ staff reads

  async detail(principal: Principal, id: string) {
    const row = await this.repo().findOneBy({ id });
    if (!row || !inScope(scopeOf(principal), scoped(row))) throw repairNotFound();
    return repairDetail(row, await this.events(id));
  }

  /** The file of an application the caller may see (checked before): what detail() answers. */
  private async caseFile(id: string): Promise<RepairFile> {
    return repairDetail(await this.repo().findOneByOrFail({ id }), await this.events(id));
  }

  private events(caseId: string): Promise<RepairEvent[]> {
    return this.dataSource.getRepository(RepairEvent).find({ where: { caseId }, order: { seq: 'ASC' } });
  }

  private filtered(principal: Principal, query: Omit<ListQuery, 'page' | 'pageSize'>) {
    const scope = scopeCondition(scopeOf(principal), SCOPE_COLUMNS);
    const qb = this.repo().createQueryBuilder('c').where(scope.sql, scope.params);
    if (query.status) qb.andWhere('c.status IN (:...status)', { status: query.status });
    if (query.tier) qb.andWhere('c.tier IN (:...tier)', { tier: query.tier });
    if (query.department) {
      qb.andWhere('c.record_department = :department', { department: query.department });
    }
    if (query.office) qb.andWhere('c.office = :office', { office: query.office });
    if (query.overdue !== undefined) qb.andWhere('c.overdue = :overdue', { overdue: query.overdue });
    if (query.subjectCode) qb.andWhere('c.subject_code = :subjectCode', { subjectCode: query.subjectCode });
    if (query.jurisdiction) {
      qb.andWhere('c.jurisdiction = :jurisdiction', { jurisdiction: query.jurisdiction });
    }
    return qb;
  }

  list(principal: Principal, query: ListQuery) {
    const qb = this.filtered(principal, query).orderBy('c.received_at', 'DESC').addOrderBy('c.id', 'ASC');
    return pageOf(qb, query, repairSummary);
  }

  /** Counts by status, tier, or department (the record's identifying department). */
  counts(principal: Principal, query: CountQuery) {
    const dimension = {
      status: { column: 'c.status', names: REPAIR_STATUS_NAMES_ZH },
      tier: { column: 'c.tier', names: undefined },
      department: { column: 'c.record_department', names: undefined },
    }[query.by];
    return countsOf(this.filtered(principal, query), query.by, dimension.column, dimension.names);
  }

  /** Accepted applications on the caller's department's records, waiting for its decision. */
  async pendingDecisions(principal: Principal) {
    const department = requireClaim(principal, 'department');
    const rows = await this.repo()
      .createQueryBuilder('c')
      .where("c.status = 'accepted' AND c.record_department = :department", { department })
      .orderBy('c.step_due_at', 'ASC', 'NULLS LAST')
      .addOrderBy('c.received_at', 'ASC')
      .getMany();
    return { items: rows.map(pendingDecision) };
  }

  // ------------------------------------------------------------------ the applicant

  async lookup(queryCode: string, subjectCode: string) {
    const row = await findByQueryCode(this.repo(), queryCode, subjectCode);
    if (!row) throw lookupNotFound();
    return applicantView(row, await this.events(row.id));
  }

  private async lookupOf(id: string) {
    const row = await this.repo().findOneByOrFail({ id });
    return applicantView(row, await this.events(id));
  }
}
