import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, type FindOptionsWhere } from 'typeorm';
import { PolicyStore } from '../../../activities/policies/policy-store';
import { RecordService, RegistryError } from '../../../activities/registry';
import { createRepairActivities } from '../../../activities/repair/repair-activities';
import type { AppConfig } from '../../../infra/config/config';
import { RepairCase, RepairEvent } from '../../../infra/database/entities/repair';
import type { CreditSubject } from '../../../infra/database/entities/registry';
import { shanghaiDate } from '../../../workflows/calendar';
import { policyInForceAt } from '../../../workflows/policies';
import { departmentByName } from '../../../workflows/reference/directory';
import type { PolicyVersion } from '../../../workflows/policies/types';
import type { SubjectKind } from '../../../workflows/registry/types';
import type { RepairFacts } from '../../../workflows/repair/activities-contract';
import { repairEligibility } from '../../../workflows/repair/eligibility';
import type { creditRepair } from '../../../workflows/repair/repair';
import {
  REPAIR_ENDED,
  repairWorkflowId,
  type RepairChannel,
  type RepairStart,
} from '../../../workflows/repair/types';
import type { Principal } from '../auth/roles';
import {
  allocateCaseNo,
  idempotencyKeyReused,
  newQueryCode,
  queryCodeHash,
  registerOnce,
  requestHash as hashOf,
  requireIdempotencyKey,
} from '../cases/case-intake';
import { requireClaim } from '../cases/case-scope';
import { rowWhen, startCaseWorkflow } from '../cases/case-workflows';
import { conflict, notFound, unprocessable } from '../common/errors';
import { policyMissing } from '../cases/policy-missing';
import { APP_CONFIG, TEMPORAL_CLIENT } from '../core/runtime';
import { applicantView, eligibilityView, repairSummary } from './repair-views';
import type { ApplyOnlineBody, EligibilityQuery, RegisterApplicationBody } from './repairs.schemas';

export const REPAIR_NAMES = { procedure: '信用修复申请', policy: '信用修复政策' };

/** How long creation waits for the workflow's eligibility check (it usually takes well under a second). */
const INTAKE_DECISION_WAIT_MS = 10_000;

/** The channels of an application the subject makes itself (no token). */
const ONLINE_CHANNELS: readonly RepairChannel[] = ['website', 'app'];

/** What either intake brings: the body both share, and its channel. */
type ApplicationBody = Omit<RegisterApplicationBody, 'channel'> & { channel: RepairChannel };

/** Who receives an application, and how its Idempotency-Key is kept. */
interface Intake {
  jurisdiction: string;
  /** The caseworker's department; an online application goes to the record's identifying department. */
  office?: string;
  createdBy: string;
  /** The key as stored in `repair_case.idempotency_key`. */
  key: string;
  /** The case an earlier request with the same key registered. */
  earlier: FindOptionsWhere<RepairCase>;
}

/** The record to repair and its subject as the registry has them, with the subject's bars. */
interface RecordFacts extends RepairFacts {
  subject: CreditSubject;
}

/**
 * Intake of credit repair applications (信用修复申请): the public pre-check, the subject's online
 * application and the office's registration. The case row comes first (revision 0, status
 * received), then the workflow, which checks eligibility and refuses an ineligible application at
 * once; creation answers once that check is on file.
 */
