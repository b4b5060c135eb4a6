import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { AuditTrail } from '../../apps/api/audit/audit-trail';
import {
  appendAuditEvents,
  auditEventHash,
  ChainBreak,
  verifyAuditChains,
} from '../../infra/database/audit-chain';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../infra/database/data-source';
import { MIGRATIONS } from '../../infra/database/migrations';
import { AuditChain1763857100000 } from '../../infra/database/migrations/1763857100000-audit-chain';
import { startTestApi, TestApi } from '../support/api';
import { createTestDatabase } from '../support/database';

/**
 * The audit trail's hash chains, tampered with as a PostgreSQL superuser would: the append-only
 * trigger bypassed (session_replication_role = replica), rows changed, deleted, forged, reordered.
 * Each tamper case works on a chain of its own (one jurisdiction each), so the cases do not mask
 * one another; the verifier is asked about that chain and about all chains.
 */
describe('tamper-evident audit trail', () => {
  let api: TestApi;
  let superuser: Client;
  const http = () => request(api.app.getHttpServer());
  const flushed = () => api.app.get(AuditTrail).flushed();

  beforeAll(async () => {
    api = await startTestApi();
    superuser = new Client({ connectionString: (api.dataSource.options as { url: string }).url });
    await superuser.connect();
  });
  afterAll(async () => {
    await superuser.end();
    await api.close();
  });

  /** Rows of `chain`, id order. */
  const rowsOf = async (chain: string) =>
    (
      (await api.dataSource.query(
        `SELECT id::text AS id, chain_seq::text AS seq, hash FROM audit_event WHERE chain = $1 ORDER BY audit_event.id`,
        [chain],
      )) as { id: string; seq: string; hash: string }[]
    ).map((r) => ({ ...r, seq: Number(r.seq) }));

  /**
   * A chain of `n` rows for `jurisdiction` (appended as the API does; tamper chains need no real
   * jurisdiction of the directory), with unused ids between its rows: room for a forger.
   */
  async function chainOf(jurisdiction: string, n = 5) {
    for (let i = 0; i < n; i++) {
      await appendAuditEvents(api.dataSource, [
        {
          occurredAt: new Date(),
          actorSub: `cw.${i}@${jurisdiction}`,
          actorRoles: ['caseworker'],
          department: null,
          jurisdiction,
          method: 'GET',
          path: `/api/objections/00000000-0000-4000-8000-00000000000${i}`,
          statusCode: 200,
          requestId: `req-${jurisdiction}-${i}`,
          matter: '异议核查',
          subject: `objection:00000000-0000-4000-8000-00000000000${i}`,
        },
      ]);
      await api.dataSource.query(`SELECT nextval(pg_get_serial_sequence('audit_event', 'id'))`);
    }
    const rows = await rowsOf(jurisdiction);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5].slice(0, n));
    expect((await verifyAuditChains(api.dataSource, { chains: [jurisdiction] })).ok).toBe(true);
    return rows;
  }

  /** Runs statements as the superuser with every trigger off (what a DBA could do). */
  async function tamper(...statements: [string, unknown[]?][]) {
    await superuser.query('BEGIN');
    await superuser.query('SET LOCAL session_replication_role = replica');
    for (const [sql, params] of statements) await superuser.query(sql, params);
    await superuser.query('COMMIT');
  }

  const fullRow = async (id: string) =>
    (
      await api.dataSource.query(
        `SELECT id::text AS id, occurred_at AS "occurredAt", actor_sub AS "actorSub", actor_roles AS "actorRoles",
                department, jurisdiction, method, path, status_code AS "statusCode", request_id AS "requestId",
                matter, subject, chain, chain_seq::text AS "chainSeq", prev_hash AS "prevHash", hash
         FROM audit_event WHERE id = $1`,
        [id],
      )
    )[0];

  const insertRow = (r: Record<string, unknown>): [string, unknown[]] => [
    `INSERT INTO audit_event (id, occurred_at, actor_sub, actor_roles, department, jurisdiction, method, path,
       status_code, request_id, matter, subject, chain, chain_seq, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [
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
    ],
  ];

  it('keeps one unforked chain per jurisdiction under 50 concurrent requests and concurrent appenders', async () => {
    const jurisdictions = ['yexian-mz', 'ningjin', undefined];
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        http()
          .get('/api/me')
          .set(api.auth(['caseworker'], { sub: `load.${i}`, jurisdiction: jurisdictions[i % 3] })),
      ),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    // Appenders in parallel on separate connections (as several API processes would be).
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        appendAuditEvents(api.dataSource, [
          {
            occurredAt: new Date(),
            actorSub: `direct.${i}`,
            actorRoles: ['admin'],
            department: null,
            jurisdiction: 'yexian-mz',
            method: 'GET',
            path: '/api/me',
            statusCode: 200,
            requestId: null,
            matter: null,
            subject: null,
          },
        ]),
      ),
    );
    await flushed();
    const chainA = await rowsOf('yexian-mz');
    expect(chainA).toHaveLength(17 + 30);
    expect(chainA.map((r) => r.seq)).toEqual(chainA.map((_, i) => i + 1));
    const loadRows = await api.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE actor_sub LIKE 'load.%'`,
    );
    expect(loadRows[0].n).toBe(50);

    const verified = await http()
      .get('/api/audit/verify')
      .set(api.auth(['admin']))
      .expect(200);
    expect(verified.body).toMatchObject({ ok: true });
    expect(verified.body.firstBroken).toBeUndefined();
    expect(verified.body.checked).toBeGreaterThanOrEqual(80);
    expect(verified.body.chains.map((c: { chain: string }) => c.chain)).toEqual(
      expect.arrayContaining(['', 'yexian-mz', 'ningjin']),
    );
  });

  it('scopes the trail and its verification: a supervisor its jurisdiction, the administrator all', async () => {
    await http()
      .get('/api/me')
      .set(api.auth(['caseworker'], { sub: 'cw@ningjin', jurisdiction: 'ningjin' }))
      .expect(200);
    await http()
      .get('/api/me')
      .set(api.auth(['caseworker'], { sub: 'cw@xinzheng-mz', jurisdiction: 'xinzheng-mz' }))
      .expect(200);
    await flushed();
    const supervisor = api.auth(['supervisor'], { sub: 'sup@ningjin', jurisdiction: 'ningjin' });
    const own = await http().get('/api/audit?limit=500').set(supervisor).expect(200);
    expect(own.body.items.length).toBeGreaterThan(0);
    expect(new Set(own.body.items.map((e: { jurisdiction: string }) => e.jurisdiction))).toEqual(
      new Set(['ningjin']),
    );
    const other = await http().get('/api/audit?actor=cw@xinzheng-mz').set(supervisor).expect(200);
    expect(other.body.items).toEqual([]);
    const all = await http()
      .get('/api/audit?actor=cw@xinzheng-mz')
      .set(api.auth(['admin']))
      .expect(200);
    expect(all.body.items).toHaveLength(1);

    const verified = await http().get('/api/audit/verify').set(supervisor).expect(200);
    expect(verified.body.ok).toBe(true);
    expect(verified.body.chains.map((c: { chain: string }) => c.chain)).toEqual(['ningjin']);
    await http()
      .get('/api/audit/verify')
      .set(api.auth(['caseworker']))
      .expect(403);
  });

  it('detects every tampering: a changed field, a deleted middle row, a deleted last row, a forged row, a reorder', async () => {
    const cases: {
      name: string;
      chain: string;
      run: (chain: string) => Promise<{ id: string | null; reason: ChainBreak }>;
    }[] = [
      {
        name: 'UPDATE of a field',
        chain: 't-update',
        run: async (chain) => {
          const rows = await chainOf(chain);
          await tamper([`UPDATE audit_event SET actor_sub = 'someone.else' WHERE id = $1`, [rows[2].id]]);
          return { id: rows[2].id, reason: 'hash-mismatch' };
        },
      },
      {
        name: 'UPDATE of a field with the hash recomputed',
        chain: 't-rehash',
        run: async (chain) => {
          const rows = await chainOf(chain);
          const row = await fullRow(rows[1].id);
          const { hash: _old, ...rest } = { ...row, statusCode: 200, path: '/api/me?changed' };
          await tamper([
            `UPDATE audit_event SET path = $2, hash = $3 WHERE id = $1`,
            [rows[1].id, rest.path, auditEventHash(rest)],
          ]);
          return { id: rows[2].id, reason: 'link-broken' };
        },
      },
      {
        name: 'DELETE of a middle row',
        chain: 't-delete-middle',
        run: async (chain) => {
          const rows = await chainOf(chain);
          await tamper([`DELETE FROM audit_event WHERE id = $1`, [rows[2].id]]);
          return { id: rows[3].id, reason: 'row-missing' };
        },
      },
      {
        name: 'DELETE of the last row',
        chain: 't-delete-last',
        run: async (chain) => {
          const rows = await chainOf(chain);
          await tamper([`DELETE FROM audit_event WHERE id = $1`, [rows[4].id]]);
          return { id: rows[4].id, reason: 'tail-truncated' };
        },
      },
      {
        name: 'INSERT of a forged row in the middle with a guessed hash',
        chain: 't-forge-guess',
        run: async (chain) => {
          const rows = await chainOf(chain);
          const model = await fullRow(rows[1].id);
          const forgedId = String(BigInt(rows[1].id) + 1n);
          await tamper(
            insertRow({
              ...model,
              id: forgedId,
              actorSub: 'forger',
              chainSeq: '100',
              prevHash: rows[1].hash,
              hash: randomBytes(32).toString('hex'),
            }),
          );
          return { id: forgedId, reason: 'hash-mismatch' };
        },
      },
      {
        name: 'INSERT of a forged row in the middle with a correctly computed hash',
        chain: 't-forge-computed',
        run: async (chain) => {
          const rows = await chainOf(chain);
          const model = await fullRow(rows[1].id);
          const forged = {
            ...model,
            id: String(BigInt(rows[1].id) + 1n),
            actorSub: 'forger',
            chainSeq: '3',
            prevHash: rows[1].hash,
          };
          delete forged.hash;
          await tamper(
            [`DROP INDEX "UQ_audit_event_chain_seq"`],
            insertRow({ ...forged, hash: auditEventHash(forged) }),
          );
          // The forged row links to its predecessor; the next real row no longer links to it.
          return { id: rows[2].id, reason: 'row-inserted' };
        },
      },
      {
        name: 'reorder of two rows (ids swapped)',
        chain: 't-reorder',
        run: async (chain) => {
          const rows = await chainOf(chain);
          await tamper(
            [`UPDATE audit_event SET id = -1 WHERE id = $1`, [rows[1].id]],
            [`UPDATE audit_event SET id = $1 WHERE id = $2`, [rows[1].id, rows[2].id]],
            [`UPDATE audit_event SET id = $1 WHERE id = -1`, [rows[2].id]],
          );
          return { id: rows[1].id, reason: 'hash-mismatch' };
        },
      },
      {
        name: 'INSERT of a forged row after the last one',
        chain: 't-append',
        run: async (chain) => {
          const rows = await chainOf(chain);
          const model = await fullRow(rows[4].id);
          const forged = {
            ...model,
            id: String(BigInt(rows[4].id) + 1n),
            chainSeq: '6',
            prevHash: rows[4].hash,
          };
          delete forged.hash;
          await tamper(insertRow({ ...forged, hash: auditEventHash(forged) }));
          return { id: forged.id, reason: 'head-mismatch' };
        },
      },
    ];

    const outcomes: {
      name: string;
      detected: boolean;
      expected: unknown;
      found: { id: string | null; reason: ChainBreak } | undefined;
    }[] = [];
    for (const c of cases) {
      const expected = await c.run(c.chain);
      const found = (await verifyAuditChains(api.dataSource, { chains: [c.chain] })).firstBroken;
      outcomes.push({ name: c.name, detected: found !== undefined, expected, found });
    }
    const detected = outcomes.filter((o) => o.detected).length;
    console.log(`audit tamper cases detected / tried: ${detected} / ${outcomes.length}`);
    expect(outcomes.map((o) => [o.name, o.found && { id: o.found.id, reason: o.found.reason }])).toEqual(
      outcomes.map((o) => [o.name, o.expected]),
    );

    const all = await http()
      .get('/api/audit/verify')
      .set(api.auth(['admin']))
      .expect(200);
    expect(all.body.ok).toBe(false);
    expect(all.body.firstBroken).toEqual({
      id: expect.any(String),
      chain: expect.stringMatching(/^t-/),
      reason: expect.any(String),
    });
    const untouched = await verifyAuditChains(api.dataSource, { chains: ['ningjin'] });
    expect(untouched.ok).toBe(true);
  });

  it('hashes the rows written before the chain existed, in id order, into their jurisdictions’ chains', async () => {
    const db = await createTestDatabase('auditmig');
    const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(AuditChain1763857100000));
    const old = new DataSource({ ...dataSourceOptions(db.url), migrations: before });
    try {
      await old.initialize();
      await old.runMigrations();
      for (let i = 0; i < 7; i++) {
        await old.query(
          `INSERT INTO audit_event (actor_sub, actor_roles, jurisdiction, method, path, status_code)
           VALUES ($1, '{caseworker}', $2, 'GET', '/api/me', 200)`,
          [`legacy.${i}`, i % 2 ? 'ningjin' : null],
        );
      }
      await old.destroy();
      const migrated = new DataSource(dataSourceOptions(db.url));
      await migrated.initialize();
      await migrated.runMigrations();
      const result = await verifyAuditChains(migrated);
      expect(result).toMatchObject({ ok: true, checked: 7 });
      expect(result.chains.map((c) => [c.chain, c.rows, c.headSeq])).toEqual([
        ['', 4, '4'],
        ['ningjin', 3, '3'],
      ]);
      await expect(migrated.query(`UPDATE audit_event SET path = '/x'`)).rejects.toThrow(/append-only/);
      await expect(migrated.query(`DELETE FROM audit_chain_head`)).rejects.toThrow(/only move forward/);
      await migrated.destroy();
    } finally {
      if (old.isInitialized) await old.destroy();
      await db.drop();
    }
  });
});
