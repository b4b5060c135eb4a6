import autocannon from 'autocannon';
import type { Client } from 'pg';
import { startComponents, type Components } from '../test/support/components';
import { day, pool, settle } from '../test/support/fault-client';
import {
  latencyHistogram,
  recordMs,
  summarise,
  type BenchOutcome,
  type LatencySummary,
  type Line,
} from './harness';
import { cpuSeconds, postgresCpuSeconds } from './peer-proc';

/**
 * `npm run bench -- api`: the HTTP API on the service as a deployment runs it (PostgreSQL, the
 * Temporal dev server, the worker and the API each a process: test/support/components.ts), loaded
 * by autocannon from this process. Three operations at 1, 10 and 50 concurrent clients:
 * objection create (the case row and its workflow start; each on a credit record of its own,
 * made beforehand through the API), the forward action (a workflow update) on those cases, and
 * the case detail GET. Latency per response into an HDR histogram; requests/s over the phase.
 * Each phase starts on a quiet stack (the previous phase's workflows done) and is charged, per
 * request, with the CPU each component spent until the work it started was done: what a request
 * costs the machine, beyond what its answer waited for.
 */

const SUBJECT = '52410422MJ0000012Y';
const CONCURRENCY = [1, 10, 50];
/** Objection create p95 at 10 concurrent clients (issue #20). */
const CREATE_P95_TARGET_MS = 100;

interface Phase {
  operation: 'create' | 'forward' | 'detail';
  clients: number;
  requests: number;
  statuses: Record<string, number>;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
  /** From the phase's last answer until the work it started in the background was done, ms. */
  drainMs: number;
  /** CPU per request from the phase's start until its background work was done, by component, ms. */
  cpuMsPerRequest: CpuByComponent;
}

type CpuByComponent = { api: number; worker: number; devServer: number; postgres: number };

function cpuOfComponents(c: Components): CpuByComponent {
  return {
    api: cpuSeconds(c.api.pid()),
    worker: cpuSeconds(c.worker.pid()),
    devServer: cpuSeconds(c.devServerPid()),
    postgres: postgresCpuSeconds(c.postmasterPid()),
  };
}

/**
 * Waits until the work the requests started has been done: the workflows' publications to the
 * read model, their notices and deadlines no longer change for 2 s. A phase starts on a quiet
 * stack, so it is not charged with the previous phase's backlog. Returns when the last change was.
 */
async function quiet(db: Client): Promise<number> {
  const fingerprint = async () =>
    JSON.stringify(
      (
        await db.query(
          `SELECT (SELECT coalesce(sum(revision), 0) FROM case_index) AS revisions,
                  (SELECT count(*) FROM notification) AS notices,
                  (SELECT count(*) FROM open_deadline) AS deadlines`,
        )
      ).rows[0],
    );
  let last = await fingerprint();
  let changedAt = Date.now();
  while (Date.now() - changedAt < 2000) {
    await new Promise((r) => setTimeout(r, 250));
    const now = await fingerprint();
    if (now !== last) {
      last = now;
      changedAt = Date.now();
    }
  }
  return changedAt;
}

interface Planned {
  method: 'GET' | 'POST';
  path: string;
  token: string;
  body?: unknown;
  key?: string;
}

