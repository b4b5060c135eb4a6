import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { findFreePort } from '../infra/net';
import { DEV_SERVER_BIN } from '../infra/temporal/embedded-temporal';
import {
  arg,
  benchDatabase,
  latencyHistogram,
  recordMs,
  summarise,
  type BenchOutcome,
  type LatencySummary,
  type Line,
} from './harness';
import { peakRssMiB as peakRssOf, rssMiB as rssOf } from './peer-proc';

const { CommandType } = temporal.api.enums.v1;

/**
 * `npm run bench -- idle [--quick] [--open N] [--closed M] [--closed-bulk B] [--history-cache-size K]
 * [--db-url URL]`:
 * what years of cases cost the dev server on PostgreSQL storage. M workflows that completed and N
 * open idle ones (each waiting on a 30-day timer, as a case waits on its deadline), then: the
 * server's RSS, the latency of starting one more workflow (HDR histogram), and the time from a
 * SIGKILL of the server to serving again on the same database (restart: spawn, recovery of the open
 * runs, first answered start). Targets (issue #19): 100,000 open idle under 1 GiB RSS, restart to
 * serving under 30 s.
 *
 * The workflows are driven through the official client's raw gRPC service (start, poll, respond
 * with a StartTimer or CompleteWorkflowExecution command) rather than an SDK worker: the SDK's
 * workflow sandbox would take ~15 minutes for 100,000 first tasks on this machine, and what is
 * measured here is the server holding them, not the worker.
 *
 * `--closed-bulk B` adds B closed runs written straight into the server's tables with SQL (the
 * workflow path makes ~150 runs/s, a million would take two hours): see storeBulkClosedRuns. The
 * restart is then measured twice, without and with them, and one of them is read back.
 */

const WORKFLOW_TYPE_IDLE = 'idleCase';
const WORKFLOW_TYPE_CLOSED = 'closedCase';
const TASK_QUEUE = 'bench-idle';
const NAMESPACE = 'default';
const SCHEMA = 'temporal_dev';
/** Bulk run i has workflow id `bulk-closed-` + i on 9 digits; 0 is the template run made by the server. */
const bulkWorkflowId = (i: number) => `bulk-closed-${String(i).padStart(9, '0')}`;
/** A run id for bulk run i, a UUID like the server's own (the same length as the template's). */
const BULK_RUN_ID_SQL = (i: string) => `md5('bulk-closed-' || ${i})::uuid::text`;

interface Server {
  child: ChildProcess;
  address: string;
}

/** The CLI in its own process, so that its memory is measured alone and it can be killed. */
async function startServer(port: number, dbUrl: string, historyCacheSize: string): Promise<Server> {
  const child = spawn(
    process.execPath,
    [
      DEV_SERVER_BIN,
      'server',
      'start-dev',
      '--port',
      String(port),
      '--headless',
      '--db-url',
      dbUrl,
      ...(historyCacheSize ? ['--history-cache-size', historyCacheSize] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => c.toString().includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`dev server exited with ${code}`)));
  });
  return { child, address: `127.0.0.1:${port}` };
}

