import { Pool, type PoolClient } from 'pg';
import { ExecutionStatus } from '../enums';
import { decode, encode, type Msg, type } from '../proto';
import {
  ConcurrencyError,
  type ExecutionRecord,
  type NamespaceRecord,
  type RunMutation,
  type ScheduleRecord,
  type Storage,
  type TaskRecord,
  type TimerRecord,
  type VisibilityFilter,
  type VisibilityRecord,
} from './storage';
import { checkMutations, fromJson, toJson } from './records';

const HISTORY_EVENT = type('temporal.api.history.v1.HistoryEvent');

/**
 * Schema versions, applied in order by the server itself at start (under an advisory lock, so two
 * servers starting on one database do not race). A released version is never edited: a change is
 * a new entry.
 */
const MIGRATIONS: Array<(schema: string) => string> = [
  (s) => `
    CREATE TABLE ${s}.history_events (
      run_key text NOT NULL,
      event_id integer NOT NULL,
      -- the temporal.api.history.v1.HistoryEvent message, protobuf-encoded
      data bytea NOT NULL,
      PRIMARY KEY (run_key, event_id)
    );
    CREATE TABLE ${s}.executions (
      run_key text PRIMARY KEY,
      namespace text NOT NULL,
      workflow_id text NOT NULL,
      run_id text NOT NULL,
      status integer NOT NULL,
      -- optimistic concurrency: a commit states the next event id it was computed from
      next_event_id integer NOT NULL,
      state json NOT NULL
    );
    CREATE INDEX executions_open ON ${s}.executions (run_key) WHERE status = ${ExecutionStatus.RUNNING};
    CREATE TABLE ${s}.timers (
      run_key text NOT NULL,
      kind text NOT NULL,
      ref text NOT NULL,
      at bigint NOT NULL
    );
    CREATE INDEX timers_run ON ${s}.timers (run_key);
    CREATE INDEX timers_at ON ${s}.timers (at);
    CREATE TABLE ${s}.tasks (
      run_key text NOT NULL,
      kind text NOT NULL,
      namespace text NOT NULL,
      queue text NOT NULL,
      scheduled_event_id integer NOT NULL,
      attempt integer NOT NULL
    );
    CREATE INDEX tasks_run ON ${s}.tasks (run_key);
    CREATE INDEX tasks_queue ON ${s}.tasks (namespace, queue);
    CREATE TABLE ${s}.visibility (
      run_key text PRIMARY KEY,
      namespace text NOT NULL,
      workflow_id text NOT NULL,
      run_id text NOT NULL,
      workflow_type text NOT NULL,
      status integer NOT NULL,
      start_time bigint NOT NULL,
      execution_time bigint NOT NULL,
      close_time bigint,
      task_queue text NOT NULL,
      history_length integer NOT NULL,
      parent_workflow_id text,
      memo jsonb NOT NULL,
      search_attributes jsonb NOT NULL
    );
    CREATE INDEX visibility_status ON ${s}.visibility (namespace, status, start_time DESC);
    CREATE INDEX visibility_start ON ${s}.visibility (namespace, start_time DESC);
    CREATE INDEX visibility_close ON ${s}.visibility (namespace, close_time DESC);
    CREATE INDEX visibility_workflow_id ON ${s}.visibility (namespace, workflow_id);
    CREATE INDEX visibility_workflow_type ON ${s}.visibility (namespace, workflow_type);
    CREATE INDEX visibility_search_attributes ON ${s}.visibility USING gin (search_attributes);
    CREATE TABLE ${s}.namespaces (
      name text PRIMARY KEY,
      description json NOT NULL,
      search_attributes json NOT NULL
    );
  `,
  (s) => `
    CREATE TABLE IF NOT EXISTS ${s}.schedules (
      namespace text NOT NULL,
      schedule_id text NOT NULL,
      -- definition (spec, action, policies, state), info and scheduler state
      state json NOT NULL,
      PRIMARY KEY (namespace, schedule_id)
    );
  `,
];

export interface PostgresStorageOptions {
  /** Schema that holds the server's tables (default `temporal_dev`); created if missing. */
  schema?: string;
  /** Connections in the pool (commits use one at a time; reads may run beside them). */
  poolSize?: number;
}

