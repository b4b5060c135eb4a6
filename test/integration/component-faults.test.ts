import { Client as TemporalClient, Connection } from '@temporalio/client';
import type { Client } from 'pg';
import { forwardUpdate } from '../../workflows/objection/messages';
import { objectionWorkflowId } from '../../workflows/objection/types';
import {
  holdLock,
  lockWaitersOf,
  POOL_SIZE,
  startComponents,
  tcpPortsOf,
  type Components,
} from '../support/components';
import {
  allClosed,
  call,
  day,
  expectEachCaseOnce,
  pool,
  settle,
  tally,
  verificationOf,
  waitFor,
} from '../support/fault-client';

/**
 * Faults of one component at a time (issue #16): the service runs as a deployment runs it —
 * PostgreSQL, the Temporal dev server, the worker and the API each a process of its own — and one
 * of them is killed at a point chosen to hurt, with fifty objections in flight. The point is
 * reached without any hook in the code: the test holds a PostgreSQL lock the component's next
 * statement needs and waits until `pg_stat_activity` shows the component's sessions waiting for
 * it. After the restart a client that repeats what it got no answer to (same Idempotency-Keys)
 * finishes every case, and each must have ended exactly once: one case per record, one dispute
 * mark and one resolution per record, no notice twice, one reply letter. Slow: FAULT_TESTS=1.
 */
const maybe = process.env.FAULT_TESTS === '1' ? describe : describe.skip;

const CASES = 50;
const CONCURRENCY = 8;
const SUBJECT = '52410422MJ0000012Y';

/** Enough of a component's pool stuck on the test's lock to call it caught mid-way. */
const CAUGHT = Math.min(POOL_SIZE, CASES) - 2;

