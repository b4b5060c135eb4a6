import request from 'supertest';
import { AuditEvent } from '../../infra/database/entities';
import { startTestApi, TestApi } from '../support/api';

describe('API authentication, roles, errors and audit', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());
  const http = () => request(api.app.getHttpServer());

  it('answers 401 AUTH_REQUIRED with a Chinese message when no token is sent', async () => {
    const res = await http().get('/api/me').expect(401);
    expect(res.body).toEqual({ code: 'AUTH_REQUIRED', message: expect.stringContaining('令牌') });
  });

  it('answers 401 AUTH_INVALID_TOKEN for a forged or foreign-key token', async () => {
    const other = await startTestApi();
    try {
      const foreign = other.auth(['admin']);
      const res = await http().get('/api/me').set(foreign).expect(401);
      expect(res.body.code).toBe('AUTH_INVALID_TOKEN');
      await http().get('/api/me').set({ Authorization: 'Bearer not.a.jwt' }).expect(401);
    } finally {
      await other.close();
    }
  });

  it('rejects an expired token', async () => {
    const token = api.tokens.issue({ sub: 'old', roles: ['admin'], expiresIn: -10 });
    const res = await http()
      .get('/api/me')
      .set({ Authorization: `Bearer ${token}` })
      .expect(401);
    expect(res.body.code).toBe('AUTH_INVALID_TOKEN');
  });

  it('returns the caller with sub, roles, the department code resolved to its name, and jurisdiction', async () => {
    const res = await http()
      .get('/api/me')
      .set(api.auth(['caseworker'], { sub: 'li.si', department: 'mzj-xzspg', jurisdiction: 'yexian-mz' }))
      .expect(200);
    expect(res.body).toEqual({
      sub: 'li.si',
      roles: ['caseworker'],
      roleNames: ['经办人'],
      departmentCode: 'mzj-xzspg',
      department: '叶县民政局行政审批股',
      jurisdiction: 'yexian-mz',
    });
  });

  it('answers 403 AUTH_FORBIDDEN_ROLE when the role does not fit, naming the roles needed', async () => {
    const res = await http()
      .get('/api/audit')
      .set(api.auth(['caseworker']))
      .expect(403);
    expect(res.body.code).toBe('AUTH_FORBIDDEN_ROLE');
    expect(res.body.message).toContain('负责人');
    expect(res.body.details).toEqual({ requiredRoles: ['supervisor', 'admin'] });
  });

  it('answers 400 VALIDATION_FAILED with field-level messages for bad query parameters', async () => {
    const res = await http()
      .get('/api/audit?limit=abc&since=yesterday&extra=1')
      .set(api.auth(['supervisor'], { jurisdiction: 'yexian-mz' }))
      .expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const fields = res.body.details.fields.map((f: { field: string }) => f.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['extra', 'limit', 'since']));
  });

  it('answers unknown routes with 404 NOT_FOUND in the common error shape', async () => {
    const res = await http()
      .get('/api/no-such-thing')
      .set(api.auth(['admin']))
      .expect(404);
    expect(res.body).toEqual({ code: 'NOT_FOUND', message: expect.any(String) });
  });

  it('audits every authenticated request, refused ones included, and keeps the trail append-only', async () => {
    await http()
      .get('/api/me')
      .set(api.auth(['provider'], { sub: 'audited.user' }))
      .expect(200);
    await http()
      .get('/api/audit')
      .set(api.auth(['provider'], { sub: 'audited.user' }))
      .expect(403);
    await new Promise((r) => setTimeout(r, 100)); // audit writes are asynchronous to the response
    const res = await http()
      .get('/api/audit?actor=audited.user')
      .set(api.auth(['admin']))
      .expect(200);
    expect(res.body.items.map((e: AuditEvent) => [e.method, e.path, e.statusCode])).toEqual([
      ['GET', '/api/audit', 403],
      ['GET', '/api/me', 200],
    ]);
    await expect(api.dataSource.query('DELETE FROM audit_event')).rejects.toThrow(/append-only/);
    await expect(api.dataSource.query("UPDATE audit_event SET actor_sub = 'x'")).rejects.toThrow(
      /append-only/,
    );
  });

  it('serves the OpenAPI document without a token', async () => {
    const res = await http().get('/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/health', '/api/me', '/api/audit']));
    await http().get('/docs').expect(200);
  });

  it('reports 503 from /health, naming the component, when Temporal is unreachable', async () => {
    const res = await http().get('/health').expect(503);
    expect(res.body.status).toBe('down');
    expect(res.body.components.database).toEqual({ status: 'up' });
    expect(res.body.components.temporal.status).toBe('down');
  });
});
