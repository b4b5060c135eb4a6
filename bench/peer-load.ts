import { latencyHistogram, recordMs, summarise, type LatencySummary } from './harness';

/**
 * The driver side of `npm run bench -- peer`, the same for both engines: each engine's process
 * (bench/peer-temporal.ts, bench/peer-dbos.ts) hands `driveLoad` one function that starts one
 * workflow of the benchmark's shape (one activity or step, a 50 ms durable timer, then a message
 * from the driver), sends it its message and waits for its result. The parent (bench/peer.ts)
 * watches the process from outside and talks to it over the IPC channel.
 */

export interface LoadOptions {
  workflows: number;
  concurrency: number;
  warmup: number;
}

/** What an engine's process measured, sent to the parent when the measured phase is over. */
export interface LoadResult {
  workflows: number;
  concurrency: number;
  completed: number;
  failed: number;
  /** The first failures' messages, for the record. */
  failures: string[];
  seconds: number;
  workflowsPerSecond: number;
  latencyMs: LatencySummary;
}

/** Child → parent: the measured phase begins (the parent reads its CPU counters), then its result. */
export type ChildMessage = { kind: 'measuring' } | { kind: 'measured'; result: LoadResult };
/** Parent → child: its figures are read; shut the engine down and exit. */
export type ParentMessage = { kind: 'stop' };

function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`);
  return value;
}

export function stringArg(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : undefined;
  if (!value) throw new Error(`--${name} is required`);
  return value;
}

export function loadOptionsFromArgs(): LoadOptions {
  return {
    workflows: numberArg('workflows', 2000),
    concurrency: numberArg('concurrency', 100),
    warmup: numberArg('warmup', 50),
  };
}

async function pool(count: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('no IPC channel: run by bench/peer.ts'));
    process.send(message, (err: Error | null) => (err ? reject(err) : resolve()));
  });
}

/**
 * Warm-up (`warmup` workflows, half of `concurrency` in flight: bundles, JIT, pools), then
 * `workflows` workflows with `concurrency` in flight; each latency is start to result.
 * Workflow ids are `warm-<i>` and `case-<i>`.
 */
export async function driveLoad(
  options: LoadOptions,
  runOne: (workflowId: string) => Promise<void>,
): Promise<LoadResult> {
  await pool(options.warmup, Math.max(1, Math.floor(options.concurrency / 2)), (i) => runOne(`warm-${i}`));
  await send({ kind: 'measuring' });
  const histogram = latencyHistogram();
  const failures: string[] = [];
  let failed = 0;
  const t0 = performance.now();
  await pool(options.workflows, options.concurrency, async (i) => {
    const started = performance.now();
    try {
      await runOne(`case-${i}`);
      recordMs(histogram, performance.now() - started);
    } catch (err) {
      failed++;
      if (failures.length < 5) failures.push(String(err instanceof Error ? err.message : err));
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  const completed = options.workflows - failed;
  return {
    workflows: options.workflows,
    concurrency: options.concurrency,
    completed,
    failed,
    failures,
    seconds: Math.round(seconds * 100) / 100,
    workflowsPerSecond: Math.round((completed / seconds) * 10) / 10,
    latencyMs: summarise(histogram),
  };
}

/** Sends the result, waits for the parent to have read its figures, then shuts down and exits. */
export async function reportAndStop(result: LoadResult, shutdown: () => Promise<void>): Promise<never> {
  const stop = new Promise<void>((resolve) =>
    process.on('message', (m: ParentMessage) => m.kind === 'stop' && resolve()),
  );
  await send({ kind: 'measured', result });
  await stop;
  await shutdown();
  process.exit(0);
}