/**
 * Storage in PostgreSQL: one table per record kind in its own schema, created and migrated by the
 * server at start. A commit is one transaction; the executions row's next_event_id is checked in
 * the same transaction (`UPDATE … WHERE next_event_id = expected`), so a stale writer gets a
 * ConcurrencyError and writes nothing. History is append-only except for the tail a dropped
 * speculative workflow task leaves behind (see RunMutation.historyFrom).
 */
export class PostgresStorage implements Storage {
  private constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  static async open(url: string, options: PostgresStorageOptions = {}): Promise<PostgresStorage> {
    const schema = options.schema ?? 'temporal_dev';
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
    const pool = new Pool({ connectionString: url, max: options.poolSize ?? 4 });
    // An idle connection dropped by the server must not take the process down.
    pool.on('error', () => undefined);
    try {
      await migrate(pool, schema);
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresStorage(pool, schema);
  }

  async commit(mutations: RunMutation[]): Promise<void> {
    if (mutations.length === 0) return;
    checkMutations(mutations);
    const s = this.schema;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await this.writeExecutions(client, mutations);
      const keys = mutations.map((m) => m.runKey);

      const truncated = mutations.filter((m) => m.historyFrom < m.expectedNextEventId);
      if (truncated.length > 0) {
        await client.query(
          `DELETE FROM ${s}.history_events h USING unnest($1::text[], $2::int[]) AS d(run_key, from_id)
           WHERE h.run_key = d.run_key AND h.event_id >= d.from_id`,
          [truncated.map((m) => m.runKey), truncated.map((m) => m.historyFrom)],
        );
      }
      const events = mutations.flatMap((m) => m.newEvents.map((e) => ({ runKey: m.runKey, event: e })));
      if (events.length > 0) {
        await client.query(
          `INSERT INTO ${s}.history_events (run_key, event_id, data)
           SELECT * FROM unnest($1::text[], $2::int[], $3::bytea[])`,
          [
            events.map((e) => e.runKey),
            events.map((e) => e.event.eventId as number),
            events.map((e) => encode(HISTORY_EVENT, e.event)),
          ],
        );
      }

      await client.query(`DELETE FROM ${s}.timers WHERE run_key = ANY($1::text[])`, [keys]);
      const timers = mutations.flatMap((m) => m.timers);
      if (timers.length > 0) {
        await client.query(
          `INSERT INTO ${s}.timers (run_key, kind, ref, at)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])`,
          [
            timers.map((t) => t.runKey),
            timers.map((t) => t.kind),
            timers.map((t) => t.ref),
            timers.map((t) => t.at),
          ],
        );
      }

      await client.query(`DELETE FROM ${s}.tasks WHERE run_key = ANY($1::text[])`, [keys]);
      const tasks = mutations.flatMap((m) => m.tasks);
      if (tasks.length > 0) {
        await client.query(
          `INSERT INTO ${s}.tasks (run_key, kind, namespace, queue, scheduled_event_id, attempt)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[])`,
          [
            tasks.map((t) => t.runKey),
            tasks.map((t) => t.kind),
            tasks.map((t) => t.namespace),
            tasks.map((t) => t.queue),
            tasks.map((t) => t.scheduledEventId),
            tasks.map((t) => t.attempt),
          ],
        );
      }

      const rows = mutations.map((m) => ({ key: m.runKey, v: m.visibility }));
      await client.query(
        `INSERT INTO ${s}.visibility (run_key, namespace, workflow_id, run_id, workflow_type, status,
           start_time, execution_time, close_time, task_queue, history_length, parent_workflow_id, memo,
           search_attributes)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[],
           $7::bigint[], $8::bigint[], $9::bigint[], $10::text[], $11::int[], $12::text[], $13::jsonb[],
           $14::jsonb[])
         ON CONFLICT (run_key) DO UPDATE SET workflow_type = excluded.workflow_type,
           status = excluded.status, start_time = excluded.start_time,
           execution_time = excluded.execution_time, close_time = excluded.close_time,
           task_queue = excluded.task_queue, history_length = excluded.history_length,
           parent_workflow_id = excluded.parent_workflow_id, memo = excluded.memo,
           search_attributes = excluded.search_attributes`,
        [
          rows.map((r) => r.key),
          rows.map((r) => r.v.namespace),
          rows.map((r) => r.v.workflowId),
          rows.map((r) => r.v.runId),
          rows.map((r) => r.v.workflowType),
          rows.map((r) => r.v.status),
          rows.map((r) => r.v.startTime),
          rows.map((r) => r.v.executionTime),
          rows.map((r) => r.v.closeTime ?? null),
          rows.map((r) => r.v.taskQueue),
          rows.map((r) => r.v.historyLength),
          rows.map((r) => r.v.parentWorkflowId ?? null),
          rows.map((r) => toJson(r.v.memo)),
          rows.map((r) => toJson(r.v.searchAttributes)),
        ],
      );
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** The conditional update of every run's executions row; a new run (expected 1) is inserted. */
  private async writeExecutions(client: PoolClient, mutations: RunMutation[]): Promise<void> {
    const s = this.schema;
    const columns = (ms: RunMutation[]) => [
      ms.map((m) => m.runKey),
      ms.map((m) => m.expectedNextEventId),
      ms.map((m) => m.execution.namespace),
      ms.map((m) => m.execution.workflowId),
      ms.map((m) => m.execution.runId),
      ms.map((m) => m.execution.status),
      ms.map((m) => m.execution.nextEventId),
      ms.map((m) => toJson(m.execution.state)),
    ];
    const input = `unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[],
      $8::json[]) AS i(run_key, expected, namespace, workflow_id, run_id, status, next_event_id, state)`;
    const updated = await client.query<{ run_key: string }>(
      `UPDATE ${s}.executions e SET status = i.status, next_event_id = i.next_event_id, state = i.state
       FROM ${input} WHERE e.run_key = i.run_key AND e.next_event_id = i.expected RETURNING e.run_key`,
      columns(mutations),
    );
    const done = new Set(updated.rows.map((r) => r.run_key));
    const fresh = mutations.filter((m) => !done.has(m.runKey) && m.expectedNextEventId === 1);
    if (fresh.length > 0) {
      const inserted = await client.query<{ run_key: string }>(
        `INSERT INTO ${s}.executions (run_key, namespace, workflow_id, run_id, status, next_event_id, state)
         SELECT run_key, namespace, workflow_id, run_id, status, next_event_id, state FROM ${input}
         ON CONFLICT (run_key) DO NOTHING RETURNING run_key`,
        columns(fresh),
      );
      for (const r of inserted.rows) done.add(r.run_key);
    }
    const stale = mutations.find((m) => !done.has(m.runKey));
    if (stale) {
      const found = await client.query<{ next_event_id: number }>(
        `SELECT next_event_id FROM ${s}.executions WHERE run_key = $1`,
        [stale.runKey],
      );
      throw new ConcurrencyError(
        `run ${stale.runKey} is at event ${found.rows[0]?.next_event_id ?? 1} in storage, the change was made for ${stale.expectedNextEventId}`,
      );
    }
  }

  async readHistory(runKey: string, fromEventId = 1, toEventId?: number): Promise<Msg[]> {
    const result = await this.pool.query<{ data: Buffer }>(
      `SELECT data FROM ${this.schema}.history_events
       WHERE run_key = $1 AND event_id >= $2 AND ($3::int IS NULL OR event_id < $3)
       ORDER BY event_id`,
      [runKey, fromEventId, toEventId ?? null],
    );
    return result.rows.map((r) => decode(HISTORY_EVENT, r.data));
  }

  async loadExecutions(
    options: { openOnly?: boolean; afterRunKey?: string; limit?: number } = {},
  ): Promise<ExecutionRecord[]> {
    // Open runs by the partial index executions_open, in run key order (pages).
    const result = await this.pool.query<ExecutionRow>(
      `SELECT run_key, namespace, workflow_id, run_id, status, next_event_id, state::text AS state
       FROM ${this.schema}.executions
       WHERE ${options.openOnly ? `status = ${ExecutionStatus.RUNNING}` : 'true'}
         AND ($1::text IS NULL OR run_key > $1)
       ORDER BY run_key
       LIMIT $2`,
      [options.afterRunKey ?? null, options.limit ?? null],
    );
    return result.rows.map(executionFromRow);
  }

  async loadExecution(runKey: string): Promise<ExecutionRecord | undefined> {
    const result = await this.pool.query<ExecutionRow>(
      `SELECT run_key, namespace, workflow_id, run_id, status, next_event_id, state::text AS state
       FROM ${this.schema}.executions WHERE run_key = $1`,
      [runKey],
    );
    return result.rows[0] && executionFromRow(result.rows[0]);
  }

  async latestExecution(namespace: string, workflowId: string): Promise<ExecutionRecord | undefined> {
    const s = this.schema;
    // At the same start time, an open run or the one closed later (a chain within one millisecond).
    const result = await this.pool.query<ExecutionRow>(
      `SELECT e.run_key, e.namespace, e.workflow_id, e.run_id, e.status, e.next_event_id, e.state::text AS state
       FROM ${s}.visibility v JOIN ${s}.executions e ON e.run_key = v.run_key
       WHERE v.namespace = $1 AND v.workflow_id = $2
       ORDER BY v.start_time DESC, v.close_time DESC NULLS FIRST
       LIMIT 1`,
      [namespace, workflowId],
    );
    return result.rows[0] && executionFromRow(result.rows[0]);
  }

  async deleteClosedRuns(namespace: string, closedBefore: number): Promise<string[]> {
    const s = this.schema;
    const keys: string[] = [];
    // In batches, each one transaction, so that a large backlog does not hold one long lock.
    for (;;) {
      const client = await this.pool.connect();
      let batch: string[];
      try {
        await client.query('BEGIN');
        const gone = await client.query<{ run_key: string }>(
          `DELETE FROM ${s}.visibility WHERE run_key IN (
             SELECT run_key FROM ${s}.visibility
             WHERE namespace = $1 AND close_time < $2 AND status <> ${ExecutionStatus.RUNNING}
             LIMIT 1000)
           RETURNING run_key`,
          [namespace, closedBefore],
        );
        batch = gone.rows.map((r) => r.run_key);
        if (batch.length > 0) {
          await client.query(`DELETE FROM ${s}.executions WHERE run_key = ANY($1)`, [batch]);
          await client.query(`DELETE FROM ${s}.history_events WHERE run_key = ANY($1)`, [batch]);
          await client.query(`DELETE FROM ${s}.timers WHERE run_key = ANY($1)`, [batch]);
          await client.query(`DELETE FROM ${s}.tasks WHERE run_key = ANY($1)`, [batch]);
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
      keys.push(...batch);
      if (batch.length < 1000) return keys;
    }
  }

  async loadTimers(): Promise<TimerRecord[]> {
    const result = await this.pool.query<{
      run_key: string;
      kind: TimerRecord['kind'];
      ref: string;
      at: string;
    }>(`SELECT run_key, kind, ref, at FROM ${this.schema}.timers ORDER BY at`);
    return result.rows.map((r) => ({ runKey: r.run_key, kind: r.kind, ref: r.ref, at: Number(r.at) }));
  }

  async loadTasks(queue?: string): Promise<TaskRecord[]> {
    const result = await this.pool.query<{
      run_key: string;
      kind: TaskRecord['kind'];
      namespace: string;
      queue: string;
      scheduled_event_id: number;
      attempt: number;
    }>(
      `SELECT run_key, kind, namespace, queue, scheduled_event_id, attempt FROM ${this.schema}.tasks
       WHERE $1::text IS NULL OR queue = $1`,
      [queue ?? null],
    );
    return result.rows.map((r) => ({
      runKey: r.run_key,
      kind: r.kind,
      namespace: r.namespace,
      queue: r.queue,
      scheduledEventId: r.scheduled_event_id,
      attempt: r.attempt,
    }));
  }

  async listVisibility(namespace: string, filter: VisibilityFilter = {}): Promise<VisibilityRecord[]> {
    const result = await this.pool.query<{
      namespace: string;
      workflow_id: string;
      run_id: string;
      workflow_type: string;
      status: number;
      start_time: string;
      execution_time: string;
      close_time: string | null;
      task_queue: string;
      history_length: number;
      parent_workflow_id: string | null;
      memo: string;
      search_attributes: string;
    }>(
      `SELECT namespace, workflow_id, run_id, workflow_type, status, start_time, execution_time, close_time,
         task_queue, history_length, parent_workflow_id, memo::text AS memo,
         search_attributes::text AS search_attributes
       FROM ${this.schema}.visibility
       WHERE namespace = $1
         AND ($2::text[] IS NULL OR workflow_id = ANY($2))
         AND ($3::text[] IS NULL OR run_id = ANY($3))
         AND ($4::text[] IS NULL OR workflow_type = ANY($4))
         AND ($5::int[] IS NULL OR status = ANY($5))
       ORDER BY start_time DESC`,
      [
        namespace,
        filter.workflowIds ?? null,
        filter.runIds ?? null,
        filter.workflowTypes ?? null,
        filter.statuses ?? null,
      ],
    );
    return result.rows.map((r) => ({
      namespace: r.namespace,
      workflowId: r.workflow_id,
      runId: r.run_id,
      workflowType: r.workflow_type,
      status: r.status,
      startTime: Number(r.start_time),
      executionTime: Number(r.execution_time),
      closeTime: r.close_time === null ? undefined : Number(r.close_time),
      taskQueue: r.task_queue,
      historyLength: r.history_length,
      parentWorkflowId: r.parent_workflow_id ?? undefined,
      memo: fromJson(r.memo),
      searchAttributes: fromJson(r.search_attributes),
    }));
  }

  async putNamespace(record: NamespaceRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.schema}.namespaces (name, description, search_attributes) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET description = excluded.description,
         search_attributes = excluded.search_attributes`,
      [record.name, toJson(record.description), JSON.stringify(record.searchAttributes)],
    );
  }

  async loadNamespaces(): Promise<NamespaceRecord[]> {
    const result = await this.pool.query<{ name: string; description: string; search_attributes: string }>(
      `SELECT name, description::text AS description, search_attributes::text AS search_attributes
       FROM ${this.schema}.namespaces ORDER BY name`,
    );
    return result.rows.map((r) => ({
      name: r.name,
      description: fromJson(r.description),
      searchAttributes: JSON.parse(r.search_attributes) as Record<string, number>,
    }));
  }

  async putSchedule(record: ScheduleRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.schema}.schedules (namespace, schedule_id, state) VALUES ($1, $2, $3)
       ON CONFLICT (namespace, schedule_id) DO UPDATE SET state = excluded.state`,
      [record.namespace, record.scheduleId, toJson(record.state)],
    );
  }

  async deleteSchedule(namespace: string, scheduleId: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.schema}.schedules WHERE namespace = $1 AND schedule_id = $2`, [
      namespace,
      scheduleId,
    ]);
  }

  async loadSchedules(): Promise<ScheduleRecord[]> {
    const result = await this.pool.query<{ namespace: string; schedule_id: string; state: string }>(
      `SELECT namespace, schedule_id, state::text AS state FROM ${this.schema}.schedules
       ORDER BY namespace, schedule_id`,
    );
    return result.rows.map((r) => ({
      namespace: r.namespace,
      scheduleId: r.schedule_id,
      state: fromJson(r.state),
    }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

async function migrate(pool: Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`temporal-dev-server:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.schema_version (
         version integer PRIMARY KEY,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const applied = await client.query<{ version: number }>(
      `SELECT coalesce(max(version), 0) AS version FROM ${schema}.schema_version`,
    );
    for (let version = applied.rows[0].version + 1; version <= MIGRATIONS.length; version++) {
      await client.query(MIGRATIONS[version - 1](schema));
      await client.query(`INSERT INTO ${schema}.schema_version (version) VALUES ($1)`, [version]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

interface ExecutionRow {
  run_key: string;
  namespace: string;
  workflow_id: string;
  run_id: string;
  status: number;
  next_event_id: number;
  state: string;
}

function executionFromRow(r: ExecutionRow): ExecutionRecord {
  return {
    runKey: r.run_key,
    namespace: r.namespace,
    workflowId: r.workflow_id,
    runId: r.run_id,
    status: r.status,
    nextEventId: r.next_event_id,
    state: fromJson(r.state),
  };
}
