import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * The audit trail's hash chains (docs/audit.md). Every audit_event row carries `prev_hash` (the
 * previous row's hash in its chain) and `hash` = SHA-256 over the canonical serialisation of its
 * content and prev_hash. There is one chain per jurisdiction (the actor's; '' for callers without
 * one); audit_chain_head holds each chain's newest row and is advanced in the same transaction
 * as the append, under a row lock, so concurrent appends never fork a chain and a deleted tail is
 * still noticed. Used by the API (append, GET /api/audit/verify) and `npm run audit:verify`.
 */

/** prev_hash of the first row of a chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** What the API records about one request. */
export interface AuditEventInput {
  occurredAt: Date;
  actorSub: string;
  actorRoles: string[];
  department: string | null;
  jurisdiction: string | null;
  method: string;
  path: string;
  statusCode: number;
  requestId: string | null;
  matter: string | null;
  subject: string | null;
}

/** A row as stored: the input plus its place in the chain. */
export interface ChainedAuditEvent extends AuditEventInput {
  id: string;
  chain: string;
  chainSeq: string;
  prevHash: string;
  hash: string;
}

export function chainOf(event: Pick<AuditEventInput, 'jurisdiction'>): string {
  return event.jurisdiction ?? '';
}

/**
 * The canonical serialisation, version 1: a JSON array of every column in a fixed order (ids and
 * sequence numbers as decimal strings, the instant as ISO 8601 in UTC with milliseconds). Frozen:
 * stored hashes depend on it; a change needs a new version tag and a migration.
 */
export function canonicalAuditEvent(row: Omit<ChainedAuditEvent, 'hash'>): string {
  return JSON.stringify([
    'audit_event/v1',
    row.id,
    row.chain,
    row.chainSeq,
    row.occurredAt.toISOString(),
    row.actorSub,
    row.actorRoles,
    row.department,
    row.jurisdiction,
    row.method,
    row.path,
    row.statusCode,
    row.requestId,
    row.matter,
    row.subject,
    row.prevHash,
  ]);
}

export function auditEventHash(row: Omit<ChainedAuditEvent, 'hash'>): string {
  return createHash('sha256').update(canonicalAuditEvent(row), 'utf8').digest('hex');
}

const COLUMNS = [
  'id',
  'occurred_at',
  'actor_sub',
  'actor_roles',
  'department',
  'jurisdiction',
  'method',
  'path',
  'status_code',
  'request_id',
  'matter',
  'subject',
  'chain',
  'chain_seq',
  'prev_hash',
  'hash',
] as const;

/**
 * Appends events (in order) to their chains: per chain one transaction that locks the chain's
 * head row (SELECT … FOR UPDATE), takes ids from the sequence while holding it (so ids grow along
 * each chain), inserts the rows and advances the head. Atomic: all rows of a chain or none.
 */
export async function appendAuditEvents(dataSource: DataSource, events: readonly AuditEventInput[]) {
  const byChain = new Map<string, AuditEventInput[]>();
  for (const e of events) {
    const chain = chainOf(e);
    byChain.set(chain, [...(byChain.get(chain) ?? []), e]);
  }
  for (const [chain, rows] of byChain) {
    await dataSource.transaction((m) => appendToChain(m, chain, rows));
  }
}

