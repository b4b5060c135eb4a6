import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import fc from 'fast-check';
import type { Role } from '../../apps/api/auth/roles';
import { startTestApi, TestApi } from '../support/api';

/**
 * Property-based fuzz of every operation of the OpenAPI document (docs/openapi.json, kept equal to
 * the served one by openapi-document.test.ts): schema-shaped bodies, queries, path parameters and
 * headers, mutated (wrong types, missing required, extra fields, boundary numbers, huge strings,
 * unicode, NUL bytes, deep nesting, arrays for objects) and raw junk (invalid JSON, wrong content
 * types and encodings, oversized bodies, garbage Idempotency-Key and Authorization headers), with
 * valid tokens of the operation's roles. For every request: no 5xx; a 4xx has the error body
 * { code, message } with a Chinese message; a refused request changes nothing in the database
 * (row counts and checksums of every table but the audit trail, which records the refusals).
 *
 * FUZZ_SEED and FUZZ_RUNS (runs per operation) override the fixed defaults; a failure names the
 * seed and the fast-check path to replay it.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261216);
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON Schema and OpenAPI objects are untyped here */
type Schema = Record<string, any>;
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: Schema;
  roles?: Role[];
  public: boolean;
}

const doc = JSON.parse(readFileSync(path.resolve(__dirname, '../../docs/openapi.json'), 'utf8'));

const resolve = (schema: Schema | undefined): Schema | undefined =>
  schema?.$ref ? doc.components.schemas[String(schema.$ref).replace('#/components/schemas/', '')] : schema;

const OPERATIONS: Operation[] = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(
  ([p, item]) =>
    Object.entries(item).map(([method, op]) => ({
      method: method.toUpperCase(),
      path: p,
      parameters: (op.parameters ?? []) as Parameter[],
      body: resolve(op.requestBody?.content?.['application/json']?.schema),
      roles: op['x-roles'] as Role[] | undefined,
      public: Array.isArray(op.security) && op.security.length === 0,
    })),
);

// ------------------------------------------------------------------ generators

const DEPARTMENT = '叶县民政局';
const JURISDICTION = 'yexian-mz';

const BOUNDARY_NUMBERS = [
  0,
  -0,
  -1,
  1,
  0.5,
  -0.5,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_VALUE,
  1e308,
  -1e308,
];

const NASTY_STRINGS = [
  '',
  ' ',
  '\t\n\r',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u202e反转',
  '\ufeff',
  '😀👨‍👩‍👧',
  '𠀀𪚥',
  "'; DROP TABLE audit_event; --",
  '../../etc/passwd',
  '%00',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  'null',
  'true',
  '-1',
  '1e999',
  'NaN',
  '2026-02-30',
  '2026-12-02',
  '9999-99-99T99:99:99+99:99',
  '00000000-0000-0000-0000-000000000000',
  'x'.repeat(10_000),
  '汉'.repeat(5_000),
];

