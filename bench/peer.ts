import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../infra/database/embedded-postgres';
import { findFreePort } from '../infra/net';
import { startEmbeddedTemporal, type EmbeddedTemporalHandle } from '../infra/temporal/embedded-temporal';
import { arg, type BenchOutcome, type Line } from './harness';
import type { ChildMessage, LoadResult, ParentMessage } from './peer-load';
import { cpuSeconds, peakRssMiB, postgresCpuSeconds, postgresPssMiB, rssMiB } from './peer-proc';

/**
 * `npm run bench -- peer [--quick] [--workflows N] [--concurrency C] [--order temporal,dbos]`:
 * the engine benchmark's workflow (one activity or step, a 50 ms durable timer, one message from
 * the driver) on two engines, one after the other, on the same embedded PostgreSQL (its own
 * database each): Temporal (the project's dev server on PostgreSQL storage, and a process with the
 * SDK worker and the client, bench/peer-temporal.ts) and DBOS Transact (a process with the DBOS
 * library and the driver, bench/peer-dbos.ts). The same driver (bench/peer-load.ts) and the same
 * number in flight for both. Memory and CPU of each engine's processes and of PostgreSQL are read
 * from /proc by this process, which runs no engine itself.
 */

type Engine = 'temporal' | 'dbos';
const ENGINES: Engine[] = ['temporal', 'dbos'];
const RUN_TS = path.join(__dirname, '..', 'infra', 'run-ts.js');

interface EngineRun {
  engine: Engine;
  load: LoadResult;
  /** Peak RSS (VmHWM) of each of the engine's processes, start-up and warm-up included, MiB. */
  peakRssMiB: Record<string, number>;
  /** Highest RSS seen by the 200 ms sampler during the measured phase, MiB. */
  sampledPeakRssMiB: Record<string, number>;
  /** PostgreSQL's memory (sum of PSS), highest sample during the measured phase, MiB. */
  postgresPeakPssMiB: number;
  /** CPU seconds spent during the measured phase, per process, and by PostgreSQL. */
  cpuSeconds: Record<string, number>;
  loadavgStart: number[];
  loadavgEnd: number[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;
const loadavg = () => os.loadavg().map(round2);

/** The PostgreSQL settings that decide durability and memory, as the server reports them. */
async function postgresSettings(url: string): Promise<Record<string, string>> {
  const names = [
    'server_version',
    'fsync',
    'synchronous_commit',
    'wal_sync_method',
    'full_page_writes',
    'shared_buffers',
    'max_connections',
    'wal_level',
  ];
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; setting: string; unit: string | null }>(
      'SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1)',
      [names],
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.unit ? `${r.setting} (${r.unit})` : r.setting]));
  } finally {
    await client.end();
  }
}

