import type { DataSource, EntityManager } from 'typeorm';
import { CreditSubject, SubjectPersonLink } from '../../infra/database/entities/registry';
import {
  checkIdentifier,
  checkResidentId,
  checkUscc,
  IDENTIFIER_NAMES_ZH,
  IDENTIFIER_PROBLEMS_ZH,
  IdentifierType,
  normalizeIdentifier,
} from '../../workflows/registry/identifiers';
import { PERSON_ROLE_NAMES_ZH, PersonRole, SubjectKind } from '../../workflows/registry/types';
import { RegistryError } from './registry-error';

export interface PersonInput {
  role: PersonRole;
  /** 居民身份证号码. */
  code: string;
  name: string;
}

export interface RegisterSubjectInput {
  kind: SubjectKind;
  code: string;
  name: string;
  jurisdiction?: string;
  /** Organisations only: 法定代表人, 主要负责人, 直接责任人员 (registered as natural persons). */
  persons?: PersonInput[];
  actor: string;
}

export interface LinkedPerson {
  role: PersonRole;
  subject: CreditSubject;
}

export interface SubjectView {
  subject: CreditSubject;
  /** For organisations: their responsible persons. */
  persons: LinkedPerson[];
  /** For natural persons: the organisations they are responsible for. */
  organisations: LinkedPerson[];
}

const identifierTypeOf = (kind: SubjectKind): IdentifierType =>
  kind === 'natural-person' ? 'resident-id' : 'uscc';

/** Validates a code against the identifier its subject kind uses; returns it normalised. */
export function validateSubjectCode(raw: string, type: IdentifierType, field = 'code'): string {
  const check = checkIdentifier(raw, type);
  if (check.valid) return check.normalized;
  throw new RegistryError(
    'bad-input',
    'SUBJECT_CODE_INVALID',
    `${IDENTIFIER_NAMES_ZH[type]}“${raw}”无效：${IDENTIFIER_PROBLEMS_ZH[check.problem]}。`,
    { field, identifierType: type, problem: check.problem },
  );
}

/** A code to look a subject up by: valid as either identifier, else 400. */
export function validateLookupCode(raw: string): string {
  const uscc = checkUscc(raw);
  if (uscc.valid) return uscc.normalized;
  const resident = checkResidentId(raw);
  if (resident.valid) return resident.normalized;
  throw new RegistryError(
    'bad-input',
    'SUBJECT_CODE_INVALID',
    `“${raw}”既不是有效的统一社会信用代码（${IDENTIFIER_PROBLEMS_ZH[uscc.problem]}），` +
      `也不是有效的居民身份证号码（${IDENTIFIER_PROBLEMS_ZH[resident.problem]}）。`,
    { problems: { uscc: uscc.problem, 'resident-id': resident.problem } },
  );
}

export function subjectNotFound(code: string): RegistryError {
  return new RegistryError(
    'not-found',
    'SUBJECT_NOT_FOUND',
    `未找到信用主体“${code}”，请先登记该信用主体。`,
    { code },
  );
}