/** A string for a string schema: the format's shape where it has one, within the length limits. */
function stringFor(schema: Schema): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'date-time') {
    return fc
      .date({ min: new Date('1990-01-01'), max: new Date('2120-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString());
  }
  if (schema.pattern === '^\\d{4}-\\d{2}-\\d{2}$') {
    return fc
      .date({ min: new Date('1990-01-01'), max: new Date('2120-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
  }
  if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern));
  if (schema.example !== undefined && typeof schema.example === 'string') {
    return fc.oneof(
      fc.constant(schema.example),
      fc.string({ minLength: schema.minLength ?? 0, maxLength: 30 }),
    );
  }
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 40, Math.max(min, 40));
  return fc.string({ unit: 'grapheme', minLength: min, maxLength: max });
}

/** A value that the schema describes (or close to it: the server decides what more it needs). */
function valueFor(input: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(input);
  if (!schema || depth > 6) return fc.jsonValue({ maxDepth: 2 });
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  if (Array.isArray(schema.anyOf))
    return fc.oneof(...schema.anyOf.map((s: Schema) => valueFor(s, depth + 1)));
  const base = ((): fc.Arbitrary<unknown> => {
    switch (schema.type) {
      case 'string':
        return stringFor(schema);
      case 'integer': {
        const min = schema.minimum ?? -1_000_000;
        const max = schema.maximum ?? 1_000_000;
        return fc.integer({
          min: schema.exclusiveMinimum === true ? min + 1 : min,
          max: schema.exclusiveMaximum === true ? max - 1 : max,
        });
      }
      case 'number':
        return fc.double({
          min: schema.minimum ?? -1e6,
          max: schema.maximum ?? 1e6,
          noNaN: true,
          noDefaultInfinity: true,
        });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(valueFor(schema.items, depth + 1), {
          minLength: schema.minItems ?? 0,
          maxLength: Math.min(schema.maxItems ?? 3, Math.max(schema.minItems ?? 0, 3)),
        });
      case 'object':
      case undefined: {
        if (!schema.properties) {
          return schema.additionalProperties && typeof schema.additionalProperties === 'object'
            ? fc.dictionary(fc.string({ maxLength: 20 }), valueFor(schema.additionalProperties, depth + 1), {
                maxKeys: 3,
              })
            : fc.jsonValue({ maxDepth: 2 });
        }
        const properties = Object.fromEntries(
          Object.entries(schema.properties as Record<string, Schema>).map(([k, s]) => [
            k,
            valueFor(s, depth + 1),
          ]),
        );
        return fc.record(properties, { requiredKeys: schema.required ?? [] });
      }
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  })();
  return schema.nullable ? fc.option(base, { nil: null, freq: 10 }) : base;
}

/** Any value of the wrong kind, or an extreme of the right one. */
const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, {}, [], [null], { '': '' }, { __proto__: { x: 1 } }),
  fc.constantFrom(...BOUNDARY_NUMBERS),
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Every place a value could be swapped: `[]` for the root, then the path of each key or index. */
function pathsOf(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  }
  return out;
}

type Mutation =
  { kind: 'replace'; value: unknown } | { kind: 'delete' } | { kind: 'extra'; key: string; value: unknown };

function mutate(value: unknown, at: number, mutation: Mutation): unknown {
  const copy = structuredClone(value);
  const paths = pathsOf(copy);
  const target = paths[at % paths.length];
  if (target.length === 0) {
    if (mutation.kind === 'replace') return mutation.value;
    if (mutation.kind === 'extra' && copy && typeof copy === 'object' && !Array.isArray(copy)) {
      (copy as Record<string, unknown>)[mutation.key] = mutation.value;
      return copy;
    }
    return [copy];
  }
  const parent = target.slice(0, -1).reduce<any>((o, k) => o[k], copy);
  const key = target[target.length - 1];
  if (mutation.kind === 'replace') parent[key] = mutation.value;
  else if (mutation.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (parent[key] && typeof parent[key] === 'object' && !Array.isArray(parent[key])) {
    parent[key][mutation.key] = mutation.value;
  } else parent[key] = { [mutation.key]: mutation.value };
  return copy;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: junkValue.map((value): Mutation => ({ kind: 'replace', value })) },
  { weight: 2, arbitrary: fc.constant<Mutation>({ kind: 'delete' }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.oneof(fc.constantFrom('extra', '__proto__', 'constructor', 'id', 'actor'), fc.string()),
        junkValue,
      )
      .map(([key, value]): Mutation => ({ kind: 'extra', key, value })),
  },
);

/** A value of the schema with one to three mutations applied. */
const mutated = (schema: Schema | undefined) =>
  fc
    .tuple(valueFor(schema), fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 3 }))
    .map(([value, changes]) => changes.reduce((v, [at, m]) => mutate(v, at, m), value));

interface Body {
  contentType?: string;
  /** Extra headers of the body, e.g. Content-Encoding. */
  headers?: Record<string, string>;
  raw: string | Buffer;
  label: string;
}

const json = (value: unknown, label: string): Body => ({
  contentType: 'application/json',
  raw: JSON.stringify(value) ?? 'null',
  label,
});

