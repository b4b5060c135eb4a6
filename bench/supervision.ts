import type { Client } from 'pg';
import { DataSource, type Logger } from 'typeorm';
import { CASE_PROCEDURES } from '../activities';
import { CalendarStore } from '../activities/calendar/calendar-store';
import { SupervisionService } from '../apps/api/supervision/supervision.service';
import type { Principal } from '../apps/api/auth/roles';
import { loadSigningKeys } from '../apps/api/auth/signing-keys';
import { TokenService } from '../apps/api/auth/tokens';
import { loadConfig } from '../infra/config/config';
import { dataSourceOptions } from '../infra/database/data-source';
import { startComponents } from '../test/support/components';
import { ROOT } from '../test/support/launched-service';
import { COMMITMENT_ENDED, COMMITMENT_STATUS_NAMES_ZH } from '../workflows/commitment/types';
import { ENDED_STATUSES, STATUS_NAMES_ZH } from '../workflows/objection/types';
import { RECTIFICATION_ENDED, RECTIFICATION_STATUS_NAMES_ZH } from '../workflows/rectification/types';
import { DIRECTORY } from '../workflows/reference/directory';
import { REPAIR_ENDED, REPAIR_STATUS_NAMES_ZH } from '../workflows/repair/types';
import { latencyHistogram, recordMs, summarise, type BenchOutcome, type Line } from './harness';

/**
 * `npm run bench -- supervision [--cases 100000]`: the supervisor endpoints over a case index of
 * generated cases — four procedures, every jurisdiction of the directory with its departments,
 * statuses open and ended, received over two years (weekends and holidays included as they fall),
 * some overdue and escalated — inserted straight into `case_index` in batches. Then each endpoint
 * through the API (p50/p95), and EXPLAIN (FORMAT JSON) of every query the endpoints issue
 * (captured by running SupervisionService on a DataSource whose logger keeps them): the check
 * fails when a plan has a Seq Scan on case_index.
 */

const STATUSES: Record<string, { names: Record<string, string>; ended: readonly string[] }> = {
  objection: { names: STATUS_NAMES_ZH, ended: ENDED_STATUSES },
  commitment: { names: COMMITMENT_STATUS_NAMES_ZH, ended: COMMITMENT_ENDED },
  repair: { names: REPAIR_STATUS_NAMES_ZH, ended: REPAIR_ENDED },
  rectification: { names: RECTIFICATION_STATUS_NAMES_ZH, ended: RECTIFICATION_ENDED },
};
const LIST_COUNTS_P95_TARGET_MS = 50;
const DAY = 86_400_000;

/** A seeded generator, so two runs fill the same index. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

async function fillIndex(db: Client, cases: number, now: number): Promise<void> {
  const rnd = random(20);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const places = DIRECTORY.filter((j) => j.departments.length > 0);
  const batch = 2000;
  for (let from = 0; from < cases; from += batch) {
    const rows: unknown[][] = [];
    for (let i = from; i < Math.min(cases, from + batch); i++) {
      const procedure = pick(CASE_PROCEDURES.map((p) => p.procedure));
      const { names, ended } = STATUSES[procedure];
      const status = pick(Object.keys(names));
      const place = pick(places);
      const office = pick(place.departments).name;
      const provider = procedure === 'commitment' ? null : pick(place.departments).name;
      const received = now - Math.floor(rnd() * 730 * DAY);
      const closed = ended.includes(status)
        ? Math.min(now, received + Math.floor((2 + rnd() * 40) * DAY))
        : null;
      const stepDue = closed ? null : received + Math.floor((3 + rnd() * 30) * DAY);
      const overdue = stepDue !== null && stepDue < now;
      rows.push([
        procedure,
        `bench-${i}`,
        `${place.code.toUpperCase()}-${procedure.slice(0, 2).toUpperCase()}-${2025 + (i % 2)}-${String(i).padStart(6, '0')}`,
        place.code,
        office,
        provider,
        [...new Set([office, ...(provider ? [provider] : [])])],
        status,
        names[status],
        closed ? null : 'review',
        closed ? null : '审查',
        closed ? null : (provider ?? office),
        stepDue === null ? null : new Date(stepDue).toISOString(),
        overdue,
        overdue ? (rnd() < 0.3 ? 2 : rnd() < 0.6 ? 1 : 0) : 0,
        new Date(received).toISOString(),
        closed === null ? null : new Date(closed).toISOString(),
        procedure === 'objection' ? new Date(received + 7 * DAY).toISOString() : null,
        closed === null ? null : rnd() < 0.85,
        '[]',
        1,
      ]);
    }
    const columns = [
      'procedure',
      'case_id',
      'case_no',
      'jurisdiction',
      'office_department',
      'provider_department',
      'departments',
      'status',
      'status_name',
      'current_step',
      'current_step_name',
      'current_step_department',
      'step_due_at',
      'overdue',
      'escalation_level',
      'received_at',
      'closed_at',
      'case_due_at',
      'met_limit',
      'closed_steps',
      'revision',
    ];
    const values = rows.map((r, k) => `(${r.map((_, j) => `$${k * r.length + j + 1}`).join(', ')}, now())`);
    await db.query(
      `INSERT INTO case_index (${columns.join(', ')}, updated_at) VALUES ${values.join(', ')}`,
      rows.flat(),
    );
  }
  // The state autovacuum brings a bulk-loaded table to (statistics, visibility map), at once
  // rather than at some point during the run: the board's counts read the index alone then.
  await db.query('VACUUM (ANALYZE) case_index');
}

/** Every query SupervisionService issues for a call, with its parameters. */
class QueryRecorder implements Logger {
  queries: Array<{ sql: string; parameters: unknown[] }> = [];
  logQuery(sql: string, parameters?: unknown[]) {
    if (/case_index/.test(sql)) this.queries.push({ sql, parameters: parameters ?? [] });
  }
  logQueryError() {}
  logQuerySlow() {}
  logSchemaBuild() {}
  logMigration() {}
  log() {}
}