@Injectable()
export class RepairApplicationsService {
  private readonly records: RecordService;
  /** The repair activities' read of the record and the subject's bars: one home for those facts. */
  private readonly facts: ReturnType<typeof createRepairActivities>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: PolicyStore,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.records = new RecordService(dataSource);
    this.facts = createRepairActivities({ dataSource });
  }

  private repo(m: EntityManager = this.dataSource.manager) {
    return m.getRepository(RepairCase);
  }

  // ------------------------------------------------------------------ the pre-check

  /** Whether the record can be repaired today, and if not when (no case is created). */
  async eligibility(query: EligibilityQuery) {
    const facts = await this.recordFacts(query.recordId, query.subjectCode);
    const policies = await this.policiesOf(query.jurisdiction);
    requireRecordJurisdiction(facts.record, query.jurisdiction);
    const today = shanghaiDate(new Date().toISOString());
    const eligibility = repairEligibility({
      record: facts.record,
      policies,
      bars: facts.bars,
      today,
      rectifications: facts.rectifications,
    });
    return {
      jurisdiction: query.jurisdiction,
      today,
      record: {
        id: facts.record.id,
        department: facts.record.department,
        title: facts.record.title,
        documentNo: facts.record.documentNo,
        decisionDate: facts.record.decisionDate,
        severityTier: facts.record.severityTier,
      },
      ...eligibilityView(eligibility),
    };
  }

  // ------------------------------------------------------------------ applications

  /** The subject applies online (no token); answered with what its look-up shows. */
  async applyOnline(idempotencyKey: string | undefined, body: ApplyOnlineBody) {
    const { jurisdiction, ...application } = body;
    // The subject's own key, kept with its code and a space (which no key may contain): it never
    // meets an office's key, nor another subject's.
    const key = `online ${application.subjectCode} ${requireIdempotencyKey(idempotencyKey)}`;
    const result = await this.register(
      { jurisdiction, createdBy: 'applicant', key, earlier: { idempotencyKey: key } },
      application,
    );
    return { ...result, case: applicantView(result.case, await this.events(result.case.id)) };
  }

  /** A caseworker registers an application received at the window, by mail or from a department. */
  async registerAtOffice(
    principal: Principal,
    idempotencyKey: string | undefined,
    body: RegisterApplicationBody,
  ) {
    const office = requireClaim(principal, 'department', REPAIR_NAMES);
    const jurisdiction = requireClaim(principal, 'jurisdiction', REPAIR_NAMES);
    const key = requireIdempotencyKey(idempotencyKey);
    const result = await this.register(
      { jurisdiction, office, createdBy: principal.sub, key, earlier: { office, idempotencyKey: key } },
      body,
    );
    return { ...result, case: repairSummary(result.case) };
  }

  /**
   * Registers the application and starts its workflow, then waits (bounded) for the eligibility
   * check. Idempotent on the key: the same key with the same body answers the case it created
   * (starting its workflow if that had failed); another body 409. One open application per record.
   */
  private async register(intake: Intake, body: ApplicationBody) {
    const requestHash = hashOf({ jurisdiction: intake.jurisdiction, body });
    const earlier = await this.repo().findOneBy(intake.earlier);
    if (earlier) return this.replay(earlier, requestHash, body);

    const facts = await this.recordFacts(body.recordId, body.subjectCode);
    const receivedAt = new Date().toISOString();
    const policies = await this.policiesOf(intake.jurisdiction);
    // Online, the applicant picks the website; at the window the office is the caseworker's own.
    if (!intake.office) requireRecordJurisdiction(facts.record, intake.jurisdiction);
    const policy = policyInForceAt(policies, shanghaiDate(receivedAt));
    if (!policy) throw await this.policyMissing(intake.jurisdiction);
    const office = intake.office ?? facts.record.department;

    const queryCode = newQueryCode();
    const { row, created } = await registerOnce(
      this.dataSource,
      [`repair-key:${intake.office ?? 'online'}:${intake.key}`, `repair-record:${facts.record.id}`],
      (tx) => this.repo(tx).findOneBy(intake.earlier),
      async (tx) => {
        await this.refuseSecondOpen(tx, facts.record.id);
        // 修复受理编号: `<JURISDICTION>-XF-<year>-<6 digits>`, counted per jurisdiction and Beijing year.
        const caseNo = await allocateCaseNo(
          tx,
          'repair_case_no',
          `${intake.jurisdiction.toUpperCase()}-XF`,
          receivedAt,
        );
        return this.repo(tx).save(
          this.repo(tx).create({
            id: randomUUID(),
            caseNo,
            queryCodeHash: queryCodeHash(queryCode),
            idempotencyKey: intake.key,
            requestHash,
            jurisdiction: intake.jurisdiction,
            policyVersion: policy.version,
            office,
            channel: body.channel,
            subjectCode: facts.subject.code,
            subjectName: facts.subject.name,
            applicantName: body.applicant.name,
            applicantContact: body.applicant.contact,
            recordId: facts.record.id,
            recordDepartment: facts.record.department,
            tier: null,
            status: 'received',
            currentStep: null,
            stepDueAt: null,
            overdue: false,
            escalationLevel: 0,
            decidedAt: null,
            approved: null,
            reapplyFrom: null,
            barredUntil: null,
            commitmentCaseId: null,
            createdBy: intake.createdBy,
            receivedAt: new Date(receivedAt),
            closedAt: null,
            revision: 0,
            snapshot: null,
            workflowStartedAt: null,
            updatedAt: new Date(receivedAt),
          }),
        );
      },
    );
    if (!created) return this.replay(row, requestHash, body);

    try {
      await this.startWorkflow(row, body, { facts, policies });
    } catch (err) {
      // The applicant may retry with the same key, and a case without a workflow must not hold the
      // record. Should the start have gone through after all, the first publication brings the row back.
      await this.repo().delete({ id: row.id, revision: 0 });
      throw err;
    }
    return { created: true, queryCode, case: await this.eligibilityChecked(row.id) };
  }

  private async replay(row: RepairCase, requestHash: string, body: ApplicationBody) {
    if (row.requestHash !== requestHash) throw idempotencyKeyReused(`信用修复申请${row.caseNo}`, row.caseNo);
    // The first attempt may have stored the case but not reached Temporal; the body is the first
    // one (same hash), so the start is rebuilt from it.
    if (row.revision === 0 && !row.workflowStartedAt) await this.startWorkflow(row, body);
    return { created: false, queryCode: null, case: await this.eligibilityChecked(row.id) };
  }

  /** 409 while another application of the record runs (or its repair commitment does). */
  private async refuseSecondOpen(tx: EntityManager, recordId: string): Promise<void> {
    const open = await this.repo(tx)
      .createQueryBuilder('c')
      .where('c.record_id = :recordId AND c.status NOT IN (:...ended)', { recordId, ended: REPAIR_ENDED })
      .getOne();
    if (open) {
      throw conflict(
        'REPAIR_ALREADY_OPEN',
        open.status === 'approved'
          ? `该信用记录已准予信用修复（${open.caseNo}），信用修复承诺履行期间不能再次申请。`
          : `该信用记录已有正在办理的信用修复申请（${open.caseNo}），请勿重复申请。`,
        { caseNo: open.caseNo },
      );
    }
  }

  private async startWorkflow(
    row: RepairCase,
    body: ApplicationBody,
    known?: { facts: RecordFacts; policies: PolicyVersion[] },
  ): Promise<void> {
    const { facts, policies } = known ?? {
      facts: await this.recordFacts(row.recordId, row.subjectCode),
      policies: await this.policies.versions(row.jurisdiction),
    };
    const policy = policies.find((v) => v.version === row.policyVersion);
    if (!policy) {
      throw new Error(`policy ${row.jurisdiction} v${row.policyVersion} of repair case ${row.id} is gone`);
    }
    const start: RepairStart = {
      caseId: row.id,
      caseNo: row.caseNo,
      jurisdiction: row.jurisdiction,
      policy,
      policies,
      office: row.office,
      channel: row.channel as RepairChannel,
      subject: {
        code: facts.subject.code,
        name: facts.subject.name,
        kind: facts.subject.kind as SubjectKind,
      },
      applicant: body.applicant,
      record: facts.record,
      materials: body.materials.map((m) => ({ ...m, at: row.receivedAt.toISOString() })),
      // The accepting step's assignee: an online application waits in the office's inbox.
      receivedBy: ONLINE_CHANNELS.includes(row.channel as RepairChannel)
        ? `caseworker@${row.office}`
        : row.createdBy,
      receivedAt: row.receivedAt.toISOString(),
    };
    await startCaseWorkflow<typeof creditRepair>(this.temporal, 'creditRepair', {
      taskQueue: this.config.temporal.taskQueue,
      workflowId: repairWorkflowId(row.id),
      args: [start],
    });
  }

  /**
   * The row once the workflow has checked eligibility and put the case on its first step with a
   * due date (or refused it), or as it is after the wait: the applicant's answer says what comes next.
   */
  private eligibilityChecked(id: string): Promise<RepairCase> {
    return rowWhen(
      this.repo(),
      id,
      (row) =>
        row.status !== 'received' ||
        (row.snapshot?.eligibility !== undefined && !!row.currentStep && !!row.snapshot.step?.due),
      INTAKE_DECISION_WAIT_MS,
    );
  }

  private events(caseId: string): Promise<RepairEvent[]> {
    return this.dataSource.getRepository(RepairEvent).find({ where: { caseId }, order: { seq: 'ASC' } });
  }

  // ------------------------------------------------------------------ facts

  /** The record (404 unknown) of the given subject (422 another's), as the workflow reads it. */
  private async recordFacts(recordId: string, subjectCode: string): Promise<RecordFacts> {
    const { subject } = await this.records.get(recordId).catch((err: unknown) => {
      if (err instanceof RegistryError && err.kind === 'not-found') {
        throw notFound('REPAIR_RECORD_NOT_FOUND', `未找到申请修复的信用记录（${recordId}）。`, { recordId });
      }
      throw err;
    });
    if (subject.code !== subjectCode) {
      throw unprocessable(
        'REPAIR_SUBJECT_MISMATCH',
        '填写的主体代码与该信用记录的信用主体不一致：只能申请修复本主体的信用记录。',
      );
    }
    // No case yet: every revoked repair of the subject may bar it.
    const facts = await this.facts.repairFacts({ recordId, subjectCode, caseId: '' });
    return { ...facts, subject };
  }

  private policyMissing(jurisdiction: string) {
    return policyMissing(this.policies, 'REPAIR_POLICY_MISSING', '信用修复政策', jurisdiction);
  }

  private async policiesOf(jurisdiction: string): Promise<PolicyVersion[]> {
    const versions = await this.policies.versions(jurisdiction);
    if (versions.length === 0) throw await this.policyMissing(jurisdiction);
    return versions;
  }
}

/**
 * 谁认定、谁修复: a record of a directory department is repaired in that department's
 * jurisdiction, under its policy, where its office sees the case. An application on another
 * jurisdiction's website is refused with the right one (422 REPAIR_JURISDICTION_MISMATCH).
 */
function requireRecordJurisdiction(record: { department: string }, jurisdiction: string): void {
  const identifying = departmentByName(record.department)?.jurisdiction;
  if (identifying && identifying.code !== jurisdiction) {
    throw unprocessable(
      'REPAIR_JURISDICTION_MISMATCH',
      `该信用记录由${record.department}认定，应在${identifying.name}辖区（代码 ${identifying.code}）申请信用修复，` +
        `不能在“${jurisdiction}”辖区办理（谁认定、谁修复）。`,
      { jurisdiction: identifying.code },
    );
  }
}