const deep = (n: number, open: string, close: string) => open.repeat(n) + close.repeat(n);

/** Raw bodies that are not what a JSON endpoint takes. */
const rawJunk: fc.Arbitrary<Body> = fc.oneof(
  fc
    .constantFrom(
      '{',
      '{"a":}',
      "{'a':1}",
      '[1,2,',
      'nul',
      '{"a":1}garbage',
      '\u0000',
      '{"a":"\\ud800"}',
      '{"a":"\\u0000"}',
      '{"a":1e999}',
      '{"__proto__":{"polluted":true}}',
      '"just a string"',
      '12345',
      'true',
      'null',
      '[]',
      '',
    )
    .map((raw) => ({ contentType: 'application/json', raw, label: `raw JSON-ish ${JSON.stringify(raw)}` })),
  fc.string({ unit: 'binary', maxLength: 200 }).map((raw) => ({
    contentType: 'application/json',
    raw,
    label: 'random text as JSON',
  })),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => ({
    contentType: 'application/json',
    raw: Buffer.from(bytes),
    label: 'random bytes as JSON',
  })),
  fc.constantFrom(50_000, 200_000).map((n) => ({
    contentType: 'application/json',
    raw: deep(n, '[', ']'),
    label: `array nested ${n} deep`,
  })),
  fc.constantFrom(10_000, 100_000).map((n) => ({
    contentType: 'application/json',
    raw: deep(n, '{"a":', '}'),
    label: `object nested ${n} deep`,
  })),
  fc.constant<Body>({
    contentType: 'application/json',
    raw: JSON.stringify({ reason: 'x'.repeat(1_100_000) }),
    label: 'body over the 1 MB limit',
  }),
  fc
    .constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/json; charset=nonsense',
      'application/merge-patch+json',
      '*/*',
      'garbage',
    )
    .map((contentType) => ({ contentType, raw: '{"reason":"x"}', label: `content type ${contentType}` })),
  fc.constantFrom('gzip', 'deflate', 'br', 'compress', 'nonsense').map((encoding) => ({
    contentType: 'application/json',
    headers: { 'Content-Encoding': encoding },
    raw: '{"reason":"not compressed"}',
    label: `content encoding ${encoding}`,
  })),
);

function bodyArbitrary(schema: Schema | undefined): fc.Arbitrary<Body | undefined> {
  return fc.oneof(
    { weight: 3, arbitrary: valueFor(schema).map((v) => json(v, 'schema-shaped')) },
    { weight: 5, arbitrary: mutated(schema).map((v) => json(v, 'mutated')) },
    { weight: 1, arbitrary: valueFor(schema).map((v) => json([v], 'array for object')) },
    { weight: 3, arbitrary: rawJunk },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** Text for a query or path parameter: the schema's shape, a mutation, or junk. */
function parameterText(schema: Schema | undefined): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: valueFor(schema).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))) },
    { weight: 1, arbitrary: fc.constantFrom(...BOUNDARY_NUMBERS).map(String) },
    { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  );
}

/** Lone surrogates replaced (encodeURIComponent refuses them; they are sent raw elsewhere). */
const wellFormed = (t: string) =>
  t.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/** Percent-encoded, or raw junk that is not valid percent-encoding. */
const encoded = (text: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 8, arbitrary: text.map((t) => encodeURIComponent(wellFormed(t))) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%00', '%FF%FE', '..'),
    },
  );

function queryArbitrary(parameters: Parameter[]): fc.Arbitrary<string> {
  const parts = parameters.map((p) =>
    fc.oneof(
      {
        weight: p.required ? 6 : 3,
        arbitrary: encoded(parameterText(p.schema)).map((v) => [`${p.name}=${v}`]),
      },
      { weight: 1, arbitrary: fc.constant<string[]>([]) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(encoded(parameterText(p.schema)), encoded(parameterText(p.schema)))
          .map(([a, b]) => [`${p.name}=${a}`, `${p.name}=${b}`]),
      },
      { weight: 1, arbitrary: fc.constant([`${p.name}[a]=1`, `${p.name}`]) },
    ),
  );
  const extra = fc.oneof(
    { weight: 6, arbitrary: fc.constant<string[]>([]) },
    { weight: 1, arbitrary: fc.constant(['unknownParameter=1']) },
    { weight: 1, arbitrary: fc.constant(['&&==&', '%']) },
  );
  return fc.tuple(fc.tuple(...parts), extra).map(([ps, ex]) => [...ps.flat(), ...ex].join('&'));
}