/** Sends every planned request once, `clients` at a time; the 2xx answers' bodies by index. */
async function load(
  c: Components,
  db: Client,
  operation: Phase['operation'],
  clients: number,
  planned: Planned[],
): Promise<{ phase: Phase; bodies: string[] }> {
  await quiet(db);
  const cpuBefore = cpuOfComponents(c);
  const histogram = latencyHistogram();
  const statuses: Record<string, number> = {};
  const bodies: string[] = new Array<string>(planned.length);
  let next = 0;
  const started = performance.now();
  const instance = autocannon({
    url: c.baseUrl,
    connections: clients,
    amount: planned.length,
    timeout: 60,
    requests: [
      {
        setupRequest: (request, context) => {
          const i = next++;
          context.index = i;
          const p = planned[i % planned.length];
          return {
            ...request,
            method: p.method,
            path: p.path,
            headers: {
              Authorization: `Bearer ${p.token}`,
              ...(p.body === undefined ? {} : { 'Content-Type': 'application/json' }),
              ...(p.key ? { 'Idempotency-Key': p.key } : {}),
            },
            body: p.body === undefined ? undefined : JSON.stringify(p.body),
          };
        },
        onResponse: (status, body, context) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status < 300) bodies[context.index as number] = body;
        },
      },
    ],
  });
  instance.on('response', (_client, _status, _bytes, ms) => recordMs(histogram, ms));
  const result = await instance;
  const answered = Date.now();
  // autocannon's own `duration` is in whole seconds: too coarse for a phase of a few seconds.
  const seconds = (performance.now() - started) / 1000;
  if (result.errors || result.timeouts)
    statuses.error = (statuses.error ?? 0) + result.errors + result.timeouts;
  const drainMs = Math.max(0, (await quiet(db)) - answered);
  const cpuAfter = cpuOfComponents(c);
  const perRequest = (k: keyof CpuByComponent) =>
    Math.round(((cpuAfter[k] - cpuBefore[k]) * 1000 * 10) / planned.length) / 10;
  const phase: Phase = {
    operation,
    clients,
    requests: planned.length,
    statuses,
    requestsPerSecond: Math.round((histogram.totalCount / seconds) * 10) / 10,
    latencyMs: summarise(histogram),
    drainMs,
    cpuMsPerRequest: {
      api: perRequest('api'),
      worker: perRequest('worker'),
      devServer: perRequest('devServer'),
      postgres: perRequest('postgres'),
    },
  };
  console.log(
    `api ${operation} × ${clients}: ${phase.requestsPerSecond} req/s, p50/p95/p99 ` +
      `${phase.latencyMs.p50} / ${phase.latencyMs.p95} / ${phase.latencyMs.p99} ms, statuses ${JSON.stringify(statuses)}, ` +
      `drained ${phase.drainMs} ms after, CPU ms per request ${JSON.stringify(phase.cpuMsPerRequest)}`,
  );
  return { phase, bodies };
}

async function createRecords(c: Components, count: number, base: number): Promise<string[]> {
  const records = new Array<string>(count);
  await pool(records, 8, async (_, i) => {
    const record = await settle(c.baseUrl, c.tokens.provider, 'POST', '/api/records', {
      subjectCode: SUBJECT,
      kind: 'administrative-penalty',
      documentNo: `叶市监罚〔2026〕${base + i}号`,
      decisionDate: day(-10),
      severityTier: '一般',
      title: `未按规定报送年度工作报告 基准 ${base + i}`,
      content: '给予警告',
      publicityStart: day(-7),
      publicityMinEnd: day(80),
      publicityMaxEnd: day(355),
    });
    if (record.status !== 201)
      throw new Error(`record not created: ${record.status} ${JSON.stringify(record.body)}`);
    records[i] = record.body.id as string;
  });
  return records;
}

const objectionBody = (recordId: string, i: number) => ({
  applicant: { name: '张三', contact: '13800000000', subjectCode: SUBJECT },
  channel: 'window',
  recordId,
  grounds: ['facts-wrong'],
  groundsText: '已于规定期限内报送年度工作报告，有回执为证',
  attachments: [{ ref: `DOC-${i}`, name: '报送回执' }],
});

/**
 * With CPU_PROFILE_DIR set (the components inherit it), the targeted phase runs under the CPU
 * profiler of the API and the worker (infra/run-ts.js: SIGWINCH starts, the next writes
 * `<dir>/<entry>-<pid>-<n>.cpuprofile`). Not the dev server: its executable has no such handler.
 */
async function profiledIf<T>(targeted: boolean, c: Components, phase: () => Promise<T>): Promise<T> {
  if (!targeted || !process.env.CPU_PROFILE_DIR) return phase();
  const pids = [c.api.pid(), c.worker.pid()];
  const signal = () => pids.forEach((pid) => process.kill(pid, 'SIGWINCH'));
  signal();
  try {
    return await phase();
  } finally {
    signal();
    await new Promise((r) => setTimeout(r, 3000)); // the profiles are written
    console.log(`api: CPU profiles of the targeted phase in ${process.env.CPU_PROFILE_DIR}`);
  }
}