/** Subjects (信用主体) and the persons responsible for organisations. */
export class SubjectService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Registers a subject, or returns the existing one with the same code and name (idempotent).
   * Every code is validated before anything is written; persons are registered as natural persons.
   */
  async register(input: RegisterSubjectInput): Promise<{ view: SubjectView; created: boolean }> {
    const code = validateSubjectCode(input.code, identifierTypeOf(input.kind));
    const persons = (input.persons ?? []).map((p, i) => ({
      ...p,
      code: validateSubjectCode(p.code, 'resident-id', `persons[${i}].code`),
    }));
    if (input.kind === 'natural-person' && persons.length > 0) {
      throw new RegistryError(
        'bad-input',
        'SUBJECT_PERSONS_NOT_ALLOWED',
        '自然人不能登记法定代表人或负责人；负责人只能关联到法人或非法人组织。',
      );
    }
    if (persons.some((p) => p.code === code)) {
      throw new RegistryError(
        'bad-input',
        'SUBJECT_PERSON_IS_SELF',
        '负责人的身份证号码不能与主体代码相同。',
      );
    }

    const { id, created } = await this.dataSource.transaction(async (m) => {
      const subject = await this.upsert(m, {
        kind: input.kind,
        code,
        name: input.name,
        jurisdiction: input.jurisdiction,
        actor: input.actor,
      });
      for (const person of persons) {
        const linked = await this.upsert(m, {
          kind: 'natural-person',
          code: person.code,
          name: person.name,
          jurisdiction: input.jurisdiction,
          actor: input.actor,
        });
        await m
          .createQueryBuilder()
          .insert()
          .into(SubjectPersonLink)
          .values({ organisationId: subject.row.id, personId: linked.row.id, role: person.role })
          .orIgnore()
          .execute();
      }
      return { id: subject.row.id, created: subject.created };
    });
    return { view: await this.viewById(id), created };
  }

  private async upsert(
    m: EntityManager,
    input: { kind: SubjectKind; code: string; name: string; jurisdiction?: string; actor: string },
  ): Promise<{ row: CreditSubject; created: boolean }> {
    const inserted = await m
      .createQueryBuilder()
      .insert()
      .into(CreditSubject)
      .values({
        kind: input.kind,
        idType: identifierTypeOf(input.kind),
        code: input.code,
        name: input.name.trim(),
        jurisdiction: input.jurisdiction ?? null,
        registeredBy: input.actor,
      })
      .orIgnore()
      .returning('id')
      .execute();
    const row = await m.getRepository(CreditSubject).findOneByOrFail({ code: input.code });
    const created = inserted.raw.length > 0;
    if (!created && (row.kind !== input.kind || row.name !== input.name.trim())) {
      throw new RegistryError(
        'conflict',
        'SUBJECT_CODE_TAKEN',
        `代码“${input.code}”已登记为“${row.name}”，与本次提交的名称或类型不一致，请核对。`,
        { code: input.code, registeredName: row.name, registeredKind: row.kind },
      );
    }
    return { row, created };
  }

  /** The subject with its linked persons / organisations; 400 for a bad code, 404 if unknown. */
  async getByCode(rawCode: string): Promise<SubjectView> {
    const subject = await this.findByCode(rawCode);
    return this.viewById(subject.id);
  }

  async findByCode(rawCode: string, manager?: EntityManager): Promise<CreditSubject> {
    const code = validateLookupCode(rawCode);
    const subject = await (manager ?? this.dataSource.manager)
      .getRepository(CreditSubject)
      .findOneBy({ code: normalizeIdentifier(code) });
    if (!subject) throw subjectNotFound(code);
    return subject;
  }

  async list(query: { name?: string; kind?: SubjectKind; limit?: number }): Promise<CreditSubject[]> {
    const qb = this.dataSource
      .getRepository(CreditSubject)
      .createQueryBuilder('s')
      .orderBy('s.name')
      .take(query.limit ?? 100);
    if (query.name) qb.andWhere('s.name LIKE :name', { name: `%${query.name}%` });
    if (query.kind) qb.andWhere('s.kind = :kind', { kind: query.kind });
    return qb.getMany();
  }

  /** Natural persons responsible for an organisation (for 落实到人). */
  async personsOf(organisationId: string, manager?: EntityManager): Promise<LinkedPerson[]> {
    const m = manager ?? this.dataSource.manager;
    const links = await m.getRepository(SubjectPersonLink).findBy({ organisationId });
    return this.resolve(m, links, (l) => l.personId);
  }

  private async viewById(id: string): Promise<SubjectView> {
    const m = this.dataSource.manager;
    const subject = await m.getRepository(CreditSubject).findOneByOrFail({ id });
    const organisationLinks = await m.getRepository(SubjectPersonLink).findBy({ personId: id });
    return {
      subject,
      persons: await this.personsOf(id, m),
      organisations: await this.resolve(m, organisationLinks, (l) => l.organisationId),
    };
  }

  private async resolve(
    m: EntityManager,
    links: SubjectPersonLink[],
    pick: (l: SubjectPersonLink) => string,
  ): Promise<LinkedPerson[]> {
    if (links.length === 0) return [];
    const subjects = await m
      .getRepository(CreditSubject)
      .createQueryBuilder('s')
      .whereInIds(links.map(pick))
      .getMany();
    const byId = new Map(subjects.map((s) => [s.id, s]));
    return links
      .map((l) => ({ role: l.role, subject: byId.get(pick(l))! }))
      .sort((a, b) => PERSON_ROLE_NAMES_ZH[a.role].localeCompare(PERSON_ROLE_NAMES_ZH[b.role], 'zh'));
  }
}