/** Header values node's client can send (visible Latin-1 and spaces). */
const headerText = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0xff })
    .filter((c) => c !== 0x7f)
    .map((c) => String.fromCharCode(c)),
  maxLength: 300,
});

interface FuzzRequest {
  path: string;
  query: string;
  auth: 'valid' | string | undefined;
  role: Role;
  idempotencyKey: string | undefined;
  body: Body | undefined;
}

function requestArbitrary(op: Operation): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const pathArb = fc
    .tuple(...pathParams.map((p) => encoded(parameterText(p.schema))))
    .map((values) => pathParams.reduce((acc, p, i) => acc.replace(`{${p.name}}`, values[i] || 'x'), op.path));
  const roles = op.roles ?? (['caseworker', 'provider', 'supervisor', 'admin'] as Role[]);
  const auth = fc.oneof(
    { weight: 12, arbitrary: fc.constant<'valid'>('valid') },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom(
          '',
          'Bearer',
          'Bearer ',
          'Bearer a.b.c',
          'Basic dXNlcjpwYXNz',
          'bearer  x y',
          'Token abc',
        ),
        headerText.map((t) => `Bearer ${t}`),
        headerText,
      ),
    },
  );
  const key = fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.uuid().map((u) => `fuzz-${u}`) },
    {
      weight: 2,
      arbitrary: fc.oneof(fc.constantFrom('', ' ', 'short', 'x'.repeat(201), 'a b c d e f g h'), headerText),
    },
  );
  return fc.record({
    path: pathArb,
    query: queryArbitrary(op.parameters.filter((p) => p.in === 'query')),
    auth,
    role: fc.constantFrom(...roles),
    idempotencyKey: key,
    body: ['POST', 'PUT', 'PATCH'].includes(op.method) ? bodyArbitrary(op.body) : fc.constant(undefined),
  });
}

// ------------------------------------------------------------------ the checks

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

