import { createHash, randomBytes } from 'node:crypto';
import type { DataSource, EntityManager, FindOptionsWhere, Repository } from 'typeorm';
import { normalizeIdentifier } from '../../../workflows/registry/identifiers';
import { shanghaiDate } from '../../../workflows/calendar';
import { badRequest, conflict, type ApiError } from '../common/errors';

/**
 * What every procedure's intake through the API shares (objection, commitment …): the office's
 * Idempotency-Key and the hash of the request it was first used with, the query code the
 * applicant or signer is given once (only its hash is stored), and the case number counters.
 */

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,200}$/;

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** The hash a replayed creation request is compared with: same key and same hash = same request. */
export const requestHash = (value: unknown) => sha256(JSON.stringify(value));

/** The Idempotency-Key a creation request must carry. */
export function requireIdempotencyKey(key: string | undefined): string {
  if (!key || !IDEMPOTENCY_KEY.test(key)) {
    throw badRequest(
      'IDEMPOTENCY_KEY_REQUIRED',
      '请在请求头 Idempotency-Key 中提供本次登记的唯一标识（8–200 个可见 ASCII 字符），重复提交时使用同一标识。',
    );
  }
  return key;
}

/** An action's optional Idempotency-Key (it becomes the update id), when given, must be well formed. */
export function checkActionKey(key: string | undefined): void {
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw badRequest('IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key 必须是 8–200 个可见 ASCII 字符。');
  }
}

/** The key was first used for `registered` (e.g. `异议案件XINZHENG-MZ-2026-000001`) with another body. */
export const idempotencyKeyReused = (registered: string, caseNo: string): ApiError =>
  conflict(
    'IDEMPOTENCY_KEY_REUSED',
    `该 Idempotency-Key 已用于登记${registered}，但本次提交的内容不同；新的登记请使用新的标识。`,
    { caseNo },
  );

/** Crockford base32 without I, L, O, U: a code read out on the phone is not misheard. */
const QUERY_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 12 characters (60 bits) in three groups, e.g. `7K2M-Q9TX-4HCP`. */
export function newQueryCode(): string {
  const chars = [...randomBytes(12)].map((b) => QUERY_CODE_ALPHABET[b % 32]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
}

/** What is stored of a query code: the hash of its normalised form (case, spaces and hyphens ignored). */
export const queryCodeHash = (code: string) => sha256(code.toUpperCase().replace(/[\s-]/g, ''));

interface QueryCodeRow {
  id: string;
  queryCodeHash: string | null;
  subjectCode: string;
}

/**
 * The case a query code and subject code open together, or null: one answer for a wrong code and
 * a wrong subject, since the pair is the secret.
 */
export async function findByQueryCode<Row extends QueryCodeRow>(
  repo: Repository<Row>,
  queryCode: string,
  subjectCode: string,
): Promise<Row | null> {
  const row = await repo.findOneBy({ queryCodeHash: queryCodeHash(queryCode) } as FindOptionsWhere<Row>);
  return row && row.subjectCode === normalizeIdentifier(subjectCode) ? row : null;
}

/** Gives a case a new query code, e.g. when the first was lost; the previous one stops working. */
export async function reissueQueryCode<Row extends QueryCodeRow>(
  repo: Repository<Row>,
  id: string,
): Promise<string> {
  const queryCode = newQueryCode();
  await repo.update({ id } as FindOptionsWhere<Row>, { queryCodeHash: queryCodeHash(queryCode) } as never);
  return queryCode;
}

/** Tables `(prefix, year, last)` that count case numbers, one per procedure. */
export type CaseNoCounter =
  'objection_case_no' | 'commitment_case_no' | 'repair_case_no' | 'rectification_case_no';

/**
 * The next case number `<prefix>-<year>-<6 digits>`, counted per prefix and Beijing year of `at`,
 * in the caller's transaction (a rolled-back registration gives its number back).
 */
export async function allocateCaseNo(
  tx: EntityManager,
  counter: CaseNoCounter,
  prefix: string,
  at: string,
): Promise<string> {
  const year = Number(shanghaiDate(at).slice(0, 4));
  const [{ last }]: { last: number }[] = await tx.query(
    `INSERT INTO ${counter} (prefix, year, last) VALUES ($1, $2, 1)
     ON CONFLICT (prefix, year) DO UPDATE SET last = ${counter}.last + 1
     RETURNING last`,
    [prefix, year],
  );
  return `${prefix}-${year}-${String(last).padStart(6, '0')}`;
}

/**
 * The transaction that registers a case once: takes the advisory locks (the Idempotency-Key, and
 * whatever else may hold only one open case, e.g. a record), then answers the case an earlier
 * request with the same key registered meanwhile (`earlier`), or the one `insert` writes — which
 * may refuse by throwing (a second open case), rolling everything back.
 */
export async function registerOnce<Row>(
  dataSource: DataSource,
  locks: string[],
  earlier: (tx: EntityManager) => Promise<Row | null>,
  insert: (tx: EntityManager) => Promise<Row>,
): Promise<{ row: Row; created: boolean }> {
  return dataSource.transaction(async (tx) => {
    for (const lock of locks) await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lock]);
    const raced = await earlier(tx);
    return raced ? { row: raced, created: false } : { row: await insert(tx), created: true };
  });
}
