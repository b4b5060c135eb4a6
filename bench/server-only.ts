import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../infra/database/embedded-postgres';
import { findFreePort } from '../infra/net';
import { DEV_SERVER_BIN } from '../infra/temporal/embedded-temporal';
import { attributedCosts, topOfProfile, type AttributedCosts, type ProfileTop } from './cpu-profile';
import { arg, flag, latencyHistogram, RESULTS_DIR, summarise, type BenchOutcome, type Line } from './harness';
import {
  cpuSeconds,
  machineCpuSeconds,
  mainThreadCpuSeconds,
  peakRssMiB,
  postgresCpuSeconds,
  rssMiB,
} from './peer-proc';
import type { CoordinatorMessage, GeneratorMessage, GeneratorResult } from './server-only-load';

/**
 * `npm run bench -- server-only [--quick] [--storage memory|postgres] [--workflows N]
 * [--concurrency C] [--generators G] [--profile]`: the dev server's own ceiling on the engine
 * benchmark's workflow (one activity, one 50 ms timer, one signal), without the SDK's workflow
 * sandbox in the way. G load generator processes (bench/server-only-load.ts) speak the
 * WorkflowService gRPC API directly, each client and worker at once, with N/G workflows and C/G
 * in flight each, on one shared task queue. The server runs in its own process
 * (`temporal-dev-server server start-dev`, in memory or on an embedded PostgreSQL started for the
 * run), and this process, which runs neither, reads everyone's CPU time and memory from /proc.
 *
 * A process whose main (JavaScript) thread used ≥ 90 % of a core during the measured phase is
 * called saturated, and so is the machine when ≥ 90 % of all its cores were busy (anyone's work):
 * the figure is the server's ceiling only when the server is the saturated one; the table says
 * which was. On a machine shared with other work the server may get less than a core, so the
 * table also gives the ceiling its own cost allows: completed workflows per second of its main
 * thread's CPU. `--profile` runs the server under `node --cpu-prof` (slower: use it for the costs, not
 * the figure) and lists its top costs within the measured phase: the self time of each of the
 * server's functions with the libraries' and Node's work it called charged to it (protobufjs'
 * generated coders have no names), its inclusive times and the plain self times in the JSON;
 * results then go to `server-only-<storage>-profile-<date>`, the profile to
 * bench/results/profiles/ (not committed).
 */

const RUN_TS = path.join(__dirname, '..', 'infra', 'run-ts.js');
const SATURATED = 0.9;

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

