import type { DataSource } from 'typeorm';
import { CommitmentCase } from '../../infra/database/entities/commitment';
import { AppliedMeasure, CreditCheck } from '../../infra/database/entities/registry';
import {
  COMMITMENT_KIND_NAMES_ZH,
  COMMITMENT_STATUS_NAMES_ZH,
  type CommitmentKind,
  type CommitmentStatus,
} from '../../workflows/commitment/types';
import { maskResidentId } from '../../workflows/registry/identifiers';
import type { ListType, MeasureKind, SubjectKind } from '../../workflows/registry/types';
import { Clock, systemClock, today } from './clock';
import { ListService } from './lists';
import { MeasureService } from './measures';
import { RegistryError } from './registry-error';
import { SubjectService } from './subjects';

export interface CreditCheckInput {
  subjectCode: string;
  /** The administrative matter being handled (办理事项), e.g. 社会组织成立登记. */
  matter: string;
  /** The case file the check belongs to (案卷号 or workflow id). */
  caseRef?: string;
  actor: string;
  roles: string[];
  department?: string;
  /** Whether the checker may see full 居民身份证号码 (decided by the caller's role). */
  revealIdentifiers: boolean;
}

/** The answer to a 逢办必查 check, exactly as shown to the checker and stored. */
export interface CreditCheckAnswer {
  subject: { code: string; name: string; kind: SubjectKind };
  matter: string;
  checkedOn: string;
  lists: {
    id: string;
    listType: ListType;
    domain: string;
    listName: string;
    department: string;
    basis: string;
    effectiveFrom: string;
    expiresOn: string | null;
  }[];
  blacklistDomains: string[];
  /** On blacklists of two or more domains: apply heavier punishment. */
  heavierPunishment: boolean;
  /** Measures in force (suspended and lifted ones are not). */
  measures: {
    id: string;
    code: string;
    name: string;
    kind: MeasureKind;
    legalBasis: string;
    executingDepartment: string;
    appliedAt: string;
    /** Applied through an organisation the subject is responsible for (落实到人). */
    derived: boolean;
  }[];
  /**
   * The subject's credit commitments (信用承诺) in force or breached, and the newest kept ones,
   * newest first: a breach bars 容缺受理 and 告知承诺 (the commitment workflow's own check
   * decides that).
   */
  commitments: {
    id: string;
    caseNo: string;
    kind: CommitmentKind;
    kindName: string;
    status: CommitmentStatus;
    statusName: string;
    matter: string;
    department: string;
    signedAt: string;
    breachRecordId: string | null;
  }[];
}

/** The commitments a check shows (refused and withdrawn ones never bound the subject). */
const CHECKED_COMMITMENT_STATUSES: CommitmentStatus[] = ['in-force', 'kept', 'breached'];
/** Kept commitments shown, newest first (those in force and breached ones are all shown). */
const KEPT_COMMITMENTS_SHOWN = 20;

export type StoredCreditCheck = {
  id: string;
  checkedBy: string;
  checkedAt: string;
  caseRef: string | null;
} & CreditCheckAnswer;

/**
 * 逢办必查: what a caseworker must know about a subject before handling a matter. Every check is
 * stored (who, when, which matter, which case, the answer) and can be read back with the case file.
 */