async function appendToChain(m: EntityManager, chain: string, events: AuditEventInput[]): Promise<void> {
  await m.query(
    `INSERT INTO audit_chain_head (chain, last_seq, last_hash) VALUES ($1, 0, $2) ON CONFLICT (chain) DO NOTHING`,
    [chain, GENESIS_HASH],
  );
  const [head] = (await m.query(
    `SELECT last_seq::text AS "lastSeq", last_hash AS "lastHash" FROM audit_chain_head WHERE chain = $1 FOR UPDATE`,
    [chain],
  )) as { lastSeq: string; lastHash: string }[];
  const ids = (
    (await m.query(
      `SELECT nextval(pg_get_serial_sequence('audit_event', 'id'))::text AS id FROM generate_series(1, $1::int)`,
      [events.length],
    )) as { id: string }[]
  )
    .map((r) => BigInt(r.id))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  let seq = BigInt(head.lastSeq);
  let prevHash = head.lastHash;
  const rows: ChainedAuditEvent[] = events.map((e, i) => {
    seq += 1n;
    const unhashed = { ...e, id: ids[i].toString(), chain, chainSeq: seq.toString(), prevHash };
    const row = { ...unhashed, hash: auditEventHash(unhashed) };
    prevHash = row.hash;
    return row;
  });

  const params: unknown[] = [];
  const tuples = rows.map((r) => {
    const values = [
      r.id,
      r.occurredAt,
      r.actorSub,
      r.actorRoles,
      r.department,
      r.jurisdiction,
      r.method,
      r.path,
      r.statusCode,
      r.requestId,
      r.matter,
      r.subject,
      r.chain,
      r.chainSeq,
      r.prevHash,
      r.hash,
    ];
    const start = params.length;
    params.push(...values);
    return `(${values.map((_, j) => `$${start + j + 1}`).join(', ')})`;
  });
  await m.query(`INSERT INTO audit_event (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  const last = rows[rows.length - 1];
  await m.query(
    `UPDATE audit_chain_head SET last_seq = $2, last_id = $3, last_hash = $4, updated_at = now() WHERE chain = $1`,
    [chain, last.chainSeq, last.id, last.hash],
  );
}

export type ChainBreak =
  /** The row's content no longer matches its hash: changed, or forged without the right hash. */
  | 'hash-mismatch'
  /** The row's sequence number skips: the row(s) before it were deleted. */
  | 'row-missing'
  /** The row's sequence number does not advance: a row was inserted or moved before it. */
  | 'row-inserted'
  /** prev_hash is not the previous row's hash: rows before it were replaced or reordered. */
  | 'link-broken'
  /** The chain head names a later row than the last one found: the tail was deleted. */
  | 'tail-truncated'
  /** Rows beyond the head, or the head's hash differs from the last row's: rows appended or the head altered. */
  | 'head-mismatch'
  /** Rows of a chain that has no head row. */
  | 'head-missing';

export const CHAIN_BREAK_ZH: Record<ChainBreak, string> = {
  'hash-mismatch': '该条记录的内容与其哈希值不符（记录被修改或伪造）',
  'row-missing': '该条记录之前缺少记录（中间记录被删除）',
  'row-inserted': '该条记录的序号未递增（中间被插入或调换了记录）',
  'link-broken': '该条记录与前一条记录的哈希链接断开（前面的记录被替换或调换）',
  'tail-truncated': '链头记载的最后一条记录不存在（末尾记录被删除）',
  'head-mismatch': '链头与最后一条记录不一致（链尾被追加伪造记录或链头被改动）',
  'head-missing': '该链没有链头记录（链头被删除）',
};

export interface ChainVerification {
  ok: boolean;
  /** Rows whose hash and link were checked. */
  checked: number;
  /** Chains walked, with their head (an operator may record heads elsewhere to detect a full rewrite). */
  chains: { chain: string; rows: number; headSeq: string | null; headHash: string | null }[];
  firstBroken?: { id: string | null; chain: string; reason: ChainBreak };
}

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

interface RawRow {
  id: string;
  occurredAt: Date;
  actorSub: string;
  actorRoles: string[];
  department: string | null;
  jurisdiction: string | null;
  method: string;
  path: string;
  statusCode: number;
  requestId: string | null;
  matter: string | null;
  subject: string | null;
  chain: string;
  chainSeq: string;
  prevHash: string;
  hash: string;
}

const SELECT_ROW = `
  SELECT id::text AS id, occurred_at AS "occurredAt", actor_sub AS "actorSub", actor_roles AS "actorRoles",
         department, jurisdiction, method, path, status_code AS "statusCode", request_id AS "requestId",
         matter, subject, chain, chain_seq::text AS "chainSeq", prev_hash AS "prevHash", hash
  FROM audit_event`;

/**
 * Walks the chains (all, or the given ones) in id order and reports the first broken link:
 * a changed row, a gap, an inserted or reordered row, a truncated tail, a head that does not
 * match. Reads in pages, so it runs on trails of any size.
 */
export async function verifyAuditChains(
  dataSource: DataSource,
  options: { chains?: string[]; pageSize?: number } = {},
): Promise<ChainVerification> {
  // One snapshot for the heads and the rows: a request appended while the walk runs is neither
  // half-seen (a head behind its rows) nor reported as tampering.
  return dataSource.transaction('REPEATABLE READ', (m) => verifyInSnapshot(m, options));
}

async function verifyInSnapshot(
  db: Queryable,
  options: { chains?: string[]; pageSize?: number },
): Promise<ChainVerification> {
  const pageSize = options.pageSize ?? 1000;
  const names = options.chains
    ? [...options.chains]
    : (
        (await db.query(
          `SELECT chain FROM audit_chain_head UNION SELECT DISTINCT chain FROM audit_event ORDER BY chain`,
        )) as { chain: string }[]
      ).map((r) => r.chain);
  const result: ChainVerification = { ok: true, checked: 0, chains: [] };

  for (const chain of names) {
    const [head] = (await db.query(
      `SELECT last_seq::text AS "lastSeq", last_id::text AS "lastId", last_hash AS "lastHash"
       FROM audit_chain_head WHERE chain = $1`,
      [chain],
    )) as { lastSeq: string; lastId: string | null; lastHash: string }[];
    const summary = { chain, rows: 0, headSeq: head?.lastSeq ?? null, headHash: head?.lastHash ?? null };
    result.chains.push(summary);
    const broken = (id: string | null, reason: ChainBreak): ChainVerification => {
      result.ok = false;
      result.firstBroken = { id, chain, reason };
      return result;
    };

    let prevHash = GENESIS_HASH;
    let expectedSeq = 1n;
    let lastId: string | null = null;
    for (;;) {
      const page = (await db.query(
        `${SELECT_ROW} WHERE chain = $1 AND audit_event.id > $2::bigint ORDER BY audit_event.id LIMIT $3`,
        [chain, lastId ?? '-1', pageSize],
      )) as RawRow[];
      for (const row of page) {
        result.checked++;
        summary.rows++;
        const { hash, ...unhashed } = row;
        if (auditEventHash(unhashed) !== hash) return broken(row.id, 'hash-mismatch');
        const seq = BigInt(row.chainSeq);
        if (seq > expectedSeq) return broken(row.id, 'row-missing');
        if (seq < expectedSeq) return broken(row.id, 'row-inserted');
        if (row.prevHash !== prevHash) return broken(row.id, 'link-broken');
        prevHash = hash;
        expectedSeq = seq + 1n;
        lastId = row.id;
      }
      if (page.length < pageSize) break;
    }

    if (!head) {
      if (summary.rows > 0) return broken(lastId, 'head-missing');
      continue;
    }
    const headSeq = BigInt(head.lastSeq);
    const lastSeq = expectedSeq - 1n;
    if (headSeq > lastSeq) return broken(head.lastId, 'tail-truncated');
    if (headSeq < lastSeq || head.lastHash !== prevHash) return broken(lastId, 'head-mismatch');
  }
  return result;
}

/** The verification as a report an operator reads: Chinese first, English after. */
export function chainReport(v: ChainVerification): string {
  const chainName = (c: string) => (c === '' ? '（未注明辖区 / no jurisdiction）' : c);
  const lines = v.chains.map(
    (c) =>
      `  ${chainName(c.chain)}: ${c.rows} 条 rows, 链头 head #${c.headSeq ?? '-'} ${c.headHash?.slice(0, 16) ?? '-'}…`,
  );
  if (v.ok) {
    return [
      `审计记录哈希链完整：已核验 ${v.checked} 条记录，${v.chains.length} 条链。`,
      `Audit trail intact: ${v.checked} rows in ${v.chains.length} chains verified.`,
      ...lines,
    ].join('\n');
  }
  const b = v.firstBroken!;
  return [
    `审计记录哈希链已被破坏：链 ${chainName(b.chain)}，记录编号 ${b.id ?? '-'}：${CHAIN_BREAK_ZH[b.reason]}。`,
    `Audit trail BROKEN in chain ${chainName(b.chain)} at row ${b.id ?? '-'}: ${b.reason} (${v.checked} rows checked before the break).`,
    ...lines,
  ].join('\n');
}