async function pool(count: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

/**
 * A worker speaking the raw protocol: the first task of an idle case starts its 30-day timer, that
 * of a closed case completes it. Counts the tasks completed by workflow type.
 */
function rawWorker(connection: Connection, pollers: number) {
  const service = connection.workflowService;
  const done = new Map<string, number>();
  let stopping = false;
  const loops = Array.from({ length: pollers }, async () => {
    while (!stopping) {
      let task;
      try {
        task = await service.pollWorkflowTaskQueue({
          namespace: NAMESPACE,
          taskQueue: { name: TASK_QUEUE },
          identity: 'bench-idle',
        });
      } catch (err) {
        if (stopping) return;
        throw err;
      }
      if (!task.taskToken?.length) continue;
      const type = task.workflowType?.name ?? '';
      const command =
        type === WORKFLOW_TYPE_IDLE
          ? {
              commandType: CommandType.COMMAND_TYPE_START_TIMER,
              startTimerCommandAttributes: { timerId: 'deadline', startToFireTimeout: msToTs('30 days') },
            }
          : {
              commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
              completeWorkflowExecutionCommandAttributes: {},
            };
      await service.respondWorkflowTaskCompleted({
        namespace: NAMESPACE,
        taskToken: task.taskToken,
        identity: 'bench-idle',
        commands: [command],
      });
      done.set(type, (done.get(type) ?? 0) + 1);
    }
  });
  return {
    completed: (type: string) => done.get(type) ?? 0,
    /** No more tasks are taken; the polls still out end with the connection. */
    stop: () => {
      stopping = true;
    },
    finished: () => Promise.allSettled(loops),
  };
}

function startRequest(workflowType: string, workflowId: string) {
  return {
    namespace: NAMESPACE,
    workflowId,
    workflowType: { name: workflowType },
    taskQueue: { name: TASK_QUEUE },
    identity: 'bench-idle',
    requestId: randomUUID(),
  };
}

async function until(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface BulkOutcome {
  seconds: number;
  historyEventsPerRun: number;
  template: { workflowId: string; runId: string; runKey: string };
}

/**
 * Stores `count` closed runs with SQL, while no server runs on the database: the rows are new runs,
 * so no cache of a running server could hold a stale copy of them, but stopped, the server cannot
 * commit beside the load, and its next start is the restart measured on them. Each is a copy of the
 * template run (`bulkWorkflowId(0)`, completed through the server): its executions row, visibility
 * row and history events, byte for byte what the server wrote, with the workflow id and run id
 * replaced wherever they occur: in the run key, the state JSON, the visibility row, and inside the
 * encoded events (hex-level replacement; the new ids have the template's lengths, so no protobuf
 * length prefix changes). Batches of 50,000 runs, each one transaction, then ANALYZE, as a database
 * that grew over years has statistics.
 */
async function storeBulkClosedRuns(dbUrl: string, count: number): Promise<BulkOutcome> {
  const db = new Pool({ connectionString: dbUrl, max: 1 });
  try {
    const from = performance.now();
    const found = await db.query<{ run_key: string; run_id: string; status: number }>(
      `SELECT run_key, run_id, status FROM ${SCHEMA}.executions WHERE namespace = $1 AND workflow_id = $2`,
      [NAMESPACE, bulkWorkflowId(0)],
    );
    if (found.rows.length !== 1)
      throw new Error(`template run ${bulkWorkflowId(0)}: ${found.rows.length} rows`);
    const template = {
      workflowId: bulkWorkflowId(0),
      runId: found.rows[0].run_id,
      runKey: found.rows[0].run_key,
    };
    if (found.rows[0].status !== 2) throw new Error(`template run is in status ${found.rows[0].status}`);
    const pending = await db.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM ${SCHEMA}.timers WHERE run_key = $1)
            + (SELECT count(*) FROM ${SCHEMA}.tasks WHERE run_key = $1) AS n`,
      [template.runKey],
    );
    if (Number(pending.rows[0].n) !== 0) throw new Error('the template run still has timers or tasks');
    // Bytes fields of the state are base64 in the JSON, where a text replacement cannot reach.
    const state = await db.query<{ state: string }>(
      `SELECT state::text AS state FROM ${SCHEMA}.executions WHERE run_key = $1`,
      [template.runKey],
    );
    for (const [, base64] of state.rows[0].state.matchAll(/"\$bytes":"([^"]*)"/g)) {
      const bytes = Buffer.from(base64, 'base64').toString('latin1');
      if (bytes.includes(template.runId) || bytes.includes(template.workflowId)) {
        throw new Error('the template state holds its ids in a bytes field');
      }
    }
    const events = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${SCHEMA}.history_events WHERE run_key = $1`,
      [template.runKey],
    );
    // The new run ids are UUIDs in the same text form, so the encoded events keep their lengths.
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(template.runId)) {
      throw new Error(`run id ${template.runId} is not a UUID`);
    }

    // $1..$2: the batch; $3 template workflow id, $4 its run id, $5 its run key.
    const ids = `WITH ids AS (
      SELECT 'bulk-closed-' || lpad(i::text, 9, '0') AS w, ${BULK_RUN_ID_SQL('i')} AS r
      FROM generate_series($1::int, $2::int) AS i)`;
    const swap = (expr: string) => `replace(replace(${expr}, $3, ids.w), $4, ids.r)`;
    const hex = (text: string) => `encode(convert_to(${text}, 'UTF8'), 'hex')`;
    const statements = [
      `${ids} INSERT INTO ${SCHEMA}.executions (run_key, namespace, workflow_id, run_id, status, next_event_id, state)
       SELECT ${swap('t.run_key')}, t.namespace, ids.w, ids.r, t.status, t.next_event_id, ${swap('t.state::text')}::json
       FROM ids CROSS JOIN ${SCHEMA}.executions t WHERE t.run_key = $5`,
      `${ids} INSERT INTO ${SCHEMA}.visibility (run_key, namespace, workflow_id, run_id, workflow_type, status,
         start_time, execution_time, close_time, task_queue, history_length, parent_workflow_id, memo,
         search_attributes)
       SELECT ${swap('t.run_key')}, t.namespace, ids.w, ids.r, t.workflow_type, t.status, t.start_time,
         t.execution_time, t.close_time, t.task_queue, t.history_length, t.parent_workflow_id,
         ${swap('t.memo::text')}::jsonb, ${swap('t.search_attributes::text')}::jsonb
       FROM ids CROSS JOIN ${SCHEMA}.visibility t WHERE t.run_key = $5`,
      `${ids} INSERT INTO ${SCHEMA}.history_events (run_key, event_id, data)
       SELECT ${swap('t.run_key')}, t.event_id,
         decode(replace(replace(encode(t.data, 'hex'), ${hex('$3')}, ${hex('ids.w')}), ${hex('$4')}, ${hex('ids.r')}), 'hex')
       FROM ids CROSS JOIN ${SCHEMA}.history_events t WHERE t.run_key = $5`,
    ];
    const batch = 50_000;
    const client = await db.connect();
    try {
      for (let lo = 1; lo <= count; lo += batch) {
        const hi = Math.min(count, lo + batch - 1);
        await client.query('BEGIN');
        for (const sql of statements) {
          await client.query(sql, [lo, hi, template.workflowId, template.runId, template.runKey]);
        }
        await client.query('COMMIT');
        console.log(
          `bulk closed stored: ${hi}/${count} (${Math.round((performance.now() - from) / 1000)} s)`,
        );
      }
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    await db.query(`ANALYZE ${SCHEMA}.executions, ${SCHEMA}.visibility, ${SCHEMA}.history_events`);
    return {
      seconds: (performance.now() - from) / 1000,
      historyEventsPerRun: Number(events.rows[0].n),
      template,
    };
  } finally {
    await db.end();
  }
}