maybe('component faults survived', () => {
  jest.setTimeout(600_000);
  let c: Components;
  let db: Client;
  let temporal: TemporalClient;
  let connection: Connection;

  beforeAll(async () => {
    c = await startComponents();
    db = await c.connect();
    connection = await Connection.connect({ address: c.temporalAddress });
    temporal = new TemporalClient({ connection });
    const subject = await call(c.baseUrl, c.tokens.provider, 'POST', '/api/subjects', {
      kind: 'other-organisation',
      code: SUBJECT,
      name: '叶县书画研究会',
      jurisdiction: 'yexian-mz',
    });
    expect(subject.status).toBe(201);
  }, 300_000);

  afterAll(async () => {
    await db?.end().catch(() => undefined);
    await connection?.close().catch(() => undefined);
    await c?.stop();
  });

  /** The test's connection, again after PostgreSQL was crashed. */
  const query = async <R extends object>(sql: string, params: unknown[] = []) =>
    (await db.query<R>(sql, params)).rows;

  async function createRecords(tag: string, base: number): Promise<string[]> {
    const records: string[] = new Array<string>(CASES);
    await pool(records, CONCURRENCY, async (_, i) => {
      const record = await settle(c.baseUrl, c.tokens.provider, 'POST', '/api/records', {
        subjectCode: SUBJECT,
        kind: 'administrative-penalty',
        documentNo: `叶市监罚〔2026〕${base + i}号`,
        decisionDate: day(-10),
        severityTier: '一般',
        title: `未按规定报送年度工作报告 ${tag} ${i}`,
        content: '给予警告',
        publicityStart: day(-7),
        publicityMinEnd: day(80),
        publicityMaxEnd: day(355),
      });
      expect(record.status).toBe(201);
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

  /** Registers (or, repeated, finds) the objection on each record; the case ids in record order. */
  async function createCases(tag: string, records: string[], limit = CONCURRENCY): Promise<string[]> {
    const cases: string[] = new Array<string>(CASES);
    await pool(records, limit, async (recordId, i) => {
      const created = await settle(
        c.baseUrl,
        c.tokens.caseworker,
        'POST',
        '/api/objections',
        objectionBody(recordId, i),
        `${tag}-objection-${i}`,
      );
      expect([200, 201]).toContain(created.status);
      cases[i] = (created.body.case as { id: string }).id;
    });
    return cases;
  }

  const forward = (tag: string, id: string, i: number) =>
    [c.tokens.caseworker, `/api/objections/${id}/forward`, {}, `${tag}-forward-${i}`] as const;
  const verify = (tag: string, id: string, i: number) =>
    [
      c.tokens.provider,
      `/api/objections/${id}/verification`,
      verificationOf(i),
      `${tag}-verify-${i}`,
    ] as const;
  const reply = (tag: string, id: string, i: number) =>
    [c.tokens.caseworker, `/api/objections/${id}/reply`, {}, `${tag}-reply-${i}`] as const;

  /** Every case finished by a client that repeats what it got no answer to; refusals listed. */
  async function finish(tag: string, cases: string[]): Promise<void> {
    const refused: string[] = [];
    await pool(cases, CONCURRENCY, async (id, i) => {
      for (const [token, url, body, key] of [forward(tag, id, i), verify(tag, id, i), reply(tag, id, i)]) {
        let answer = await settle(c.baseUrl, token, 'POST', url, body, key);
        // The reply waits for the verification's outcome to be applied (a retried registry write
        // after a fault takes its activity timeout): told to try later (409 with Retry-After), the
        // office does, with the same key.
        const until = Date.now() + 300_000;
        while (answer.status === 409 && answer.retryAfter !== undefined && Date.now() < until) {
          await new Promise((r) => setTimeout(r, 2000));
          answer = await settle(c.baseUrl, token, 'POST', url, body, key);
        }
        if (answer.status >= 300) refused.push(`${url} ${answer.status} ${JSON.stringify(answer.body)}`);
      }
    });
    expect(refused).toEqual([]);
  }

  /** Waits for the cases to close, counts and prints the fault's line, asserts each ended once. */
  async function report(fault: string, records: string[], cases: string[], started: number): Promise<void> {
    await waitFor('every case closed with its reply letter sent', () => allClosed(db, cases), 300_000);
    const t = await tally(db, records, cases);
    console.log(
      `faults: ${fault}: cases ${t.casesFound}, lost ${t.lost}, duplicated ${t.duplicated} ` +
        `(${Math.round((Date.now() - started) / 1000)} s)`,
    );
    expectEachCaseOnce(t, CASES);
  }

  /** How many registry events of `actions` the records have (a committed registry write each). */
  const registryEvents = async (records: string[], actions: string[]) =>
    Number(
      (
        await query<{ n: string }>(
          `SELECT count(*) AS n FROM credit_record_event WHERE record_id = ANY($1::uuid[]) AND action = ANY($2)`,
          [records, actions],
        )
      )[0].n,
    );

  /** True when every busy PostgreSQL session of `pid` waits for a lock, and at least one does. */
  const onlyLockWaits = async (pid: number) => {
    const ports = [...tcpPortsOf(pid, c.ports.postgres)];
    const [{ busy, waiting }] = await query<{ busy: string; waiting: string }>(
      `SELECT count(*) FILTER (WHERE state <> 'idle') AS busy,
              count(*) FILTER (WHERE wait_event_type = 'Lock') AS waiting
         FROM pg_stat_activity WHERE client_port = ANY($1::int[])`,
      [ports],
    );
    return Number(waiting) > 0 && Number(busy) === Number(waiting);
  };

  const lockedRecords = (records: string[]) =>
    holdLock(c, 'SELECT id FROM credit_record WHERE id = ANY($1::uuid[]) FOR UPDATE', [records]);

  // This fault found three defects (fixed): a reply refused for now ("核查结果正在处理中", the
  // outcome still being applied after the worker's restart) was kept as its Idempotency-Key's
  // answer, and the dev server kept a rejected update under its id, so the office's repeat with the
  // same key got the refusal for ever (8–10 of 50 cases stuck); and a reply asked for while the
  // provider's answer was with the verification child but not yet with the case (核查中) was
  // refused for good, now for now (ObjectionsService.issueReply).
  it('worker SIGKILL during registry writes: some committed with their completion not yet reported, others mid-transaction', async () => {
    const started = Date.now();
    const tag = 'worker';
    const records = await createRecords(tag, 2000);
    const cases = await createCases(tag, records);
    await waitFor(
      'every intake done (records marked)',
      async () => (await registryEvents(records, ['dispute'])) === CASES,
      300_000,
    );
    await pool(cases, CONCURRENCY, async (id, i) => {
      const answer = await settle(c.baseUrl, ...withPost(forward(tag, id, i)));
      expect(answer.status).toBeLessThan(300);
    });

    // The verifications' registry writes (upheld: the dispute mark resolved; corrected: the
    // correction) wait for the test's locks on the records, one lock for each kind.
    const upheld = records.filter((_, i) => verificationOf(i).outcome === 'upheld');
    const corrected = records.filter((_, i) => verificationOf(i).outcome === 'corrected');
    const upheldLock = await lockedRecords(upheld);
    const correctedLock = await lockedRecords(corrected);
    const verifying = pool(cases, CASES, async (id, i) => {
      await call(c.baseUrl, ...withPost(verify(tag, id, i))).catch(() => undefined);
    });
    await waitFor(
      `${CAUGHT} worker sessions inside a registry write, waiting for the records`,
      async () => (await lockWaitersOf(db, c.worker.pid(), c.ports.postgres)) >= CAUGHT,
      120_000,
    );
    // With the dev server stopped, the resolutions commit but their completions cannot be
    // reported; the corrections still wait inside their transactions. Then the worker dies.
    process.kill(c.devServerPid(), 'SIGSTOP');
    try {
      await upheldLock.release();
      await waitFor(
        'the resolutions committed, only the corrections still waiting',
        () => onlyLockWaits(c.worker.pid()),
        60_000,
      );
      expect(await registryEvents(upheld, ['resolve-dispute'])).toBeGreaterThan(0);
      expect(await registryEvents(corrected, ['correct'])).toBe(0);
      await c.worker.kill('SIGKILL');
    } finally {
      process.kill(c.devServerPid(), 'SIGCONT');
    }
    await correctedLock.release();
    await c.worker.start();
    await verifying;

    await finish(tag, cases);
    await report('worker SIGKILL during registry write', records, cases, started);
  });

  it('dev server SIGKILL between an update’s accept and its completion (forward)', async () => {
    const started = Date.now();
    const tag = 'server';
    const records = await createRecords(tag, 3000);
    const cases = await createCases(tag, records);
    await waitFor(
      'every intake done (records marked)',
      async () => (await registryEvents(records, ['dispute'])) === CASES,
      300_000,
    );

    // The forward updates are accepted; their handlers wait for the case's publication, which
    // waits for the test's lock on the case rows.
    const lock = await holdLock(c, 'SELECT id FROM objection_case WHERE id = ANY($1) FOR UPDATE', [cases]);
    const forwarding = pool(cases, CASES, async (id, i) => {
      await call(c.baseUrl, ...withPost(forward(tag, id, i))).catch(() => undefined);
    });
    const accepted = new Set<string>();
    await waitFor(
      'every forward update accepted, none completed',
      async () => {
        for (const [i, id] of cases.entries()) {
          if (accepted.has(id)) continue;
          const history = await temporal.workflow.getHandle(objectionWorkflowId(id)).fetchHistory();
          const updateId = `${forwardUpdate.name}:${forward(tag, id, i)[3]}`;
          const events = history.events ?? [];
          if (
            events.some(
              (e) =>
                e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId ===
                updateId,
            )
          ) {
            expect(
              events.some(
                (e) => e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId === updateId,
              ),
            ).toBe(false);
            accepted.add(id);
          }
        }
        return accepted.size === CASES && (await lockWaitersOf(db, c.worker.pid(), c.ports.postgres)) >= 1;
      },
      180_000,
    );
    await c.killDevServer();
    await lock.release();
    await c.startDevServer();
    await forwarding;

    await finish(tag, cases);
    await report('dev server SIGKILL between update accept and completion', records, cases, started);
  });

  it('API SIGKILL between starting a workflow and answering (objection create)', async () => {
    const started = Date.now();
    const tag = 'api';
    const records = await createRecords(tag, 4000);

    // With the dev server stopped every create registers its row and then waits in its start.
    process.kill(c.devServerPid(), 'SIGSTOP');
    let lock: Awaited<ReturnType<typeof holdLock>> | undefined;
    let ids: string[] = [];
    try {
      void pool(records, CASES, async (recordId, i) => {
        await call(
          c.baseUrl,
          c.tokens.caseworker,
          'POST',
          '/api/objections',
          objectionBody(recordId, i),
          `${tag}-objection-${i}`,
        ).catch(() => undefined);
      });
      await waitFor(
        'every create registered its case',
        async () => {
          ids = (
            await query<{ id: string }>(`SELECT id FROM objection_case WHERE record_id = ANY($1)`, [records])
          ).map((r) => r.id);
          return ids.length === CASES;
        },
        120_000,
      );
      // Once started, the API reads the case row to answer with: that read waits for the test.
      lock = await holdLock(c, 'LOCK TABLE objection_case IN ACCESS EXCLUSIVE MODE');
    } finally {
      process.kill(c.devServerPid(), 'SIGCONT');
    }
    const startedRuns = new Set<string>();
    await waitFor(
      'every workflow started, the API waiting to answer',
      async () => {
        for (const id of ids) {
          if (startedRuns.has(id)) continue;
          const found = await temporal.workflow
            .getHandle(objectionWorkflowId(id))
            .describe()
            .then(() => true)
            .catch(() => false);
          if (found) startedRuns.add(id);
        }
        return (
          startedRuns.size === CASES &&
          (await lockWaitersOf(db, c.api.pid(), c.ports.postgres)) >= Math.min(POOL_SIZE, CASES)
        );
      },
      180_000,
    );
    await c.api.kill('SIGKILL');
    await lock!.release();
    await c.api.start();

    const cases = await createCases(tag, records);
    expect([...cases].sort()).toEqual([...ids].sort());
    await finish(tag, cases);
    await report('API SIGKILL between workflow start and answer', records, cases, started);
  });

  it('PostgreSQL stopped with pg_ctl stop -m immediate under running cases, then started again', async () => {
    const started = Date.now();
    const tag = 'postgres';
    const records = await createRecords(tag, 5000);
    const cases = await createCases(tag, records);

    c.superviseDevServer(true);
    let answered = 0;
    const running = pool(cases, CONCURRENCY, async (id, i) => {
      await settle(c.baseUrl, ...withPost(forward(tag, id, i)));
      answered++;
      await settle(c.baseUrl, ...withPost(verify(tag, id, i)));
    });
    await waitFor('15 forwards answered', () => answered >= 15, 300_000);
    await db.end();
    await c.crashPostgres();
    await c.startPostgres();
    db = await c.connect();
    // The worker and the API ride the outage out; the dev server stops when a write to
    // PostgreSQL fails (fail-stop, infra/temporal-dev-server/src/cli.ts) and is started again by
    // its supervisor (here the harness).
    expect({ worker: c.worker.running(), api: c.api.running() }).toEqual({ worker: true, api: true });
    await running;

    await finish(tag, cases);
    c.superviseDevServer(false);
    console.log(
      `faults: PostgreSQL stop -m immediate: dev server restarted by its supervisor ${c.devServerRestarts()} times`,
    );
    await report('PostgreSQL stop -m immediate', records, cases, started);
  });
});

/** A step's arguments for call/settle as a POST. */
function withPost(step: readonly [string, string, unknown, string]) {
  const [token, url, body, key] = step;
  return [token, 'POST', url, body, key] as const;
}