function send(
  base: AddressInfo,
  agent: http.Agent,
  method: string,
  target: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<Answer> {
  return new Promise((resolveAnswer, reject) => {
    const req = http.request(
      { host: base.address, port: base.port, method, path: target, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolveAnswer({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const CJK = /[\u3400-\u9fff]/;

describe('API fuzz: every operation of the OpenAPI document, bad input never answers 5xx', () => {
  let api: TestApi;
  let base: AddressInfo;
  let server: http.Server;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  let tables: string[] = [];
  let sent = 0;
  const statuses = new Map<string, number>();

  /** Row count and checksum of every table but the audit trail's. */
  async function snapshot(): Promise<string> {
    const sql = tables
      .map(
        (t) =>
          `SELECT '${t}' AS t, count(*)::int AS n, coalesce(md5(string_agg(md5(x::text), '' ORDER BY md5(x::text))), '') AS h FROM "${t}" x`,
      )
      .join(' UNION ALL ');
    const rows: { t: string; n: number; h: string }[] = await api.dataSource.query(sql);
    return rows
      .map((r) => `${r.t}:${r.n}:${r.h}`)
      .sort()
      .join('\n');
  }

  beforeAll(async () => {
    api = await startTestApi();
    server = api.app.getHttpServer() as http.Server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = server.address() as AddressInfo;
    const rows: { name: string }[] = await api.dataSource.query(
      // The audit trail (audit_event and its hash chain) records refused requests too.
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'audit%' ORDER BY 1`,
    );
    tables = rows.map((r) => r.name);
  });
  afterAll(async () => {
    agent.destroy();
    const fiveHundreds = [...statuses].filter(([k]) => k.startsWith('5')).reduce((n, [, c]) => n + c, 0);
    const byStatus = Object.fromEntries([...statuses].sort());
    console.log(`fuzzed requests ${sent}, 5xx ${fiveHundreds}; by status ${JSON.stringify(byStatus)}`);
    await api?.close();
  });

  it('serves the document the fuzz reads (docs/openapi.json)', async () => {
    const live = await send(base, agent, 'GET', '/docs-json', {});
    const served = JSON.parse(live.text);
    const ops = (d: any) =>
      Object.entries(d.paths as Record<string, object>)
        .flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`))
        .sort();
    expect(ops(served)).toEqual(ops(doc));
    expect(OPERATIONS.length).toBeGreaterThan(80);
  });

  it.each(OPERATIONS.map((op) => [`${op.method} ${op.path}`, op] as const))('%s', async (name, op) => {
    const seed = SEED + [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 0);
    let before = await snapshot();
    await fc
      .assert(
        fc.asyncProperty(requestArbitrary(op), async (r) => {
          const headers: Record<string, string> = {};
          if (r.auth === 'valid') {
            headers.Authorization = api.auth([r.role], {
              sub: `fuzz.${r.role}`,
              department: DEPARTMENT,
              jurisdiction: JURISDICTION,
            }).Authorization;
          } else if (r.auth !== undefined) headers.Authorization = r.auth;
          if (r.idempotencyKey !== undefined) headers['Idempotency-Key'] = r.idempotencyKey;
          if (r.body?.contentType) headers['Content-Type'] = r.body.contentType;
          Object.assign(headers, r.body?.headers);
          const target = r.query ? `${r.path}?${r.query}` : r.path;
          const answer = await send(base, agent, op.method, target, headers, r.body?.raw);
          sent += 1;
          const what = `${op.method} ${target.slice(0, 300)} [${r.body?.label ?? 'no body'}; key ${JSON.stringify(r.idempotencyKey)}] → ${answer.status} ${answer.text.slice(0, 300)}`;
          // Health answers 503 while Temporal is down (the fuzz runs without it): its own body.
          const healthDown =
            op.path === '/health' && answer.status === 503 && JSON.parse(answer.text).status === 'down';
          const counted = healthDown ? 'health 503' : String(answer.status);
          statuses.set(counted, (statuses.get(counted) ?? 0) + 1);
          if (answer.status >= 500 && !healthDown) throw new Error(`5xx: ${what}`);
          if (answer.status >= 400 && !healthDown) {
            let error: { code?: unknown; message?: unknown };
            try {
              error = JSON.parse(answer.text);
            } catch {
              throw new Error(`error body is not JSON: ${what}`);
            }
            if (typeof error.code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(error.code)) {
              throw new Error(`error without a stable code: ${what}`);
            }
            if (typeof error.message !== 'string' || !CJK.test(error.message)) {
              throw new Error(`error message not in Chinese: ${what}`);
            }
            if (!answer.contentType.startsWith('application/json'))
              throw new Error(`error not JSON: ${what}`);
            // A refusal is the answer an Idempotency-Key keeps for its repeats (cases/action-idempotency.ts).
            const kept = (s: string) =>
              r.idempotencyKey === undefined
                ? s
                : s
                    .split('\n')
                    .filter((l) => !l.startsWith('idempotent_action:'))
                    .join('\n');
            const after = await snapshot();
            if (kept(after) !== kept(before)) {
              const was = new Set(before.split('\n'));
              const changed = after
                .split('\n')
                .filter((line) => !was.has(line))
                .map((line) => line.split(':')[0]);
              throw new Error(`refused request changed the database (${changed.join(', ')}): ${what}`);
            }
            before = after;
          } else {
            before = await snapshot();
          }
        }),
        { numRuns: RUNS, seed, endOnFailure: true, includeErrorInReport: true },
      )
      .catch((err: Error) => {
        throw new Error(`${name}: FUZZ_SEED=${SEED} (seed of this operation ${seed})\n${err.message}`);
      });
  });
});
