import request from 'supertest';
import { usccCheckCharacter } from '../../workflows/registry/identifiers';
import { startTestApi, TestApi } from '../support/api';

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
const CJK = /[\u3400-\u9fff]/;
const PER_SUBJECT = 15;

describe('public endpoints: security headers, rate limits, body limit', () => {
  let api: TestApi;
  beforeAll(async () => {
    // X-Forwarded-For believed from loopback (the test's own proxy), so each test names its clients;
    // the per-subject limit lowered so that crossing it takes fewer requests than the default 20.
    api = await startTestApi({
      env: { TRUST_PROXY: 'loopback', THROTTLE_LOOKUP_PER_SUBJECT_PER_HOUR: String(PER_SUBJECT) },
    });
  });
  afterAll(() => api.close());
  const http = () => request(api.app.getHttpServer());
  const lookup = (client: string, subjectCode: string, queryCode = 'NO-SUCH-CODE') =>
    http().get('/api/objections/lookup').set('X-Forwarded-For', client).query({ queryCode, subjectCode });

  it('sends helmet’s security headers and no X-Powered-By', async () => {
    const res = await http().get('/api/jurisdictions').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('serves the Swagger UI at /docs with scripts the policy allows (files of its own, no inline code)', async () => {
    const page = await http().get('/docs/').expect(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/style-src [^;]*'unsafe-inline'/);
    const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, inline] of scripts) {
      expect(attributes).toMatch(/src="[^"]+"/);
      expect(inline.trim()).toBe('');
    }
    for (const [, attributes] of scripts) {
      const src = /src="\.?\/?([^"]+)"/.exec(attributes)![1];
      await http().get(`/docs/${src}`).expect(200);
    }
  });

  it('refuses the 11th look-up of a minute from one client with 429, a Chinese message and Retry-After', async () => {
    const subject = uscc('91410422MA0000101');
    for (let i = 0; i < 10; i++) await lookup('203.0.113.1', subject).expect(404);
    const refused = await lookup('203.0.113.1', subject).expect(429);
    expect(refused.body.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.body.message).toMatch(CJK);
    expect(refused.body.message).toContain('请求过于频繁');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // Another client, another subject: its own counters.
    await lookup('203.0.113.2', uscc('91410422MA0000102')).expect(404);
    // Staff with a valid token are not limited, on the same route from the same address.
    await lookup('203.0.113.1', subject)
      .set(api.auth(['caseworker'], { department: '叶县民政局' }))
      .expect(404);
  });

  it('refuses look-ups of one subject beyond its hourly limit, whatever the clients', async () => {
    const subject = uscc('91410422MA0000103');
    for (let i = 1; i <= PER_SUBJECT; i++) await lookup(`198.51.100.${i}`, subject, `CODE-${i}`).expect(404);
    const refused = await lookup('198.51.100.200', subject).expect(429);
    expect(refused.body).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(refused.body.message).toContain('该主体的查询次数已达上限');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(60);
    // The subject written otherwise (lower case, separators) is the same subject.
    await lookup('198.51.100.201', subject.toLowerCase()).expect(429);
    // That fresh client may still look up another subject.
    await lookup('198.51.100.200', uscc('91410422MA0000104')).expect(404);
  });

  it('limits look-ups sent in a body (补正 by query code) by the subject code of the body', async () => {
    const subject = uscc('91410422MA0000105');
    const supply = (client: string) =>
      http()
        .post('/api/repairs/lookup/materials')
        .set('X-Forwarded-For', client)
        .send({
          queryCode: 'NO-SUCH-CODE',
          subjectCode: subject,
          materials: [{ kind: 'training-certificate', attachment: { ref: 'UP-1', name: '培训证明' } }],
        });
    for (let i = 1; i <= PER_SUBJECT; i++) {
      const res = await supply(`192.0.2.${i}`);
      expect(res.status).not.toBe(429);
    }
    const refused = await supply('192.0.2.200').expect(429);
    expect(refused.body.code).toBe('TOO_MANY_REQUESTS');
  });

  it('does not limit authenticated endpoints', async () => {
    const token = api.auth(['supervisor'], { jurisdiction: 'yexian-mz' });
    for (let i = 0; i < 30; i++)
      await http().get('/api/me').set('X-Forwarded-For', '203.0.113.9').set(token).expect(200);
  });

  it('answers a body over 1 MB with 413 and the error shape', async () => {
    const res = await http()
      .post('/api/repairs/lookup/materials')
      .set('X-Forwarded-For', '203.0.113.50')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ queryCode: 'x', subjectCode: 'y', note: 'x'.repeat(1_100_000) }))
      .expect(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.body.message).toMatch(CJK);
  });
});