function seqScansOnCases(plan: unknown): number {
  if (Array.isArray(plan)) return plan.reduce((n: number, p) => n + seqScansOnCases(p), 0);
  if (plan === null || typeof plan !== 'object') return 0;
  const node = plan as Record<string, unknown>;
  const here = node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'case_index' ? 1 : 0;
  return here + Object.values(node).reduce((n: number, v) => n + seqScansOnCases(v), 0);
}

export async function runSupervision(options: { quick: boolean }): Promise<BenchOutcome> {
  const cases = Number(
    process.argv.includes('--cases')
      ? process.argv[process.argv.indexOf('--cases') + 1]
      : options.quick
        ? 10_000
        : 100_000,
  );
  const rounds = options.quick ? 10 : 100;
  console.log('supervision: starting the service …');
  const c = await startComponents();
  const db = await c.connect();
  try {
    const now = Date.now();
    console.log(`supervision: generating ${cases} cases into case_index …`);
    await fillIndex(db, cases, now);
    // A supervisor of 叶县民政局, signed with the API's key pair (as components.ts signs its tokens).
    const config = loadConfig(
      {
        ...process.env,
        DATA_DIR: c.dataDir,
        DATABASE_URL: c.databaseUrl,
        TEMPORAL_ADDRESS: c.temporalAddress,
      },
      ROOT,
    );
    const tokens = new TokenService(loadSigningKeys(config.auth), config.auth);
    const token = tokens.issue({ sub: 'zhao.min', roles: ['supervisor'], jurisdiction: 'yexian-mz' });
    const principal: Principal = tokens.verify(token);
    const at = new Date(now).toISOString();
    const from = new Date(now - 90 * DAY).toISOString().slice(0, 10);
    const to = at.slice(0, 10);
    const dept = '叶县市场监督管理局';
    const endpoints: Array<{
      name: string;
      path: string;
      list: boolean;
      call: (s: SupervisionService) => Promise<unknown>;
    }> = [
      {
        name: 'list',
        path: '/api/supervision/cases',
        list: true,
        call: (s) => s.cases(principal, { page: 1, pageSize: 20 }),
      },
      {
        name: 'list ?procedure',
        path: '/api/supervision/cases?procedure=objection',
        list: true,
        call: (s) => s.cases(principal, { procedure: ['objection'], page: 1, pageSize: 20 }),
      },
      {
        name: 'list ?status',
        path: '/api/supervision/cases?status=forwarded,in-force',
        list: true,
        call: (s) => s.cases(principal, { status: ['forwarded', 'in-force'], page: 1, pageSize: 20 }),
      },
      {
        name: 'list ?department',
        path: `/api/supervision/cases?department=${encodeURIComponent(dept)}`,
        list: true,
        call: (s) => s.cases(principal, { department: dept, page: 1, pageSize: 20 }),
      },
      {
        name: 'list ?jurisdiction',
        path: '/api/supervision/cases?jurisdiction=yexian-mz',
        list: true,
        call: (s) => s.cases(principal, { jurisdiction: 'yexian-mz', page: 1, pageSize: 20 }),
      },
      {
        name: 'list ?overdue=true',
        path: '/api/supervision/cases?overdue=true',
        list: true,
        call: (s) => s.cases(principal, { overdue: true, page: 1, pageSize: 20 }),
      },
      {
        name: 'list ?dueWithin=3',
        path: '/api/supervision/cases?dueWithin=3',
        list: true,
        call: (s) => s.cases(principal, { dueWithin: 3, page: 1, pageSize: 20 }),
      },
      { name: 'counts', path: '/api/supervision/counts', list: true, call: (s) => s.counts(principal, {}) },
      {
        name: 'overdue',
        path: '/api/supervision/overdue',
        list: false,
        call: (s) => s.overdue(principal, {}),
      },
      {
        name: 'due-soon',
        path: '/api/supervision/due-soon',
        list: false,
        call: (s) => s.dueSoon(principal, { dueWithin: 3 }),
      },
      { name: 'ageing', path: '/api/supervision/ageing', list: false, call: (s) => s.ageing(principal, {}) },
      {
        name: 'escalations',
        path: '/api/supervision/escalations',
        list: false,
        call: (s) => s.escalations(principal, {}),
      },
      {
        name: 'departments',
        path: `/api/supervision/departments?from=${from}&to=${to}`,
        list: false,
        call: (s) => s.departments(principal, { from, to }),
      },
      {
        name: 'CSV export ?procedure&status',
        path: '/api/supervision/cases/export?format=csv&procedure=objection&status=forwarded',
        list: false,
        call: (s) => s.allCases(principal, { procedure: ['objection'], status: ['forwarded'] }),
      },
    ];

    const recorder = new QueryRecorder();
    const dataSource = new DataSource({
      ...dataSourceOptions(c.databaseUrl),
      logging: true,
      logger: recorder,
    });
    await dataSource.initialize();
    const service = new SupervisionService(dataSource, new CalendarStore(dataSource));
    const plans: Array<{ endpoint: string; sql: string; seqScans: number; plan: unknown }> = [];
    for (const e of endpoints) {
      recorder.queries = [];
      await e.call(service);
      for (const q of recorder.queries) {
        const [{ 'QUERY PLAN': plan }] = (await db.query(`EXPLAIN (FORMAT JSON) ${q.sql}`, q.parameters))
          .rows as Array<{ 'QUERY PLAN': unknown }>;
        plans.push({ endpoint: e.name, sql: q.sql, seqScans: seqScansOnCases(plan), plan });
      }
    }
    await dataSource.destroy();

    const lines: Line[] = [];
    const measured: unknown[] = [];
    for (const e of endpoints) {
      const h = latencyHistogram();
      const statuses: Record<string, number> = {};
      for (let i = 0; i < rounds; i++) {
        const t = performance.now();
        const res = await fetch(c.baseUrl + e.path, { headers: { Authorization: `Bearer ${token}` } });
        await res.arrayBuffer();
        recordMs(h, performance.now() - t);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      }
      const s = summarise(h);
      const bad = rounds - (statuses['200'] ?? 0);
      const seq = plans.filter((p) => p.endpoint === e.name).reduce((n, p) => n + p.seqScans, 0);
      measured.push({ endpoint: e.name, path: e.path, statuses, latencyMs: s });
      lines.push({
        measure: `${e.name}: p50 / p95 (plans without Seq Scan on case_index${bad ? `; not 200: ${bad}` : ''})`,
        figure: `${s.p50} / ${s.p95} ms${seq ? `, Seq Scan ×${seq}` : ''}`,
        target: e.list ? `p95 < ${LIST_COUNTS_P95_TARGET_MS} ms, no Seq Scan` : 'no Seq Scan',
        met: bad === 0 && seq === 0 && (!e.list || s.p95 < LIST_COUNTS_P95_TARGET_MS),
      });
      console.log(
        `supervision ${e.name}: ${s.p50} / ${s.p95} ms, seq scans ${seq}, statuses ${JSON.stringify(statuses)}`,
      );
    }
    return {
      name: 'supervision',
      quick: options.quick,
      lines,
      details: { cases, rounds, endpoints: measured, plans },
    };
  } finally {
    await db.end().catch(() => undefined);
    await c.stop();
  }
}
