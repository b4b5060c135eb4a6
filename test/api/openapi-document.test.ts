import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import request from 'supertest';
import { openApiJson } from '../../apps/api/common/openapi';
import { usccCheckCharacter } from '../../workflows/registry/identifiers';
import { startTestApi, TestApi } from '../support/api';

/* eslint-disable @typescript-eslint/no-explicit-any -- the OpenAPI document is plain JSON here */

const FILE = path.resolve(__dirname, '../../docs/openapi.json');
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/**
 * The OpenAPI document is complete and true: docs/openapi.json is the one the API serves
 * (`npm run openapi` rewrites it), public operations need no token, each header is one parameter,
 * every body and query has its schema, every error response has the error body, and the examples
 * are values the server's own checks accept.
 */
describe('the OpenAPI document', () => {
  let api: TestApi;
  let doc: any;
  const operations = () =>
    Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([p, item]) =>
      METHODS.filter((m) => item[m]).map((m) => ({ name: `${m.toUpperCase()} ${p}`, op: item[m] })),
    );

  beforeAll(async () => {
    api = await startTestApi();
    doc = (await request(api.app.getHttpServer()).get('/docs-json').expect(200)).body;
  });
  afterAll(() => api.close());

  it('is the one in docs/openapi.json (run `npm run openapi` after changing the API)', () => {
    expect(readFileSync(FILE, 'utf8')).toBe(openApiJson(doc));
  });

  it('marks the operations without a token as such, and names the roles of the others', () => {
    const open = operations()
      .filter(({ op }) => Array.isArray(op.security) && op.security.length === 0)
      .map(({ name }) => name);
    expect(open).toEqual(
      expect.arrayContaining([
        'GET /health',
        'GET /api/objections/lookup',
        'GET /api/commitments/lookup',
        'GET /api/rectifications/lookup',
        'GET /api/repairs/lookup',
        'POST /api/repairs/applications',
        'GET /api/public/commitments',
        'GET /api/public/subjects/{code}/records',
      ]),
    );
    for (const { name, op } of operations()) {
      if (open.includes(name)) continue;
      expect([name, op.security]).toEqual([name, [{ bearer: [] }]]);
      expect([name, op.responses['401']?.description]).toEqual([
        name,
        expect.stringContaining('AUTH_REQUIRED'),
      ]);
    }
    expect(doc.paths['/api/objections/{id}/verification'].post['x-roles']).toEqual(['provider']);
    expect(doc.paths['/api/audit'].get['x-roles']).toEqual(['supervisor', 'admin']);
  });

  it('lists each header once (Idempotency-Key), with the required-ness the server applies', () => {
    for (const { name, op } of operations()) {
      const headers = ((op.parameters ?? []) as any[]).filter((p) => p.in === 'header');
      const names = headers.map((h) => String(h.name).toLowerCase());
      expect([name, names]).toEqual([name, [...new Set(names)]]);
      for (const h of headers) expect([name, h.name]).toEqual([name, 'Idempotency-Key']);
    }
    const key = (p: string) =>
      (doc.paths[p].post.parameters as any[]).find((x) => x.in === 'header' && x.name === 'Idempotency-Key');
    expect(key('/api/objections').required).toBe(true);
    expect(key('/api/objections/{id}/materials-request').required).toBe(false);
    expect(key('/api/commitments/{id}/withdraw').required).toBe(false);
  });

  it('has a schema for every body and lists the query parameters of the listings', () => {
    for (const { name, op } of operations()) {
      if (!op.requestBody) continue;
      const schema = op.requestBody.content?.['application/json']?.schema;
      expect([name, typeof schema?.$ref]).toEqual([name, 'string']);
      const target = doc.components.schemas[String(schema.$ref).replace('#/components/schemas/', '')];
      expect([name, target?.type]).toEqual([name, 'object']);
    }
    expect(
      doc.paths['/api/objections/{id}/reply'].post.requestBody.content['application/json'].schema.$ref,
    ).toBe('#/components/schemas/IssueReplyDto');
    const query = (p: string) =>
      ((doc.paths[p].get.parameters ?? []) as any[]).filter((x) => x.in === 'query').map((x) => x.name);
    expect(query('/api/objections')).toEqual(
      expect.arrayContaining(['status', 'department', 'step', 'overdue', 'dueBefore', 'page', 'pageSize']),
    );
    expect(query('/api/audit')).toEqual(expect.arrayContaining(['actor', 'since', 'limit', 'before']));
  });

  it('documents every error response with the error body and its codes', () => {
    expect(doc.components.schemas.ApiError.required).toEqual(['code', 'message']);
    for (const { name, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses as Record<string, any>)) {
        if (Number(status) < 400 || name === 'GET /health') continue;
        expect([name, status, response.content['application/json'].schema.$ref]).toEqual([
          name,
          status,
          '#/components/schemas/ApiError',
        ]);
        expect([name, status, response.description]).toEqual([
          name,
          status,
          expect.stringMatching(/[A-Z_]{4,}/),
        ]);
      }
      if (op.requestBody) {
        expect([name, op.responses['400']?.description]).toEqual([
          name,
          expect.stringContaining('VALIDATION_FAILED'),
        ]);
        expect([name, op.responses['413']?.description]).toEqual([
          name,
          expect.stringContaining('PAYLOAD_TOO_LARGE'),
        ]);
      }
    }
  });

  it('gives examples of unified social credit codes with a correct check character', () => {
    const codes = new Set<string>();
    JSON.stringify(doc, (key, value) => {
      // A letter among the first 17 characters: a credit code (an identity card number has none).
      const uscc = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;
      if (typeof value === 'string' && uscc.test(value) && /[A-Z]/.test(value.slice(0, 17))) {
        codes.add(value);
      }
      return value;
    });
    expect(codes.size).toBeGreaterThan(0);
    for (const code of codes) expect(code).toBe(code.slice(0, 17) + usccCheckCharacter(code.slice(0, 17)));
  });
  /** A caller the operation admits (its first role), of 叶县 (yexian-mz). */
  const callerOf = (op: any): Record<string, string> => {
    const role = (op['x-roles'] ?? [])[0];
    if (role === undefined || op.security?.length === 0) return {};
    const claims: Record<string, { department?: string; jurisdiction?: string }> = {
      caseworker: { department: 'mzj', jurisdiction: 'yexian-mz' },
      provider: { department: 'mzj-shzzglg', jurisdiction: 'yexian-mz' },
      supervisor: { jurisdiction: 'yexian-mz' },
      admin: {},
    };
    return api.auth([role], claims[role]);
  };
  const concretePath = (template: string) =>
    template
      .replace('{jurisdiction}', 'yexian-mz')
      .replace('{year}', '2027') // the calendar example's year
      .replace('{no}', '1')
      .replace('{caseNo}', 'YEXIAN-YY-2026-000001')
      .replace('{code}', '52410422MJ0000011U')
      .replace(/\{[a-zA-Z]+\}/g, '3f1c7a52-8d4e-4b7a-9c1e-2a6b5d4e3f21');

  it('gives request-body examples the validation layer accepts (sent as printed, never a 400 VALIDATION_FAILED)', async () => {
    let sent = 0;
    const refused: string[] = [];
    for (const { name, op } of operations()) {
      const examples = op.requestBody?.content?.['application/json']?.examples ?? {};
      for (const [label, example] of Object.entries<any>(examples)) {
        const [method, template] = name.split(' ');
        const req = request(api.app.getHttpServer())
          [method.toLowerCase() as 'post' | 'put'](concretePath(template))
          .set(callerOf(op))
          .set('Idempotency-Key', `example-${sent}-${Date.now()}`);
        const res = await req.send(example.value);
        sent++;
        // What the example names (a case, a record) does not exist here: 404/409/422 are the
        // service refusing the case, 503 the workflow service being absent; the shape must pass.
        if (res.status === 400 || (res.status >= 500 && res.status !== 503)) {
          refused.push(`${name} (${label}): ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
        }
      }
    }
    expect(refused).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(30);
  });
});