export async function runApi(options: { quick: boolean }): Promise<BenchOutcome> {
  const perPhase = (clients: number) =>
    options.quick ? Math.max(10, clients * 2) : Math.max(100, clients * 10);
  const warmUp = options.quick ? 5 : 50;
  console.log('api: starting PostgreSQL, the dev server, the worker and the API …');
  const c = await startComponents();
  const db = await c.connect();
  try {
    const subject = await settle(c.baseUrl, c.tokens.provider, 'POST', '/api/subjects', {
      kind: 'other-organisation',
      code: SUBJECT,
      name: '叶县书画研究会',
      jurisdiction: 'yexian-mz',
    });
    if (subject.status !== 201) throw new Error(`subject not created: ${subject.status}`);
    const total = warmUp + CONCURRENCY.reduce((n, k) => n + perPhase(k), 0);
    console.log(`api: creating ${total} credit records through the API …`);
    const records = await createRecords(c, total, 1000);

    const createPlan = (from: number, count: number): Planned[] =>
      records.slice(from, from + count).map((recordId, j) => ({
        method: 'POST',
        path: '/api/objections',
        token: c.tokens.caseworker,
        body: objectionBody(recordId, from + j),
        key: `bench-objection-${from + j}`,
      }));
    await load(c, db, 'create', 5, createPlan(0, warmUp));

    const phases: Phase[] = [];
    const cases: string[][] = [];
    let used = warmUp;
    for (const clients of CONCURRENCY) {
      const { phase, bodies } = await profiledIf(clients === 10, c, () =>
        load(c, db, 'create', clients, createPlan(used, perPhase(clients))),
      );
      used += perPhase(clients);
      phases.push(phase);
      cases.push(bodies.filter(Boolean).map((b) => (JSON.parse(b) as { case: { id: string } }).case.id));
    }
    for (const [k, clients] of CONCURRENCY.entries()) {
      const plan: Planned[] = cases[k].map((id) => ({
        method: 'POST',
        path: `/api/objections/${id}/forward`,
        token: c.tokens.caseworker,
        body: {},
        key: `bench-forward-${id}`,
      }));
      phases.push((await load(c, db, 'forward', clients, plan)).phase);
    }
    const every = cases.flat();
    for (const clients of CONCURRENCY) {
      const plan: Planned[] = Array.from({ length: perPhase(clients) * 2 }, (_, i) => ({
        method: 'GET',
        path: `/api/objections/${every[i % every.length]}`,
        token: c.tokens.caseworker,
      }));
      phases.push((await load(c, db, 'detail', clients, plan)).phase);
    }

    const names = {
      create: 'objection create (+ workflow start)',
      forward: 'forward (workflow update)',
      detail: 'case detail GET',
    };
    const cpuLines: Line[] = phases
      .filter((p) => p.operation !== 'detail')
      .map((p) => {
        const cpu = p.cpuMsPerRequest;
        const sum = Math.round((cpu.api + cpu.worker + cpu.devServer + cpu.postgres) * 10) / 10;
        return {
          measure: `${names[p.operation]}, ${p.clients} concurrent: CPU per request until its workflow work is done (API / worker / dev server / PostgreSQL = sum); background drained after the last answer`,
          figure: `${cpu.api} / ${cpu.worker} / ${cpu.devServer} / ${cpu.postgres} = ${sum} ms; ${Math.round(p.drainMs / 100) / 10} s`,
          target: '',
          met: null,
        };
      });
    const lines: Line[] = phases.map((p) => {
      const failed =
        p.requests - Object.entries(p.statuses).reduce((n, [s, k]) => (Number(s) < 300 ? n + k : n), 0);
      const targeted = p.operation === 'create' && p.clients === 10;
      return {
        measure: `${names[p.operation]}, ${p.clients} concurrent: req/s, p50 / p95 / p99${failed ? `, not 2xx ${failed}` : ''}`,
        figure: `${p.requestsPerSecond} req/s, ${p.latencyMs.p50} / ${p.latencyMs.p95} / ${p.latencyMs.p99} ms`,
        target: targeted ? `p95 < ${CREATE_P95_TARGET_MS} ms` : '',
        met: targeted ? p.latencyMs.p95 < CREATE_P95_TARGET_MS && failed === 0 : failed === 0 ? null : false,
      };
    });
    return {
      name: 'api',
      quick: options.quick,
      lines: [...lines, ...cpuLines],
      details: { concurrency: CONCURRENCY, warmUp, phases },
    };
  } finally {
    await db.end().catch(() => undefined);
    await c.stop();
  }
}
