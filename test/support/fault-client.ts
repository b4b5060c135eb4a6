import type { Client } from 'pg';

/**
 * What the fault tests share: a client that behaves as a careful caller does when a process dies
 * under its request (it repeats the request with the same Idempotency-Key until it has an
 * answer), and the count of how the cases ended (lost, done twice) read from PostgreSQL.
 */

export interface Answer {
  status: number;
  body: { code?: string; [key: string]: unknown };
  /** The Retry-After header of a refusal for now (the case is still carrying something out). */
  retryAfter?: string;
}

/** One HTTP call; a connection a dead process dropped rejects. */
export async function call(
  baseUrl: string,
  token: string | undefined,
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
  key?: string,
): Promise<Answer> {
  const res = await fetch(baseUrl + url, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(key ? { 'Idempotency-Key': key } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const retryAfter = res.headers.get('retry-after');
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as Answer['body']) : {},
    ...(retryAfter === null ? {} : { retryAfter }),
  };
}

/**
 * What a careful client does after a failure: sends the same request with the same key again
 * until it has an answer. A 5xx, a dropped connection or 409 IDEMPOTENCY_KEY_IN_PROGRESS (the
 * first request's answer died with the process) are not answers.
 */
export async function settle(...args: Parameters<typeof call>): Promise<Answer> {
  for (;;) {
    try {
      const answer = await call(...args);
      const retry =
        answer.status >= 500 ||
        answer.status === 429 ||
        (answer.status === 409 && answer.body.code === 'IDEMPOTENCY_KEY_IN_PROGRESS');
      if (!retry) return answer;
    } catch {
      // connection refused or dropped: try again
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Runs `work` over the items, `limit` at a time. */
export async function pool<T>(
  items: T[],
  limit: number,
  work: (item: T, i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i], i);
      }
    }),
  );
}

export const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