function spawnEngineProcess(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, [RUN_TS, path.join(__dirname, script), ...args], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/**
 * Runs one engine's process to the end of its measured phase while sampling `watched` (name → pid,
 * the engine process included) and PostgreSQL; then lets it shut down.
 */
async function measure(
  engine: Engine,
  child: ChildProcess,
  watched: Record<string, number>,
  pg: EmbeddedPostgresHandle,
): Promise<EngineRun> {
  const loadavgStart = loadavg();
  const pgPid = pg.postmaster.pid;
  const sampled: Record<string, number> = Object.fromEntries(Object.keys(watched).map((k) => [k, 0]));
  let postgresPeakPssMiB = 0;
  let measuring = false;
  const sample = () => {
    if (!measuring) return;
    for (const [name, pid] of Object.entries(watched)) sampled[name] = Math.max(sampled[name], rssMiB(pid));
    postgresPeakPssMiB = Math.max(postgresPeakPssMiB, postgresPssMiB(pgPid));
  };
  const sampler = setInterval(sample, 200);
  const cpu = () => ({
    ...Object.fromEntries(Object.entries(watched).map(([name, pid]) => [name, cpuSeconds(pid)])),
    postgres: postgresCpuSeconds(pgPid),
  });
  let cpuAtStart: Record<string, number> = {};
  try {
    const { load, cpuAtEnd, peaks } = await new Promise<{
      load: LoadResult;
      cpuAtEnd: Record<string, number>;
      peaks: Record<string, number>;
    }>((resolve, reject) => {
      child.on('exit', (code, signal) =>
        reject(new Error(`${engine} benchmark process exited with ${signal ?? code} before its result`)),
      );
      child.on('message', (m: ChildMessage) => {
        if (m.kind === 'measuring') {
          cpuAtStart = cpu();
          measuring = true;
          sample();
        } else {
          sample();
          measuring = false;
          const cpuAtEnd = cpu();
          const peaks = Object.fromEntries(
            Object.entries(watched).map(([name, pid]) => [name, peakRssMiB(pid)]),
          );
          resolve({ load: m.result, cpuAtEnd, peaks });
        }
      });
    });
    child.removeAllListeners('exit');
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.send({ kind: 'stop' } satisfies ParentMessage);
    await exited;
    return {
      engine,
      load,
      peakRssMiB: peaks,
      sampledPeakRssMiB: sampled,
      postgresPeakPssMiB,
      cpuSeconds: Object.fromEntries(
        Object.entries(cpuAtEnd).map(([name, s]) => [name, round2(s - (cpuAtStart[name] ?? 0))]),
      ),
      loadavgStart,
      loadavgEnd: loadavg(),
    };
  } finally {
    clearInterval(sampler);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

async function runTemporal(pg: EmbeddedPostgresHandle, dir: string, load: string[]): Promise<EngineRun> {
  await pg.ensureDatabase('bench_peer_temporal');
  let server: EmbeddedTemporalHandle | undefined;
  try {
    server = await startEmbeddedTemporal({
      port: await findFreePort(),
      namespace: 'default',
      dataDir: path.join(dir, 'temporal'),
      databaseUrl: pg.urlFor('bench_peer_temporal'),
      onLog: () => undefined,
    });
    const child = spawnEngineProcess('peer-temporal.ts', ['--address', server.address, ...load]);
    return await measure(
      'temporal',
      child,
      { 'dev server': server.process.pid!, 'worker + driver': child.pid! },
      pg,
    );
  } finally {
    await server?.stop();
  }
}

async function runDbos(pg: EmbeddedPostgresHandle, load: string[]): Promise<EngineRun> {
  await pg.ensureDatabase('bench_peer_dbos');
  const pool = arg('dbos-pool', '');
  const child = spawnEngineProcess('peer-dbos.ts', [
    '--db-url',
    pg.urlFor('bench_peer_dbos'),
    ...(pool ? ['--pool', pool] : []),
    ...load,
  ]);
  return measure('dbos', child, { 'DBOS + driver': child.pid! }, pg);
}

const LABEL: Record<Engine, string> = {
  temporal: 'Temporal (dev server + SDK worker)',
  dbos: 'DBOS Transact',
};

function engineLines(run: EngineRun): Line[] {
  const l = run.load;
  const label = LABEL[run.engine];
  const processes = Object.entries(run.peakRssMiB);
  const totalRss = round1(processes.reduce((sum, [, v]) => sum + v, 0));
  const perThousand = (s: number) => round2((s / Math.max(1, l.completed)) * 1000);
  return [
    {
      measure: `${label}: completed workflows/s (${l.workflows} workflows, ${l.concurrency} in flight)`,
      figure: String(l.workflowsPerSecond),
      target: '',
      met: null,
    },
    {
      measure: `${label}: start-to-result latency p50 / p95 / p99`,
      figure: `${l.latencyMs.p50} / ${l.latencyMs.p95} / ${l.latencyMs.p99} ms`,
      target: '',
      met: null,
    },
    {
      measure: `${label}: peak RSS of its processes`,
      figure:
        processes.length > 1
          ? `${processes.map(([name, v]) => `${name} ${v}`).join(' + ')} = ${totalRss} MiB`
          : `${totalRss} MiB`,
      target: '',
      met: null,
    },
    {
      measure: `${label}: PostgreSQL memory during the run (peak sum of PSS)`,
      figure: `${run.postgresPeakPssMiB} MiB`,
      target: '',
      met: null,
    },
    {
      measure: `${label}: CPU seconds per 1000 workflows (measured phase)`,
      figure: Object.entries(run.cpuSeconds)
        .map(([name, s]) => `${name} ${perThousand(s)}`)
        .join(', '),
      target: '',
      met: null,
    },
  ];
}

/** The dev server's share of the Temporal set-up's CPU stays under this, in per cent (issue #20). */
const DEV_SERVER_CPU_SHARE_TARGET = 30;

/** What differs between the two set-ups, and what was made the same (for the table and the JSON). */
const SETUP: Array<{ aspect: string; note: string }> = [
  {
    aspect: 'process layout',
    note:
      'Temporal: a separate dev server process (gRPC) + one process with the SDK worker and the client; ' +
      'DBOS: one process, the library inside the driver, no server (PostgreSQL is its only server)',
  },
  {
    aspect: 'storage and durability',
    note:
      'the same embedded PostgreSQL for both (a database each), fsync and synchronous_commit on (settings in the JSON); ' +
      'both acknowledge a start, a signal/send and each step only once committed',
  },
  {
    aspect: 'how each writes',
    note:
      'the dev server groups all changes made while one transaction is written into the next (group commit, pool of 4); ' +
      'DBOS writes each step, sleep, send and recv in its own transactions (pool of 10, its default)',
  },
  {
    aspect: 'waiting for the message',
    note: 'Temporal: a signal wakes a workflow task on the worker; DBOS: recv is woken by LISTEN/NOTIFY (with a 60 s durable deadline, the default)',
  },
  {
    aspect: 'workflow execution',
    note: 'Temporal: deterministic replay in the SDK sandbox (V8 isolates, 2 workflow threads); DBOS: a plain async function, checkpointed per step',
  },
  {
    aspect: 'run order',
    note: "one engine after the other on a shared machine: each one's load average is in the JSON",
  },
];

export async function runPeer(options: { quick: boolean }): Promise<BenchOutcome> {
  const workflows = arg('workflows', options.quick ? '200' : '2000');
  const concurrency = arg('concurrency', options.quick ? '50' : '100');
  const order = arg('order', ENGINES.join(','))
    .split(',')
    .map((e) => e.trim()) as Engine[];
  if (order.length === 0 || order.some((e) => !ENGINES.includes(e))) {
    throw new Error(`--order: a comma-separated list of ${ENGINES.join(', ')}`);
  }
  const load = ['--workflows', workflows, '--concurrency', concurrency, '--warmup', '50'];

  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-peer-'));
  chmodSync(dir, 0o755); // reachable by the unprivileged OS user PostgreSQL runs as under root
  const dataDir = path.join(dir, 'postgres');
  const pg = await startEmbeddedPostgres({ dataDir, port: await findFreePort() });
  const runs: EngineRun[] = [];
  let settings: Record<string, string>;
  try {
    settings = await postgresSettings(pg.url);
    for (const engine of order) {
      console.log(`peer: ${engine}…`);
      const run = engine === 'temporal' ? await runTemporal(pg, dir, load) : await runDbos(pg, load);
      console.log(`peer: ${engine}`, JSON.stringify({ ...run, load: { ...run.load, latencyMs: undefined } }));
      runs.push(run);
    }
  } finally {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  let filesystem = 'unknown';
  try {
    filesystem =
      execFileSync('df', ['--output=fstype', os.tmpdir()], { encoding: 'utf8' }).trim().split('\n').pop() ??
      filesystem;
  } catch {
    // no GNU df: the file system stays unknown
  }

  const byEngine = (e: Engine) => runs.find((r) => r.engine === e);
  const temporal = byEngine('temporal');
  const dbos = byEngine('dbos');
  const lines: Line[] = runs.flatMap(engineLines);
  if (temporal && dbos) {
    const ratio = (a: number, b: number) => (b > 0 ? round2(a / b) : NaN);
    lines.push(
      {
        measure: 'ratio DBOS / Temporal: completed workflows/s',
        figure: `${ratio(dbos.load.workflowsPerSecond, temporal.load.workflowsPerSecond)}×`,
        target: '',
        met: null,
      },
      {
        measure: 'ratio DBOS / Temporal: latency p50 / p95 / p99',
        figure: (['p50', 'p95', 'p99'] as const)
          .map((p) => `${ratio(dbos.load.latencyMs[p], temporal.load.latencyMs[p])}×`)
          .join(' / '),
        target: '',
        met: null,
      },
      {
        measure:
          'Temporal (dev server + SDK worker) at least as fast as DBOS Transact: completed workflows/s',
        figure: `${temporal.load.workflowsPerSecond} vs ${dbos.load.workflowsPerSecond}`,
        target: '≥ DBOS',
        met: temporal.load.workflowsPerSecond >= dbos.load.workflowsPerSecond,
      },
    );
  }
  if (temporal) {
    // The dev server is not the bottleneck while the SDK worker is saturated (issue #20): its share
    // of the CPU the Temporal set-up spent (dev server, worker + driver, PostgreSQL).
    const spent = Object.values(temporal.cpuSeconds).reduce((a, b) => a + b, 0);
    const server = temporal.cpuSeconds['dev server'] ?? NaN;
    const share = Math.round((server / spent) * 1000) / 10;
    lines.push({
      measure:
        "Temporal: the dev server's share of the CPU of the run (dev server, worker + driver, PostgreSQL)",
      figure: `${share} % (${round2(server)} of ${round2(spent)} s)`,
      target: `< ${DEV_SERVER_CPU_SHARE_TARGET} %`,
      met: share < DEV_SERVER_CPU_SHARE_TARGET,
    });
  }
  lines.push(
    {
      measure: 'every workflow completed on both engines, none failed',
      figure: runs.map((r) => `${r.engine} ${r.load.completed}/${r.load.workflows}`).join(', '),
      target: 'all',
      met: runs.every((r) => r.load.failed === 0),
    },
    {
      measure: "load average (1 min) at each engine's start → end",
      figure: runs.map((r) => `${r.engine} ${r.loadavgStart[0]} → ${r.loadavgEnd[0]}`).join(', '),
      target: '',
      met: null,
    },
    ...SETUP.map((s) => ({ measure: `set-up: ${s.aspect}`, figure: s.note, target: '', met: null })),
  );
  return {
    name: 'peer',
    quick: options.quick,
    lines,
    details: {
      order,
      postgres: { ...settings, dataDirectoryFilesystem: filesystem },
      setup: SETUP,
      runs,
    },
  };
}
