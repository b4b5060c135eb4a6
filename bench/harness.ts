import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { startEmbeddedPostgres } from '../infra/database/embedded-postgres';
import { findFreePort } from '../infra/net';

/**
 * What every benchmark of `npm run bench -- <name>` shares: the machine it ran on, latency
 * histograms (HDR, microsecond resolution), and the result files `bench/results/<name>-<date>.json`
 * and `.md`. A benchmark returns its lines (figure, target, met) for its own table and for the
 * summary of `npm run bench -- all`.
 */

export const RESULTS_DIR = path.resolve(__dirname, 'results');
const ROOT = path.resolve(__dirname, '..');

/** Command-line value of `--name`, or the fallback. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] && !process.argv[i + 1].startsWith('--')
    ? process.argv[i + 1]
    : fallback;
}

export function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  commit: string;
  /** The working tree had changes besides the commit. */
  dirty: boolean;
  loadavgStart: number[];
  loadavgEnd?: number[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function machineAtStart(): Machine {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  let commit = 'unknown';
  let dirty = false;
  try {
    commit = git('rev-parse', 'HEAD');
    dirty = git('status', '--porcelain', '--untracked-files=no').length > 0;
  } catch {
    // not a git checkout (an image): the commit stays unknown
  }
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: round2(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    commit,
    dirty,
    loadavgStart: os.loadavg().map(round2),
  };
}

/** A latency histogram in microseconds, from 1 µs to 10 minutes, 3 significant digits. */
export function latencyHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

export const recordMs = (h: hdr.Histogram, ms: number) => h.recordValue(Math.max(1, Math.round(ms * 1000)));

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** The whole histogram, HdrHistogram's compressed base64 (decode with hdr-histogram-js). */
  histogram: string;
}

/** Percentiles in milliseconds (two decimals) and the encoded histogram. */
export function summarise(h: hdr.Histogram): LatencySummary {
  const ms = (us: number) => round2(us / 1000);
  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    max: ms(h.maxValue),
    histogram: hdr.encodeIntoCompressedBase64(h),
  };
}

/** One line of a benchmark's table. */
export interface Line {
  measure: string;
  figure: string;
  /** Empty when the line has no target. */
  target: string;
  /** Whether the figure meets the target or passes the check; null when there is none. */
  met: boolean | null;
}

export interface BenchOutcome {
  name: string;
  quick: boolean;
  lines: Line[];
  /** Everything measured, as it goes into the JSON file. */
  details: unknown;
}

export const metCell = (met: boolean | null) => (met === null ? '' : met ? 'yes' : 'no');

export function markdownTable(lines: Line[], withName?: (l: Line) => string): string[] {
  return [
    `| ${withName ? 'benchmark | ' : ''}measure | figure | target | met |`,
    `| ${withName ? '--- | ' : ''}--- | --- | --- | --- |`,
    ...lines.map(
      (l) =>
        `| ${withName ? `${withName(l)} | ` : ''}${l.measure} | ${l.figure} | ${l.target} | ${metCell(l.met)} |`,
    ),
  ];
}

/** Writes `bench/results/<name>-<date>.json` and `.md`; returns the markdown. */
export function writeOutcome(outcome: BenchOutcome, machine: Machine, startedAt: Date): string {
  machine.loadavgEnd = os.loadavg().map(round2);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = startedAt.toISOString().slice(0, 10);
  const file = path.join(RESULTS_DIR, `${outcome.name}-${stamp}`);
  const json = {
    benchmark: outcome.name,
    quick: outcome.quick,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine,
    lines: outcome.lines,
    details: outcome.details,
  };
  writeFileSync(`${file}.json`, JSON.stringify(json, null, 2) + '\n');
  const md = [
    `# ${outcome.name} benchmark (${stamp}${outcome.quick ? ', --quick smoke run' : ''})`,
    '',
    machineLine(machine),
    '',
    ...markdownTable(outcome.lines),
    '',
  ].join('\n');
  writeFileSync(`${file}.md`, md);
  return md;
}

export function machineLine(m: Machine): string {
  return (
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}; ` +
    `commit ${m.commit.slice(0, 12)}${m.dirty ? ' (with uncommitted changes)' : ''}; ` +
    `load average (1/5/15 min) ${m.loadavgStart.join(' / ')} at start, ${m.loadavgEnd?.join(' / ') ?? '?'} at end.`
  );
}

/**
 * A PostgreSQL database for a dev-server benchmark: `given` (a URL), or an embedded PostgreSQL
 * started for the run in a temporary directory; and how to get rid of it afterwards.
 */
export async function benchDatabase(given: string): Promise<{ url: string; dispose(): Promise<void> }> {
  if (given) return { url: given, dispose: async () => undefined };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-pg-'));
  chmodSync(dir, 0o755); // reachable by the unprivileged OS user PostgreSQL runs as under root
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), port: await findFreePort() });
  await pg.ensureDatabase('bench_temporal');
  return {
    url: pg.urlFor('bench_temporal'),
    dispose: async () => {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