export async function waitFor(
  what: string,
  done: () => boolean | Promise<boolean>,
  limitMs: number,
): Promise<void> {
  const until = Date.now() + limitMs;
  while (!(await done())) {
    if (Date.now() > until) throw new Error(`not within ${limitMs / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The verification each case gets: upheld and corrected alternate (two ways a dispute ends). */
export const verificationOf = (i: number) =>
  i % 2 === 0
    ? { outcome: 'upheld', opinion: '经核实，记录无误，予以维持' }
    : {
        outcome: 'corrected',
        opinion: '经核实，事由登记有误，予以更正',
        correctedValues: { title: `更正后的事由 ${i}` },
      };

/** How the cases on `records` ended, as PostgreSQL holds it. */
export interface Tally {
  /** Records with at least one case. */
  casesFound: number;
  /** Cases beyond the first on a record. */
  duplicatedCases: number;
  /** Records whose case is not closed exactly once. */
  notClosed: string[];
  /** Records with a dispute-mark event. */
  markedRecords: number;
  /** Records not marked disputed once and resolved (or corrected) once. */
  wrongMarks: Array<{ record_id: string; disputed: string; resolved: string }>;
  /** A notice sent more than once (same case, kind, channel, recipient). */
  twiceNotified: Array<{ case_id: string; kind: string; channel: string; recipient: string; n: string }>;
  /** A case whose reply was issued other than once. */
  twiceReplied: Array<{ case_id: string; n: string }>;
  /** Cases with their reply letter. */
  letters: number;
  lost: number;
  duplicated: number;
}

/** Every case closed with its reply letter sent on both channels (SMS and post). */
export async function allClosed(db: Client, cases: string[]): Promise<boolean> {
  const { rows } = await db.query<{ closed: string; letters: string }>(
    `SELECT (SELECT count(*) FROM objection_case WHERE id = ANY($1) AND status = 'closed') AS closed,
            (SELECT count(DISTINCT (case_id, channel)) FROM notification
              WHERE case_id = ANY($1) AND kind = 'objection.reply') AS letters`,
    [cases],
  );
  return Number(rows[0].closed) === cases.length && Number(rows[0].letters) === 2 * cases.length;
}

/**
 * Counts, for one objection per record: cases per record and closed, dispute marks and their
 * resolutions, notices, reply events and letters. `lost` is a record without its closed case;
 * `duplicated` anything done more than once.
 */
export async function tally(db: Client, records: string[], cases: string[]): Promise<Tally> {
  const perRecord = await db.query<{ record_id: string; n: string; closed: string }>(
    `SELECT record_id, count(*) AS n, count(*) FILTER (WHERE status = 'closed') AS closed
       FROM objection_case WHERE record_id = ANY($1) GROUP BY record_id`,
    [records],
  );
  const casesFound = perRecord.rows.length;
  const duplicatedCases = perRecord.rows.reduce((n, r) => n + Number(r.n) - 1, 0);
  const notClosed = perRecord.rows.filter((r) => Number(r.closed) !== 1).map((r) => r.record_id);

  const marks = await db.query<{ record_id: string; disputed: string; resolved: string }>(
    `SELECT record_id,
            count(*) FILTER (WHERE action = 'dispute') AS disputed,
            count(*) FILTER (WHERE action IN ('resolve-dispute', 'correct')) AS resolved
       FROM credit_record_event WHERE record_id = ANY($1::uuid[]) GROUP BY record_id`,
    [records],
  );
  const wrongMarks = marks.rows.filter((r) => Number(r.disputed) !== 1 || Number(r.resolved) !== 1);

  const twiceNotified = await db.query<Tally['twiceNotified'][number]>(
    `SELECT case_id, kind, channel, recipient, count(*) AS n FROM notification
      WHERE case_id = ANY($1) GROUP BY case_id, kind, channel, recipient HAVING count(*) > 1`,
    [cases],
  );
  const twiceReplied = await db.query<{ case_id: string; n: string }>(
    `SELECT c.id AS case_id, count(e.case_id) AS n
       FROM objection_case c LEFT JOIN objection_event e ON e.case_id = c.id AND e.kind = 'reply-issued'
      WHERE c.id = ANY($1) GROUP BY c.id HAVING count(e.case_id) <> 1`,
    [cases],
  );
  const letters = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM objection_case WHERE id = ANY($1) AND reply_letter IS NOT NULL`,
    [cases],
  );

  const lost = records.length - casesFound + notClosed.length;
  const duplicated =
    duplicatedCases +
    wrongMarks.reduce(
      (n, r) => n + Math.max(0, Number(r.disputed) - 1) + Math.max(0, Number(r.resolved) - 1),
      0,
    ) +
    twiceNotified.rows.reduce((n, r) => n + Number(r.n) - 1, 0) +
    twiceReplied.rows.reduce((n, r) => n + Math.max(0, Number(r.n) - 1), 0);
  return {
    casesFound,
    duplicatedCases,
    notClosed,
    markedRecords: marks.rows.length,
    wrongMarks,
    twiceNotified: twiceNotified.rows,
    twiceReplied: twiceReplied.rows,
    letters: Number(letters.rows[0].n),
    lost,
    duplicated,
  };
}

/** The assertions every fault run ends with: each case once, nothing twice, nothing lost. */
export function expectEachCaseOnce(t: Tally, cases: number): void {
  expect({ casesFound: t.casesFound, duplicatedCases: t.duplicatedCases, notClosed: t.notClosed }).toEqual({
    casesFound: cases,
    duplicatedCases: 0,
    notClosed: [],
  });
  expect(t.markedRecords).toBe(cases);
  expect(t.wrongMarks).toEqual([]);
  expect(t.twiceNotified).toEqual([]);
  expect(t.twiceReplied).toEqual([]);
  expect(t.letters).toBe(cases);
  expect({ lost: t.lost, duplicated: t.duplicated }).toEqual({ lost: 0, duplicated: 0 });
}