export class CreditCheckService {
  private readonly subjects: SubjectService;
  private readonly lists: ListService;
  private readonly measures: MeasureService;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock = systemClock,
  ) {
    this.subjects = new SubjectService(dataSource);
    this.lists = new ListService(dataSource, clock);
    this.measures = new MeasureService(dataSource, clock);
  }

  async check(input: CreditCheckInput): Promise<StoredCreditCheck> {
    if (!input.matter?.trim()) {
      throw new RegistryError('bad-input', 'CHECK_MATTER_REQUIRED', '信用核查必须注明办理事项（matter）。');
    }
    const subject = await this.subjects.findByCode(input.subjectCode);
    const standing = await this.lists.standing(subject.id);
    const active = await this.dataSource
      .getRepository(AppliedMeasure)
      .find({ where: { subjectId: subject.id, status: 'active' }, order: { appliedAt: 'DESC' } });
    const measures = await this.measures.withMeasures(active);
    // Every commitment in force or breached; of the kept ones (they pile up over the years) the newest.
    const commitments = await this.dataSource
      .getRepository(CommitmentCase)
      .createQueryBuilder('c')
      .where('c.subject_code = :code', { code: subject.code })
      .andWhere('c.status IN (:...statuses)', { statuses: CHECKED_COMMITMENT_STATUSES })
      .andWhere(
        `(c.status <> 'kept' OR c.id IN (SELECT k.id FROM commitment_case k
           WHERE k.subject_code = :code AND k.status = 'kept' ORDER BY k.signed_at DESC LIMIT :kept))`,
        { kept: KEPT_COMMITMENTS_SHOWN },
      )
      .orderBy('c.signed_at', 'DESC')
      .addOrderBy('c.id', 'ASC')
      .getMany();

    const answer: CreditCheckAnswer = {
      subject: {
        code:
          subject.idType === 'resident-id' && !input.revealIdentifiers
            ? maskResidentId(subject.code)
            : subject.code,
        name: subject.name,
        kind: subject.kind,
      },
      matter: input.matter.trim(),
      checkedOn: today(this.clock),
      lists: standing.current.map((e) => ({
        id: e.id,
        listType: e.listType,
        domain: e.domain,
        listName: e.listName,
        department: e.department,
        basis: e.basis,
        effectiveFrom: e.effectiveFrom,
        expiresOn: e.expiresOn,
      })),
      blacklistDomains: standing.blacklistDomains,
      heavierPunishment: standing.heavierPunishment,
      measures: measures.map(({ applied, measure }) => ({
        id: applied.id,
        code: measure.code,
        name: measure.name,
        kind: measure.kind,
        legalBasis: measure.legalBasis,
        executingDepartment: applied.executingDepartment,
        appliedAt: applied.appliedAt.toISOString(),
        derived: applied.derivedFrom !== null,
      })),
      commitments: commitments.map((c) => ({
        id: c.id,
        caseNo: c.caseNo,
        kind: c.kind,
        kindName: COMMITMENT_KIND_NAMES_ZH[c.kind],
        status: c.status,
        statusName: COMMITMENT_STATUS_NAMES_ZH[c.status],
        matter: c.matter,
        department: c.department,
        signedAt: c.signedAt.toISOString(),
        breachRecordId: c.breachRecordId,
      })),
    };
    const row = await this.dataSource.getRepository(CreditCheck).save(
      this.dataSource.getRepository(CreditCheck).create({
        subjectId: subject.id,
        matter: answer.matter,
        caseRef: input.caseRef?.trim() || null,
        checkedBy: input.actor,
        checkedRoles: input.roles,
        department: input.department ?? null,
        checkedAt: this.clock(),
        answer: answer as unknown as Record<string, unknown>,
      }),
    );
    return toStored(row);
  }

  async get(id: string): Promise<StoredCreditCheck> {
    const row = /^[0-9a-f-]{36}$/i.test(id)
      ? await this.dataSource.getRepository(CreditCheck).findOneBy({ id })
      : null;
    if (!row)
      throw new RegistryError('not-found', 'CREDIT_CHECK_NOT_FOUND', `未找到信用核查记录“${id}”。`, { id });
    return toStored(row);
  }

  /** The checks of one case file, or of one subject, oldest first. */
  async list(query: { caseRef?: string; subjectCode?: string }): Promise<StoredCreditCheck[]> {
    if (!query.caseRef && !query.subjectCode) {
      throw new RegistryError(
        'bad-input',
        'CHECK_QUERY_REQUIRED',
        '请按案卷号（caseRef）或主体代码（subject）查询核查记录。',
      );
    }
    const qb = this.dataSource
      .getRepository(CreditCheck)
      .createQueryBuilder('c')
      .orderBy('c.checked_at', 'ASC');
    if (query.caseRef) qb.andWhere('c.case_ref = :caseRef', { caseRef: query.caseRef });
    if (query.subjectCode) {
      const subject = await this.subjects.findByCode(query.subjectCode);
      qb.andWhere('c.subject_id = :subjectId', { subjectId: subject.id });
    }
    return (await qb.getMany()).map(toStored);
  }
}

function toStored(row: CreditCheck): StoredCreditCheck {
  return {
    id: row.id,
    checkedBy: row.checkedBy,
    checkedAt: row.checkedAt.toISOString(),
    caseRef: row.caseRef,
    ...(row.answer as unknown as CreditCheckAnswer),
  };
}
