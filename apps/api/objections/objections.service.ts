import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
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
  OPEN_STATUSES,
  providerReplyUpdate,
  requestMaterialsUpdate,
  withdrawUpdate,
  type ProviderReplyResult,
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
import { ApiError, badRequest, conflict, notFound, unprocessable } from '../common/errors';
import { APP_CONFIG, TEMPORAL_CLIENT } from '../core/runtime';
import { applicantView, caseDetail, caseSummary } from './objection-views';
import { inScope, requireClaim, scopeCondition, scopeOf } from './objection-scope';
import type { CountQuery, CreateObjectionBody, ListQuery } from './objections.schemas';
import { unavailable, updateError } from './workflow-errors';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,200}$/;
/** Crockford base32 without I, L, O, U: a code read out on the phone is not misheard. */
const QUERY_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** 12 characters (60 bits) in three groups, e.g. `7K2M-Q9TX-4HCP`. */
function newQueryCode(): string {
  const chars = [...randomBytes(12)].map((b) => QUERY_CODE_ALPHABET[b % 32]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
}
const normalizeQueryCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');
const queryCodeHash = (code: string) => sha256(normalizeQueryCode(code));

const caseNotFound = () => notFound('OBJECTION_NOT_FOUND', '未找到该异议案件。');

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
    if (!idempotencyKey || !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw badRequest(
        'IDEMPOTENCY_KEY_REQUIRED',
        '请在请求头 Idempotency-Key 中提供本次登记的唯一标识（8–200 个可见 ASCII 字符），重复提交时使用同一标识。',
      );
    }
    const requestHash = sha256(JSON.stringify({ jurisdiction, body }));
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
      throw unprocessable('OBJECTION_POLICY_MISSING', `辖区“${jurisdiction}”没有现行有效的异议处理政策。`);
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
      const open = await this.repo(tx)
        .createQueryBuilder('c')
        .where('c.record_id = :recordId AND c.status IN (:...open)', {
          recordId: record.id,
          open: OPEN_STATUSES,
        })
        .getOne();
      if (open) {
        throw conflict(
          'OBJECTION_ALREADY_OPEN',
          `该信用记录已有正在办理的异议案件（${open.caseNo}），请勿重复受理。`,
          { caseNo: open.caseNo },
        );
      }
      const caseNo = await this.allocateCaseNo(tx, jurisdiction, receivedAt);
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

  private async replay(row: ObjectionCase, requestHash: string) {
    if (row.requestHash !== requestHash) {
      throw conflict(
        'IDEMPOTENCY_KEY_REUSED',
        `该 Idempotency-Key 已用于登记异议案件${row.caseNo}，但本次提交的内容不同；新的登记请使用新的标识。`,
        { caseNo: row.caseNo },
      );
    }
    // The first attempt may have stored the case but not reached Temporal.
    if (row.revision === 0 && !row.workflowStartedAt) await this.startWorkflow(row);
    return {
      created: false,
      queryCode: null,
      case: caseSummary(await this.repo().findOneByOrFail({ id: row.id })),
    };
  }

  /** 异议受理编号: `<JURISDICTION>-<year>-<6 digits>`, counted per jurisdiction and Beijing year. */
  private async allocateCaseNo(tx: EntityManager, jurisdiction: string, receivedAt: string): Promise<string> {
    const prefix = jurisdiction.toUpperCase();
    const year = Number(shanghaiDate(receivedAt).slice(0, 4));
    const [{ last }]: { last: number }[] = await tx.query(
      `INSERT INTO objection_case_no (prefix, year, last) VALUES ($1, $2, 1)
       ON CONFLICT (prefix, year) DO UPDATE SET last = objection_case_no.last + 1
       RETURNING last`,
      [prefix, year],
    );
    return `${prefix}-${year}-${String(last).padStart(6, '0')}`;
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
    try {
      await this.temporal.workflow.start<typeof objection>('objection', {
        taskQueue: this.config.temporal.taskQueue,
        workflowId: objectionWorkflowId(row.id),
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [start],
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return;
      throw unavailable(err);
    }
  }

  /** Gives the applicant a new query code (the old one stops working), e.g. when the first was lost. */
  async reissueQueryCode(principal: Principal, id: string): Promise<{ caseNo: string; queryCode: string }> {
    const row = await this.forOffice(principal, id);
    const queryCode = newQueryCode();
    await this.repo().update({ id }, { queryCodeHash: queryCodeHash(queryCode) });
    return { caseNo: row.caseNo, queryCode };
  }

  // ------------------------------------------------------------------ actions

  /** Loads a case the caseworker's office runs: 404 unknown, 403 another department's. */
  private async forOffice(principal: Principal, id: string): Promise<ObjectionCase> {
    const department = requireClaim(principal, 'department');
    const row = await this.repo().findOneBy({ id });
    if (!row) throw caseNotFound();
    if (row.officeDepartment !== department) {
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        'OBJECTION_OTHER_DEPARTMENT',
        `异议案件${row.caseNo}由${row.officeDepartment}办理，只有该部门的经办人可以操作。`,
      );
    }
    return row;
  }

  private endedError(row: ObjectionCase): ApiError {
    return conflict('OBJECTION_ENDED', `异议案件${row.caseNo}已${STATUS_NAMES_ZH[row.status]}，不能再办理。`);
  }

  /** Runs one of the caseworker's updates on the case workflow; the workflow decides and answers. */
  async act<U extends CaseUpdate>(
    principal: Principal,
    id: string,
    update: U,
    input: Record<string, unknown>,
    idempotencyKey?: string,
  ): Promise<ObjectionView> {
    const row = await this.forOffice(principal, id);
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw badRequest('IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key 必须是 8–200 个可见 ASCII 字符。');
    }
    // A repeated request (same key) is answered by Temporal with the first update's result.
    if (!idempotencyKey && ENDED_STATUSES.includes(row.status)) throw this.endedError(row);
    try {
      const snapshot = await this.temporal.workflow
        .getHandle(objectionWorkflowId(id))
        .executeUpdate(update as typeof forwardUpdate, {
          args: [{ ...input, actor: principal.sub }] as never,
          ...(idempotencyKey ? { updateId: `${update.name}:${idempotencyKey}` } : {}),
        });
      await this.readModelAt(id, snapshot.revision);
      return snapshot;
    } catch (err) {
      throw await updateError(err, async () => this.endedError(await this.repo().findOneByOrFail({ id })));
    }
  }

  /**
   * Read-your-writes: the workflow may answer an update just before its read-model write lands;
   * waits (briefly) until the row shows the answered revision, so the caller's next read sees it.
   */
  private async readModelAt(id: string, revision: number, timeoutMs = 5_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const row = await this.repo().findOne({ where: { id }, select: { id: true, revision: true } });
      if (!row || row.revision >= revision) return;
      await new Promise((r) => setTimeout(r, 50));
    }
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
  ): Promise<{ reply: ProviderReplyResult; case: ReturnType<typeof caseSummary> }> {
    const department = requireClaim(principal, 'department');
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
        });
      return { reply, case: caseSummary(await this.repo().findOneByOrFail({ id })) };
    } catch (err) {
      throw await updateError(err, async () => {
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
      });
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
    const row = await this.repo().findOneBy({ queryCodeHash: queryCodeHash(queryCode) });
    // One answer for a wrong code and a wrong subject: the pair is the secret.
    if (!row || row.subjectCode !== normalizeIdentifier(subjectCode)) {
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

  private events(caseId: string): Promise<ObjectionEvent[]> {
    return this.dataSource.getRepository(ObjectionEvent).find({ where: { caseId }, order: { seq: 'ASC' } });
  }

  private filtered(principal: Principal, query: Omit<ListQuery, 'page' | 'pageSize'>) {
    const scope = scopeCondition(scopeOf(principal));
    const qb = this.repo().createQueryBuilder('c').where(scope.sql, scope.params);
    if (query.status) qb.andWhere('c.status IN (:...status)', { status: query.status });
    if (query.department) {
      qb.andWhere('(c.office_department = :department OR c.provider_department = :department)', {
        department: query.department,
      });
    }
    if (query.step) qb.andWhere('c.current_step = :step', { step: query.step });
    if (query.overdue !== undefined) qb.andWhere('c.overdue = :overdue', { overdue: query.overdue });
    if (query.dueBefore) {
      // A date means the start of that Beijing day.
      const before = /^\d{4}-\d{2}-\d{2}$/.test(query.dueBefore)
        ? `${query.dueBefore}T00:00:00+08:00`
        : query.dueBefore;
      qb.andWhere('c.step_due_at < :before', { before: new Date(before) });
    }
    if (query.jurisdiction)
      qb.andWhere('c.jurisdiction = :jurisdiction', { jurisdiction: query.jurisdiction });
    return qb;
  }

  async list(principal: Principal, query: ListQuery) {
    const [rows, total] = await this.filtered(principal, query)
      .orderBy('c.received_at', 'DESC')
      .addOrderBy('c.id', 'ASC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
    return { total, page: query.page, pageSize: query.pageSize, items: rows.map(caseSummary) };
  }

  /** Counts by one dimension; `department` is the office that runs the case. */
  async counts(principal: Principal, query: CountQuery) {
    const column = {
      status: 'c.status',
      department: 'c.office_department',
      step: 'c.current_step',
      overdue: 'c.overdue',
    }[query.by];
    const rows = await this.filtered(principal, query)
      .select(column, 'key')
      .addSelect('COUNT(*)::int', 'count')
      .groupBy(column)
      .orderBy(column, 'ASC', 'NULLS LAST')
      .getRawMany<{ key: string | boolean | null; count: number }>();
    return {
      by: query.by,
      total: rows.reduce((sum, r) => sum + r.count, 0),
      counts: rows.map((r) => ({
        key: r.key,
        ...(query.by === 'status' && typeof r.key === 'string'
          ? { name: STATUS_NAMES_ZH[r.key as keyof typeof STATUS_NAMES_ZH] }
          : {}),
        count: r.count,
      })),
    };
  }
}
