import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { findFreePort } from '../infra/net';
import { DEV_SERVER_BIN } from '../infra/temporal/embedded-temporal';
import * as activities from './activities';
import { benchDatabase } from './harness';

/**
 * `npm run bench` (or `npm run bench:temporal -- --workflows 2000 --idle 1000,10000 --storage postgres`):
 * throughput and latency of the project's Temporal dev server under the official SDK, and the cost
 * of open idle workflows. The server runs in its own process so its memory is measured alone.
 * `--storage postgres` keeps the server's state in PostgreSQL: the database given by `--db-url`, or
 * an embedded PostgreSQL started for the run in a temporary directory.
 */
function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function kib(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(field));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0);
}

const mib = (k: number) => Math.round((k / 1024) * 10) / 10;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function startServer(dbUrl?: string): Promise<{ child: ChildProcess; address: string }> {
  const port = await findFreePort();
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server process.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
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
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => c.toString().includes('listening') && resolve());
    child.on('exit', (code) => reject(new Error(`dev server exited with ${code}`)));
  });
  return { child, address: `127.0.0.1:${port}` };
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function main(): Promise<void> {
  const workflows = Number(arg('workflows', '2000'));
  const concurrency = Number(arg('concurrency', '100'));
  const idleSteps = arg('idle', '1000,10000').split(',').map(Number);
  const storage = arg('storage', 'memory');
  if (storage !== 'memory' && storage !== 'postgres') throw new Error('--storage is memory or postgres');
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const database = storage === 'postgres' ? await benchDatabase(arg('db-url', '')) : undefined;
  const { child, address } = await startServer(database?.url);
  const client = new Client({ connection: await Connection.connect({ address }) });
  const worker = await Worker.create({
    // As the service's worker to a server on this machine (TEMPORAL_GRPC_COMPRESSION unset): no gzip.
    connection: await NativeConnection.connect({ address, grpcCompression: { codec: 'none' } }),
    taskQueue: 'bench',
    workflowsPath: require.resolve('./workflows'),
    activities,
    maxConcurrentWorkflowTaskExecutions: 100,
    // One workflow thread per core: the SDK's sandbox work, not the server, bounds throughput here.
    workflowThreadPoolSize: Number(arg('workflow-threads', String(os.cpus().length))),
  });
  const running = worker.run();
  let workerPeakRss = process.memoryUsage().rss;
  const sampler = setInterval(
    () => (workerPeakRss = Math.max(workerPeakRss, process.memoryUsage().rss)),
    200,
  );

  // Warm-up (bundle load, JIT).
  await pool([...Array(50).keys()], 25, async (i) => {
    const h = await client.workflow.start('benchCase', { taskQueue: 'bench', workflowId: `warm-${i}` });
    await h.signal('go');
    await h.result();
  });

  const latencies: number[] = [];
  const t0 = performance.now();
  await pool([...Array(workflows).keys()], concurrency, async (i) => {
    const started = performance.now();
    const h = await client.workflow.start('benchCase', { taskQueue: 'bench', workflowId: `case-${i}` });
    await h.signal('go');
    await h.result();
    latencies.push(performance.now() - started);
  });
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const throughput = {
    workflows,
    concurrency,
    seconds: Math.round(seconds * 100) / 100,
    workflowsPerSecond: Math.round((workflows / seconds) * 10) / 10,
    latencyMs: {
      p50: Math.round(percentile(latencies, 50)),
      p95: Math.round(percentile(latencies, 95)),
      p99: Math.round(percentile(latencies, 99)),
    },
    serverPeakRssMiB: mib(kib(child.pid!, 'VmHWM')),
  };
  console.log('throughput', JSON.stringify(throughput));

  const idle: Array<{ openIdleWorkflows: number; serverRssMiB: number; startOneMoreMs: number }> = [];
  let opened = 0;
  for (const target of idleSteps) {
    await pool([...Array(target - opened).keys()], concurrency, async (i) => {
      await client.workflow.start('idleCase', { taskQueue: 'bench', workflowId: `idle-${opened + i}` });
    });
    opened = target;
    // Let the first workflow tasks of the new runs complete (each arms its timer).
    for (;;) {
      const { count } = await client.workflow.count(`WorkflowType = 'idleCase' AND HistoryLength < 5`);
      if (count === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const s = performance.now();
    await client.workflow.start('idleCase', { taskQueue: 'bench', workflowId: `idle-probe-${target}` });
    const startOneMoreMs = Math.round((performance.now() - s) * 10) / 10;
    opened++;
    idle.push({ openIdleWorkflows: target, serverRssMiB: mib(kib(child.pid!, 'VmRSS')), startOneMoreMs });
    console.log('idle', JSON.stringify(idle[idle.length - 1]));
  }

  clearInterval(sampler);
  worker.shutdown();
  await running;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  await database?.dispose();

  const result = {
    benchmark: 'temporal-dev-server',
    storage,
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    throughput,
    workerPeakRssMiB: mib(workerPeakRss / 1024),
    idle,
    targets: { workflowsPerSecond: storage === 'memory' ? 300 : 150, idle100kServerRssMiB: 1024 },
  };
  const dir = path.resolve(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = result.date.slice(0, 10);
  writeFileSync(path.join(dir, `temporal-${storage}-${stamp}.json`), JSON.stringify(result, null, 2) + '\n');
  const md = [
    `# temporal-dev-server benchmark (${stamp}, ${storage === 'memory' ? 'in-memory' : 'PostgreSQL'} storage)`,
    '',
    `Machine: ${result.machine.cpus} cores, ${result.machine.memoryGiB} GiB, Node ${result.machine.node}.`,
    '',
    '| measure | value | target |',
    '| --- | --- | --- |',
    `| completed workflows/s (activity + timer + signal, ${workflows} workflows, ${concurrency} in flight) | ${throughput.workflowsPerSecond} | ≥ ${result.targets.workflowsPerSecond} |`,
    `| start-to-complete latency p50 / p95 / p99 | ${throughput.latencyMs.p50} / ${throughput.latencyMs.p95} / ${throughput.latencyMs.p99} ms | |`,
    `| server peak RSS during the run | ${throughput.serverPeakRssMiB} MiB | |`,
    `| worker (client + SDK) peak RSS | ${result.workerPeakRssMiB} MiB | |`,
    ...idle.map(
      (s) =>
        `| ${s.openIdleWorkflows} open idle workflows: server RSS / start one more | ${s.serverRssMiB} MiB / ${s.startOneMoreMs} ms | ${s.openIdleWorkflows === 100000 ? '< 1024 MiB' : ''} |`,
    ),
    '',
  ].join('\n');
  writeFileSync(path.join(dir, `temporal-${storage}-${stamp}.md`), md);
  console.log(md);
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
