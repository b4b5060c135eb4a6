import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runApi } from './api';
import { runEscalation } from './escalation';
import { runIdle } from './idle';
import {
  arg,
  flag,
  machineAtStart,
  machineLine,
  markdownTable,
  RESULTS_DIR,
  writeOutcome,
  type BenchOutcome,
  type Line,
} from './harness';
import { runPeer } from './peer';
import { runServerOnly } from './server-only';
import { runSupervision } from './supervision';

/**
 * `npm run bench -- <name> [options]`, one benchmark per concern:
 * - `engine`: the Temporal dev server under the official SDK (bench/temporal.ts, its options
 *   `--storage --workflows --concurrency --idle --workflow-threads --db-url` passed through);
 * - `api`: objection create, forward and case detail at 1, 10, 50 concurrent clients (bench/api.ts);
 * - `supervision`: the supervisor endpoints over a generated case index (bench/supervision.ts,
 *   `--cases N`);
 * - `escalation`: punctuality of reminders and overdue escalations of a wave of cases due at one
 *   instant (bench/escalation.ts, `--cases N --reminders N --lead S --profile`);
 * - `peer`: the engine benchmark's workflow on the dev server + SDK and on DBOS Transact, side by
 *   side on one PostgreSQL (bench/peer.ts);
 * - `server-only`: the dev server's own ceiling on that workflow, driven over raw gRPC by hand-written
 *   pollers in load generator processes, no SDK (bench/server-only.ts, `--storage memory|postgres
 *   --workflows N --concurrency C --generators G --profile`);
 * - `idle`: the dev server holding N open idle workflows and M closed ones on PostgreSQL: RSS,
 *   start-one-more latency, restart to serving (bench/idle.ts, `--open N --closed M`);
 * - `all`: every one in a row, then one summary table with the run's wall time (also
 *   `bench/results/all-<date>.md`).
 * `--quick` makes a short smoke run (fewer requests, workflows and cases). Each writes
 * `bench/results/<name>-<date>.json` and `.md` with the machine, Node and the git commit.
 */

const BENCHMARKS = ['engine', 'api', 'supervision', 'escalation', 'peer', 'server-only', 'idle'] as const;
type Benchmark = (typeof BENCHMARKS)[number];
/** Engine throughput, workflows/s (issue #20; bench/temporal.ts's own table keeps its storage's target). */
const ENGINE_TARGET = 150;
/** The whole of `npm run bench -- all` within, in minutes (issue #20). */
const ALL_TARGET_MINUTES = 20;

/** The engine benchmark as it was, in its own process; its JSON is taken into the harness's lines. */
async function runEngine(options: { quick: boolean }): Promise<BenchOutcome> {
  const passed = process.argv.slice(2).filter((a) => a !== '--quick' && a !== 'engine' && a !== 'all');
  const storage = arg('storage', 'memory');
  const args = options.quick
    ? ['--workflows', '200', '--concurrency', '50', '--idle', '1000', ...passed]
    : passed;
  const code = await new Promise<number | null>((resolve) =>
    spawn(
      process.execPath,
      [path.join(__dirname, '..', 'infra', 'run-ts.js'), path.join(__dirname, 'temporal.ts'), ...args],
      {
        stdio: 'inherit',
      },
    ).on('exit', resolve),
  );
  if (code !== 0) throw new Error(`bench/temporal.ts exited with ${code}`);
  const stamp = new Date().toISOString().slice(0, 10);
  const result = JSON.parse(
    readFileSync(path.join(RESULTS_DIR, `temporal-${storage}-${stamp}.json`), 'utf8'),
  ) as {
    throughput: {
      workflows: number;
      concurrency: number;
      workflowsPerSecond: number;
      latencyMs: { p50: number; p95: number; p99: number };
      serverPeakRssMiB: number;
    };
    idle: Array<{ openIdleWorkflows: number; serverRssMiB: number; startOneMoreMs: number }>;
    targets: { workflowsPerSecond: number };
  };
  const t = result.throughput;
  const lines: Line[] = [
    {
      measure: `completed workflows/s (${storage}, ${t.workflows} workflows, ${t.concurrency} in flight)`,
      figure: String(t.workflowsPerSecond),
      target: `≥ ${ENGINE_TARGET}`,
      met: t.workflowsPerSecond >= ENGINE_TARGET,
    },
    {
      measure: 'start-to-complete latency p50 / p95 / p99',
      figure: `${t.latencyMs.p50} / ${t.latencyMs.p95} / ${t.latencyMs.p99} ms`,
      target: '',
      met: null,
    },
    { measure: 'server peak RSS during the run', figure: `${t.serverPeakRssMiB} MiB`, target: '', met: null },
    ...result.idle.map((s) => ({
      measure: `${s.openIdleWorkflows} open idle workflows: server RSS / start one more`,
      figure: `${s.serverRssMiB} MiB / ${s.startOneMoreMs} ms`,
      target: '',
      met: null,
    })),
  ];
  return { name: 'engine', quick: options.quick, lines, details: result };
}

const RUNNERS: Record<Benchmark, (options: { quick: boolean }) => Promise<BenchOutcome>> = {
  engine: runEngine,
  api: runApi,
  supervision: runSupervision,
  escalation: runEscalation,
  peer: runPeer,
  'server-only': runServerOnly,
  idle: runIdle,
};

async function main(): Promise<void> {
  const name = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'engine';
  if (name !== 'all' && !BENCHMARKS.includes(name as Benchmark)) {
    throw new Error(`unknown benchmark "${name}": one of ${[...BENCHMARKS, 'all'].join(', ')}`);
  }
  const quick = flag('quick');
  const chosen = name === 'all' ? BENCHMARKS : [name as Benchmark];
  const allFrom = performance.now();
  const summary: Array<{ name: string; line: Line }> = [];
  let failed = false;
  for (const benchmark of chosen) {
    const startedAt = new Date();
    const machine = machineAtStart();
    const outcome = await RUNNERS[benchmark]({ quick });
    console.log('\n' + writeOutcome(outcome, machine, startedAt));
    summary.push(...outcome.lines.map((line) => ({ name: benchmark, line })));
    if (outcome.lines.some((l) => l.met === false)) failed = true;
  }
  if (name === 'all') {
    const minutes = (performance.now() - allFrom) / 60_000;
    const wall: Line = {
      measure: `the whole run, ${chosen.length} benchmarks`,
      figure: `${minutes.toFixed(1)} min`,
      target: quick ? '' : `< ${ALL_TARGET_MINUTES} min`,
      met: quick ? null : minutes < ALL_TARGET_MINUTES,
    };
    summary.push({ name: 'all', line: wall });
    if (wall.met === false) failed = true;
    const names = new Map(summary.map((s) => [s.line, s.name]));
    const table = [
      `# summary (${new Date().toISOString().slice(0, 10)}${quick ? ', --quick smoke run' : ''})`,
      '',
      machineLine({ ...machineAtStart(), loadavgEnd: undefined }),
      '',
      ...markdownTable(
        summary.map((s) => s.line),
        (l) => names.get(l)!,
      ),
    ].join('\n');
    console.log(table);
    writeFileSync(path.join(RESULTS_DIR, `all-${new Date().toISOString().slice(0, 10)}.md`), table + '\n');
  }
  // A target missed or a check failed is a finding, not a crash: the exit code says which.
  process.exit(failed ? 2 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