/** pg_total_relation_size (tables, indexes, TOAST) of each of the server's tables, in MiB. */
async function databaseSizes(
  dbUrl: string,
): Promise<{ totalMiB: number; tablesMiB: Record<string, number> }> {
  const db = new Pool({ connectionString: dbUrl, max: 1 });
  try {
    const result = await db.query<{ name: string; bytes: string }>(
      `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY pg_total_relation_size(c.oid) DESC`,
      [SCHEMA],
    );
    const toMiB = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
    const tablesMiB = Object.fromEntries(result.rows.map((r) => [r.name, toMiB(Number(r.bytes))]));
    return { totalMiB: toMiB(result.rows.reduce((sum, r) => sum + Number(r.bytes), 0)), tablesMiB };
  } finally {
    await db.end();
  }
}

async function stopServer(server: Server, signal: NodeJS.Signals): Promise<void> {
  await new Promise<void>((resolve) => {
    server.child.once('exit', () => resolve());
    server.child.kill(signal);
  });
}

/**
 * With the server stopped: stores the bulk closed runs, then starts it on the same database and
 * measures as after the first restart, and reads one bulk run back (Describe by workflow id alone,
 * then its history, checked against the ids stored for it).
 */
async function measureWithBulk(
  dbUrl: string,
  port: number,
  historyCacheSize: string,
  count: number,
  probes: number,
) {
  const stored = await storeBulkClosedRuns(dbUrl, count);
  const size = await databaseSizes(dbUrl);
  const restartFrom = performance.now();
  const server = await startServer(port, dbUrl, historyCacheSize);
  const listeningSeconds = (performance.now() - restartFrom) / 1000;
  const connection = await Connection.connect({ address: server.address });
  try {
    await connection.workflowService.startWorkflowExecution(
      startRequest(WORKFLOW_TYPE_IDLE, 'after-bulk-restart'),
    );
    const restartSeconds = (performance.now() - restartFrom) / 1000;
    const rssAfterRestartMiB = rssOf(server.child.pid!);

    const workflowId = bulkWorkflowId(count);
    const db = new Pool({ connectionString: dbUrl, max: 1 });
    const runId = await db
      .query<{ run_id: string }>(`SELECT ${BULK_RUN_ID_SQL('$1::int')} AS run_id`, [count])
      .then((r) => r.rows[0].run_id)
      .finally(() => db.end());
    const describeFrom = performance.now();
    const described = await connection.workflowService.describeWorkflowExecution({
      namespace: NAMESPACE,
      execution: { workflowId },
    });
    const describeMs = performance.now() - describeFrom;
    const info = described.workflowExecutionInfo;
    const history = await connection.workflowService.getWorkflowExecutionHistory({
      namespace: NAMESPACE,
      execution: { workflowId, runId },
    });
    const events = history.history?.events ?? [];
    const started = events[0]?.workflowExecutionStartedEventAttributes;
    const served =
      info?.status === 2 &&
      info.execution?.runId === runId &&
      events.length === stored.historyEventsPerRun &&
      started?.originalExecutionRunId === runId &&
      events[events.length - 1]?.workflowExecutionCompletedEventAttributes != null;

    const startOneMore = latencyHistogram();
    for (let i = 0; i < probes; i++) {
      const s = performance.now();
      await connection.workflowService.startWorkflowExecution(
        startRequest(WORKFLOW_TYPE_IDLE, `probe-after-bulk-${i}`),
      );
      recordMs(startOneMore, performance.now() - s);
    }
    const rssAfterProbesMiB = rssOf(server.child.pid!);
    console.log(
      `with ${count} bulk closed runs: restart ${restartSeconds.toFixed(1)} s, RSS ${rssAfterRestartMiB} MiB, ` +
        `${workflowId} served: ${served}, database ${size.totalMiB} MiB`,
    );
    return {
      server,
      stored,
      size,
      restartSeconds,
      listeningSeconds,
      rssAfterRestartMiB,
      rssAfterProbesMiB,
      served,
      servedRun: { workflowId, runId, status: info?.status, events: events.length, describeMs },
      startOneMoreMs: summarise(startOneMore),
    };
  } finally {
    await connection.close();
  }
}