function wholeArg(name: string, fallback: number): number {
  const value = Number(arg(name, String(fallback)));
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number ≥ 1`);
  return value;
}

/** An embedded PostgreSQL in a temporary directory, as bench/temporal.ts starts one. */
async function startDatabase(): Promise<{
  pg: EmbeddedPostgresHandle;
  url: string;
  dispose(): Promise<void>;
}> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-pg-'));
  chmodSync(dir, 0o755); // reachable by the unprivileged OS user PostgreSQL runs as under root
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), port: await findFreePort() });
  await pg.ensureDatabase('bench_server_only');
  return {
    pg,
    url: pg.urlFor('bench_server_only'),
    dispose: async () => {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startServer(
  nodeArgs: string[],
  dbUrl: string | undefined,
): Promise<{ child: ChildProcess; address: string }> {
  const port = await findFreePort();
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      DEV_SERVER_BIN,
      'server',
      'start-dev',
      '--port',
      String(port),
      '--headless',
      ...(dbUrl ? ['--db-url', dbUrl] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => c.toString().includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`dev server exited with ${code}`)));
  });
  child.stdout!.resume();
  return { child, address: `127.0.0.1:${port}` };
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

/** Stops a child with SIGTERM and answers when it exited (its CPU profile, if any, is written). */
function stopChild(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(Date.now());
    child.once('exit', () => resolve(Date.now()));
    child.kill('SIGTERM');
  });
}

interface Generator {
  child: ChildProcess;
  messages: GeneratorMessage[];
  waiters: Array<() => void>;
}

function startGenerator(args: string[]): Generator {
  const child = spawn(process.execPath, [RUN_TS, path.join(__dirname, 'server-only-load.ts'), ...args], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const g: Generator = { child, messages: [], waiters: [] };
  child.on('message', (m: GeneratorMessage) => {
    g.messages.push(m);
    g.waiters.splice(0).forEach((w) => w());
  });
  child.on('exit', () => g.waiters.splice(0).forEach((w) => w()));
  return g;
}

async function nextMessage<K extends GeneratorMessage['kind']>(
  g: Generator,
  kind: K,
): Promise<Extract<GeneratorMessage, { kind: K }>> {
  for (;;) {
    const m = g.messages.find((x) => x.kind === kind);
    if (m) return m as Extract<GeneratorMessage, { kind: K }>;
    if (g.child.exitCode !== null || g.child.signalCode !== null) {
      throw new Error(`load generator ${g.child.pid} exited with ${g.child.signalCode ?? g.child.exitCode}`);
    }
    await new Promise<void>((resolve) => g.waiters.push(resolve));
  }
}

const tell = (g: Generator, m: CoordinatorMessage) => g.child.send(m);

/** One process's use of the machine during the measured phase. */
interface ProcessUse {
  /** User + system CPU seconds, all its threads. */
  cpuSeconds: number;
  /** Of its main thread alone. */
  mainThreadCpuSeconds: number;
  /** CPU seconds per wall second: cores used. */
  cores: number;
  /** Share of the whole machine (all cores). */
  machineShare: number;
  saturated: boolean;
  /** VmHWM: peak since the process started, warm-up included. */
  peakRssMiB: number;
  /** Highest RSS of the 200 ms sampler during the measured phase. */
  sampledPeakRssMiB: number;
}

/** Splits `total` into `parts` whole shares that differ by at most one. */
const shares = (total: number, parts: number) =>
  Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));

export async function runServerOnly(options: { quick: boolean }): Promise<BenchOutcome> {
  const storage = arg('storage', 'memory');
  if (storage !== 'memory' && storage !== 'postgres') throw new Error('--storage is memory or postgres');
  const workflows = wholeArg('workflows', options.quick ? 300 : 6000);
  const concurrency = wholeArg('concurrency', options.quick ? 50 : 200);
  const generatorCount = wholeArg('generators', 2);
  if (concurrency < generatorCount || workflows < generatorCount) {
    throw new Error('--workflows and --concurrency must be at least --generators');
  }
  const warmup = options.quick ? 20 : 200;
  const profile = flag('profile');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const profileDir = path.join(RESULTS_DIR, 'profiles', `server-only-${storage}-${stamp}`);
  if (profile) mkdirSync(profileDir, { recursive: true });

  const database = storage === 'postgres' ? await startDatabase() : undefined;
  let server: ChildProcess | undefined;
  const generators: Generator[] = [];
  try {
    const started = await startServer(
      profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
      database?.url,
    );
    server = started.child;
    const workflowShares = shares(workflows, generatorCount);
    const concurrencyShares = shares(concurrency, generatorCount);
    for (let i = 0; i < generatorCount; i++) {
      generators.push(
        startGenerator([
          '--address',
          started.address,
          '--index',
          String(i),
          '--workflows',
          String(workflowShares[i]),
          '--concurrency',
          String(concurrencyShares[i]),
          '--warmup',
          String(Math.ceil(warmup / generatorCount)),
        ]),
      );
    }
    console.log(
      `server-only: ${storage} storage, ${generatorCount} load generator(s), warm-up of ${warmup} workflows …`,
    );
    await Promise.all(generators.map((g) => nextMessage(g, 'ready')));

    const watched: Record<string, number> = {
      'dev server': server.pid!,
      ...Object.fromEntries(generators.map((g, i) => [`load generator ${i + 1}`, g.child.pid!])),
    };
    const sampled: Record<string, number> = Object.fromEntries(Object.keys(watched).map((k) => [k, 0]));
    const sample = () => {
      for (const [name, pid] of Object.entries(watched)) sampled[name] = Math.max(sampled[name], rssMiB(pid));
    };
    const cpu = () => ({
      all: Object.fromEntries(Object.entries(watched).map(([name, pid]) => [name, cpuSeconds(pid)])),
      main: Object.fromEntries(
        Object.entries(watched).map(([name, pid]) => [name, mainThreadCpuSeconds(pid)]),
      ),
      postgres: database ? postgresCpuSeconds(database.pg.postmaster.pid) : 0,
      machine: machineCpuSeconds(),
    });
    const loadavgStart = os.loadavg().map(round2);
    const before = cpu();
    const from = Date.now();
    const t0 = performance.now();
    const sampler = setInterval(sample, 200);
    sample();
    generators.forEach((g) => tell(g, { kind: 'go' }));
    console.log(`server-only: measuring ${workflows} workflows, ${concurrency} in flight …`);
    const results: GeneratorResult[] = [];
    await Promise.all(generators.map(async (g) => results.push((await nextMessage(g, 'measured')).result)));
    const seconds = (performance.now() - t0) / 1000;
    const to = Date.now();
    const after = cpu();
    sample();
    clearInterval(sampler);
    const loadavgEnd = os.loadavg().map(round2);
    const peaks = Object.fromEntries(Object.entries(watched).map(([name, pid]) => [name, peakRssMiB(pid)]));

    generators.forEach((g) => tell(g, { kind: 'stop' }));
    await Promise.all(generators.map((g) => exited(g.child)));
    const serverExitedAt = await stopChild(server);

    const cores = os.cpus().length;
    const use: Record<string, ProcessUse> = Object.fromEntries(
      Object.keys(watched).map((name) => {
        const s = after.all[name] - before.all[name];
        const m = after.main[name] - before.main[name];
        return [
          name,
          {
            cpuSeconds: round2(s),
            mainThreadCpuSeconds: round2(m),
            cores: round2(s / seconds),
            machineShare: round2(s / seconds / cores),
            saturated: m / seconds >= SATURATED,
            peakRssMiB: peaks[name],
            sampledPeakRssMiB: sampled[name],
          },
        ];
      }),
    );
    const postgresCpu = round2(after.postgres - before.postgres);
    const machineBusy = after.machine.busy - before.machine.busy;
    const machineAll = after.machine.all - before.machine.all;
    const machineBusyShare = machineAll > 0 ? round2(machineBusy / machineAll) : 0;
    const ours = Object.values(use).reduce((sum, u) => sum + u.cpuSeconds, 0) + postgresCpu;
    const othersCpu = round2(Math.max(0, machineBusy - ours));

    const histogram = latencyHistogram();
    for (const r of results) histogram.add(hdr.decodeFromCompressedBase64(r.latencyMs.histogram));
    const latency = summarise(histogram);
    const completed = results.reduce((sum, r) => sum + r.completed, 0);
    const failed = results.reduce((sum, r) => sum + r.failed, 0);
    const workflowsPerSecond = round1(completed / seconds);
    const protocol = results
      .map((r) => r.protocol)
      .reduce(
        (a, b) =>
          Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v + b[k as keyof typeof b]])) as typeof a,
      );

    const serverUse = use['dev server'];
    const ceilingFromCost = round1(completed / Math.max(serverUse.mainThreadCpuSeconds, 0.01));
    let serverProfile: { self: ProfileTop; ours: AttributedCosts } | undefined;
    if (profile) {
      serverProfile = {
        self: topOfProfile(profileDir, serverExitedAt, { from, to }, 25),
        ours: attributedCosts(profileDir, serverExitedAt, { from, to }, 'infra/temporal-dev-server/', 25),
      };
    }

    const label = storage === 'memory' ? 'in memory' : 'PostgreSQL';
    const describe = (u: ProcessUse) =>
      `${u.cpuSeconds} s CPU = ${u.cores} cores (${Math.round(u.machineShare * 100)} % of ${cores}), ` +
      `main thread ${round2(u.mainThreadCpuSeconds / seconds)} core${u.saturated ? ', saturated' : ''}; ` +
      `peak RSS ${u.peakRssMiB} MiB (${u.sampledPeakRssMiB} MiB sampled while measured)`;
    const saturatedNames = Object.entries(use)
      .filter(([, u]) => u.saturated)
      .map(([name]) => name);
    if (machineBusyShare >= SATURATED)
      saturatedNames.push(`the machine (${Math.round(machineBusyShare * 100)} % busy)`);
    const lines: Line[] = [
      {
        measure: `completed workflows/s (${label}, ${workflows} workflows, ${concurrency} in flight, ${generatorCount} load generator process${generatorCount > 1 ? 'es' : ''}, raw gRPC)`,
        figure: String(workflowsPerSecond),
        target: '',
        met: null,
      },
      {
        measure: 'start-to-complete latency p50 / p95 / p99',
        figure: `${latency.p50} / ${latency.p95} / ${latency.p99} ms`,
        target: '',
        met: null,
      },
      ...Object.entries(use).map(([name, u]) => ({
        measure: `${name}: CPU during the measured phase (${round2(seconds)} s), peak RSS`,
        figure: describe(u),
        target: '',
        met: null,
      })),
      ...(database
        ? [
            {
              measure: 'PostgreSQL: CPU during the measured phase (all its processes)',
              figure: `${postgresCpu} s = ${round2(postgresCpu / seconds)} cores`,
              target: '',
              met: null,
            },
          ]
        : []),
      {
        measure: 'machine: busy during the measured phase (all processes), of which not this benchmark’s',
        figure: `${Math.round(machineBusyShare * 100)} % of ${cores} cores; others ${othersCpu} s = ${round2(othersCpu / seconds)} cores`,
        target: '',
        met: null,
      },
      {
        measure: 'saturated (main thread ≥ 90 % of a core; machine ≥ 90 % busy)',
        figure: saturatedNames.length ? saturatedNames.join(', ') : 'none',
        target: '',
        met: null,
      },
      {
        measure: 'server CPU per workflow (measured phase): all threads / main thread',
        figure: `${round2((serverUse.cpuSeconds / Math.max(1, completed)) * 1000)} / ${round2((serverUse.mainThreadCpuSeconds / Math.max(1, completed)) * 1000)} ms`,
        target: '',
        met: null,
      },
      {
        // On a shared machine the server may not get a whole core: what its own cost allows.
        measure:
          "server's ceiling from its cost: workflows per second of main-thread CPU (a core of its own)",
        figure: serverUse.mainThreadCpuSeconds > 0 ? String(ceilingFromCost) : 'not measured',
        target: '',
        met: null,
      },
      {
        measure: 'every workflow completed, no call failed, no sticky cache miss',
        figure: `${completed}/${workflows}, ${protocol.callErrors} call errors, ${protocol.cacheMisses} cache misses`,
        target: 'all',
        met: failed === 0 && protocol.callErrors === 0 && protocol.cacheMisses === 0,
      },
      ...(serverProfile
        ? [
            {
              measure: 'server profile: sampled during the measured phase, busy / idle',
              figure: `${serverProfile.ours.busyMs} / ${serverProfile.ours.idleMs} ms (${serverProfile.self.file})`,
              target: '',
              met: null,
            },
            ...serverProfile.ours.charged.slice(0, 15).map((c, i) => ({
              measure: `server cost #${i + 1}: self time with the libraries it calls, share of busy`,
              figure: `${c.where} ${c.fn}: ${c.selfMs} ms (${Math.round(c.share * 100)} %)`,
              target: '',
              met: null,
            })),
          ]
        : []),
    ];
    return {
      name: `server-only-${storage}${profile ? '-profile' : ''}`,
      quick: options.quick,
      lines,
      details: {
        storage,
        workflows,
        concurrency,
        generators: generatorCount,
        warmup,
        profiled: profile,
        seconds: round2(seconds),
        workflowsPerSecond,
        serverCeilingFromCost: ceilingFromCost,
        completed,
        failed,
        latencyMs: latency,
        processes: use,
        postgresCpuSeconds: database ? postgresCpu : undefined,
        machine: { busyShare: machineBusyShare, othersCpuSeconds: othersCpu, loadavgStart, loadavgEnd },
        protocol,
        perGenerator: results.map((r) => ({ ...r, latencyMs: { ...r.latencyMs, histogram: undefined } })),
        serverProfile,
      },
    };
  } finally {
    for (const g of generators)
      if (g.child.exitCode === null && g.child.signalCode === null) g.child.kill('SIGKILL');
    if (server) await stopChild(server);
    await database?.dispose();
  }
}