export async function runIdle(options: { quick: boolean }): Promise<BenchOutcome> {
  const open = Number(arg('open', options.quick ? '2000' : '100000'));
  const closed = Number(arg('closed', options.quick ? '1000' : '20000'));
  const closedBulk = Number(arg('closed-bulk', '0'));
  // Bulk workflow ids keep the template's length: 9 digits.
  if (!Number.isInteger(closedBulk) || closedBulk < 0 || closedBulk > 999_999_999) {
    throw new Error(`--closed-bulk ${closedBulk}: a whole number up to 999,999,999`);
  }
  const historyCacheSize = arg('history-cache-size', '');
  const probes = options.quick ? 50 : 200;
  const database = await benchDatabase(arg('db-url', ''));
  const port = await findFreePort();
  let server = await startServer(port, database.url, historyCacheSize);
  let connection = await Connection.connect({ address: server.address });
  const worker = rawWorker(connection, 8);
  const startedAt = performance.now();
  const progress = (label: string, n: number, total: number) =>
    console.log(`${label}: ${n}/${total} (${Math.round((performance.now() - startedAt) / 1000)} s)`);

  // Closed cases first (the years behind), then the open ones.
  await pool(closed, 64, async (i) => {
    await connection.workflowService.startWorkflowExecution(
      startRequest(WORKFLOW_TYPE_CLOSED, `closed-${i}`),
    );
    if ((i + 1) % 10000 === 0) progress('closed started', i + 1, closed);
  });
  // The template of the bulk runs: completed through the server like the others.
  if (closedBulk > 0) {
    await connection.workflowService.startWorkflowExecution(
      startRequest(WORKFLOW_TYPE_CLOSED, bulkWorkflowId(0)),
    );
  }
  const closedThroughServer = closed + (closedBulk > 0 ? 1 : 0);
  await until(
    () => worker.completed(WORKFLOW_TYPE_CLOSED) >= closedThroughServer,
    'closed cases to complete',
    3600_000,
  );
  const closedSeconds = (performance.now() - startedAt) / 1000;
  const openFrom = performance.now();
  await pool(open, 64, async (i) => {
    await connection.workflowService.startWorkflowExecution(startRequest(WORKFLOW_TYPE_IDLE, `idle-${i}`));
    if ((i + 1) % 10000 === 0) progress('open started', i + 1, open);
  });
  await until(() => worker.completed(WORKFLOW_TYPE_IDLE) >= open, 'open cases to arm their timers', 3600_000);
  const openSeconds = (performance.now() - openFrom) / 1000;
  worker.stop();
  // Let the last commits and the collector settle before reading the resident set.
  await new Promise((r) => setTimeout(r, 5000));
  const rssMiB = rssOf(server.child.pid!);
  const peakRssMiB = peakRssOf(server.child.pid!);
  console.log(`server RSS with ${open} open idle and ${closed} closed: ${rssMiB} MiB (peak ${peakRssMiB})`);

  // Start one more, one at a time (no worker: it stays waiting for its first task).
  const startOneMore = latencyHistogram();
  for (let i = 0; i < probes; i++) {
    const s = performance.now();
    await connection.workflowService.startWorkflowExecution(startRequest(WORKFLOW_TYPE_IDLE, `probe-${i}`));
    recordMs(startOneMore, performance.now() - s);
  }
  const startOneMoreMs: LatencySummary = summarise(startOneMore);

  // Restart: SIGKILL, then a new process on the same database, until a start is answered.
  await connection.close();
  await worker.finished();
  await stopServer(server, 'SIGKILL');
  const restartFrom = performance.now();
  server = await startServer(port, database.url, historyCacheSize);
  const listeningSeconds = (performance.now() - restartFrom) / 1000;
  connection = await Connection.connect({ address: server.address });
  await connection.workflowService.startWorkflowExecution(startRequest(WORKFLOW_TYPE_IDLE, 'after-restart'));
  const restartSeconds = (performance.now() - restartFrom) / 1000;
  const described = await connection.workflowService.describeWorkflowExecution({
    namespace: NAMESPACE,
    execution: { workflowId: 'closed-0' },
  });
  const closedServed = described.workflowExecutionInfo?.status === 2;
  const rssAfterRestartMiB = rssOf(server.child.pid!);
  console.log(
    `restart to serving: ${restartSeconds.toFixed(1)} s; RSS after restart ${rssAfterRestartMiB} MiB`,
  );
  await connection.close();
  const sizeBefore = await databaseSizes(database.url);

  let bulk: Awaited<ReturnType<typeof measureWithBulk>> | undefined;
  if (closedBulk > 0) {
    await stopServer(server, 'SIGKILL');
    bulk = await measureWithBulk(database.url, port, historyCacheSize, closedBulk, probes);
    server = bulk.server;
  }
  await stopServer(server, 'SIGTERM');
  await database.dispose();

  const round1 = (n: number) => Math.round(n * 10) / 10;
  const lines: Line[] = [
    {
      measure: `server RSS, ${open} open idle workflows (30-day timer) + ${closed} closed, PostgreSQL`,
      figure: `${rssMiB} MiB (peak ${peakRssMiB} MiB)`,
      target: open >= 100_000 ? '< 1024 MiB' : '',
      met: open >= 100_000 ? rssMiB < 1024 : null,
    },
    {
      measure: `start one more workflow (${probes} one at a time) p50 / p95 / p99 / max`,
      figure: `${startOneMoreMs.p50} / ${startOneMoreMs.p95} / ${startOneMoreMs.p99} / ${startOneMoreMs.max} ms`,
      target: '',
      met: null,
    },
    {
      measure: `restart (SIGKILL, new process on the same database) to the first answered start${closedBulk > 0 ? ', before the bulk closed runs' : ''}`,
      figure: `${round1(restartSeconds)} s (listening after ${round1(listeningSeconds)} s)`,
      target: '< 30 s',
      met: restartSeconds < 30,
    },
    {
      measure: 'server RSS right after the restart',
      figure: `${rssAfterRestartMiB} MiB`,
      target: '',
      met: null,
    },
    {
      measure: 'a closed run described after the restart (read from storage)',
      figure: closedServed ? 'COMPLETED' : 'not served',
      target: 'COMPLETED',
      met: closedServed,
    },
    {
      measure: 'time to create the cases (raw gRPC worker, 64 starts in flight)',
      figure: `${round1(closedSeconds)} s closed, ${round1(openSeconds)} s open (${Math.round(open / openSeconds)} /s)`,
      target: '',
      met: null,
    },
    {
      measure: `database size (pg_total_relation_size of the ${SCHEMA} tables)${bulk ? ', before the bulk closed runs' : ''}`,
      figure: `${sizeBefore.totalMiB} MiB`,
      target: '',
      met: null,
    },
  ];
  if (bulk) {
    const total = closed + 1 + closedBulk;
    lines.push(
      {
        measure: `${closedBulk} more closed runs stored with SQL, server stopped (copies of one run the server completed: executions, visibility, ${bulk.stored.historyEventsPerRun} history events each)`,
        figure: `${round1(bulk.stored.seconds)} s (with ANALYZE)`,
        target: '',
        met: null,
      },
      {
        measure: `database size with ${total} closed runs`,
        figure: `${bulk.size.totalMiB} MiB`,
        target: '',
        met: null,
      },
      {
        measure: `restart (new process) to the first answered start, ${open} open + ${total} closed runs stored`,
        figure: `${round1(bulk.restartSeconds)} s (listening after ${round1(bulk.listeningSeconds)} s)`,
        target: '< 30 s',
        met: bulk.restartSeconds < 30,
      },
      {
        measure: `server RSS right after that restart / after ${probes} more starts`,
        figure: `${bulk.rssAfterRestartMiB} / ${bulk.rssAfterProbesMiB} MiB`,
        target: '',
        met: null,
      },
      {
        measure: `start one more workflow with ${total} closed runs stored (${probes} one at a time) p50 / p95 / p99 / max`,
        figure: `${bulk.startOneMoreMs.p50} / ${bulk.startOneMoreMs.p95} / ${bulk.startOneMoreMs.p99} / ${bulk.startOneMoreMs.max} ms`,
        target: '',
        met: null,
      },
      {
        measure: `a bulk closed run (${bulk.servedRun.workflowId}) after the restart: Describe by workflow id, its history`,
        figure: bulk.served
          ? `COMPLETED, run id and ${bulk.servedRun.events} events as stored (Describe ${round1(bulk.servedRun.describeMs)} ms)`
          : `not served (status ${bulk.servedRun.status}, ${bulk.servedRun.events} events)`,
        target: 'COMPLETED, its events',
        met: bulk.served,
      },
    );
  }
  return {
    name: 'idle',
    quick: options.quick,
    lines,
    details: {
      open,
      closed,
      historyCacheSize: historyCacheSize || 'default',
      cores: os.cpus().length,
      serverRssMiB: rssMiB,
      serverPeakRssMiB: peakRssMiB,
      startOneMoreMs,
      restartSeconds: round1(restartSeconds),
      listeningAfterRestartSeconds: round1(listeningSeconds),
      serverRssAfterRestartMiB: rssAfterRestartMiB,
      createSeconds: { closed: round1(closedSeconds), open: round1(openSeconds) },
      databaseMiB: sizeBefore,
      closedRunsMadeBy: {
        workflowExecutions: `${closedThroughServer} through the server (raw gRPC worker completing the first workflow task)`,
        sqlBulk:
          closedBulk > 0
            ? `${closedBulk} rows copied with INSERT … SELECT generate_series (batches of 50,000) from the template run ${bulkWorkflowId(0)}, the server stopped; workflow id and run id replaced in run key, state, visibility and inside the encoded events; same times as the template`
            : 'none',
      },
      ...(bulk && {
        closedBulk: {
          count: closedBulk,
          template: bulk.stored.template,
          historyEventsPerRun: bulk.stored.historyEventsPerRun,
          storeSeconds: round1(bulk.stored.seconds),
          databaseMiB: bulk.size,
          restartSeconds: round1(bulk.restartSeconds),
          listeningAfterRestartSeconds: round1(bulk.listeningSeconds),
          serverRssAfterRestartMiB: bulk.rssAfterRestartMiB,
          serverRssAfterProbesMiB: bulk.rssAfterProbesMiB,
          startOneMoreMs: bulk.startOneMoreMs,
          servedRun: bulk.servedRun,
          served: bulk.served,
        },
      }),
    },
  };
}
