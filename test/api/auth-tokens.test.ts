import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import request from 'supertest';
import { startTestApi, TestApi } from '../support/api';

/**
 * Bearer-token validation: every way a token can be wrong answers 401 AUTH_INVALID_TOKEN and
 * reaches no endpoint. Tokens are built by hand (node:crypto), so the service's own signer cannot
 * hide a mistake in the verifier.
 */
describe('bearer tokens that are refused', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api?.close());

  const b64 = (value: object | Buffer) =>
    (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');
  const now = () => Math.floor(Date.now() / 1000);

  /** Claims a valid caseworker token of 宁晋县市场监督管理局 carries, to be spoiled one at a time. */
  const validClaims = (): Record<string, unknown> => ({
    sub: 'wang.wu',
    roles: ['caseworker'],
    department: 'scjgj',
    jurisdiction: 'ningjin',
    iss: api.signing.issuer,
    aud: api.signing.audience,
    iat: now(),
    exp: now() + 600,
  });

  const es256 = (claims: Record<string, unknown>, privateKey = api.signing.privateKey!) => {
    const input = `${b64({ alg: 'ES256', typ: 'JWT' })}.${b64(claims)}`;
    return `${input}.${b64(sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }))}`;
  };
  const without = (claim: string) => {
    const claims = validClaims();
    delete claims[claim];
    return claims;
  };

  const me = (token: string) =>
    request(api.app.getHttpServer()).get('/api/me').set('Authorization', `Bearer ${token}`);

  it('accepts the hand-built token the cases below spoil, resolving the department code to its name', async () => {
    const res = await me(es256(validClaims())).expect(200);
    expect(res.body).toMatchObject({
      sub: 'wang.wu',
      departmentCode: 'scjgj',
      department: '宁晋县市场监督管理局',
      jurisdiction: 'ningjin',
    });
  });

  const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;

  const cases: [string, () => string, RegExp | undefined][] = [
    [
      'HS256 signed with the public key as the secret (algorithm confusion)',
      () => {
        const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(validClaims())}`;
        return `${input}.${b64(createHmac('sha256', api.signing.publicKey).update(input).digest())}`;
      },
      undefined,
    ],
    [
      'alg none without a signature',
      () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(validClaims())}.`,
      undefined,
    ],
    ['ES256 signed with another key', () => es256(validClaims(), otherKey), undefined],
    ['expired', () => es256({ ...validClaims(), iat: now() - 7200, exp: now() - 3600 }), undefined],
    ['not yet valid (nbf in the future)', () => es256({ ...validClaims(), nbf: now() + 3600 }), undefined],
    ['from another issuer', () => es256({ ...validClaims(), iss: 'https://elsewhere.example' }), undefined],
    ['for another audience', () => es256({ ...validClaims(), aud: 'another-service' }), undefined],
    ['without a subject', () => es256(without('sub')), /用户标识/],
    ['without roles', () => es256(without('roles')), /角色/],
    ['with an unknown role', () => es256({ ...validClaims(), roles: ['caseworker', 'root'] }), /角色/],
    [
      'with a department code unknown in its jurisdiction',
      () => es256({ ...validClaims(), department: 'no-such-dept' }),
      /部门代码“no-such-dept”在辖区“宁晋县”（ningjin）中不存在/,
    ],
    [
      'with a department free name instead of a code',
      () => es256({ ...validClaims(), department: '宁晋县市场监督管理局' }),
      /中不存在/,
    ],
    [
      'with another jurisdiction’s department code (shanghai naming a 宁晋 code)',
      () => es256({ ...validClaims(), jurisdiction: 'shanghai', department: 'xyb' }),
      /部门代码“xyb”在辖区“上海市”（shanghai）中不存在/,
    ],
    [
      'with a department but no jurisdiction',
      () => es256(without('jurisdiction')),
      /部门代码“scjgj”，但未注明所属辖区/,
    ],
    [
      'with a jurisdiction not in the directory',
      () => es256({ ...validClaims(), jurisdiction: 'atlantis' }),
      /辖区代码“atlantis”/,
    ],
    [
      'of a supervisor without a jurisdiction (and not an administrator)',
      () => {
        const claims = without('jurisdiction');
        delete claims.department;
        return es256({ ...claims, roles: ['supervisor'] });
      },
      /负责人的访问令牌须注明所属辖区/,
    ],
  ];

  it.each(cases)('refuses a token %s with 401 AUTH_INVALID_TOKEN', async (_name, token, message) => {
    const res = await me(token()).expect(401);
    expect(res.body.code).toBe('AUTH_INVALID_TOKEN');
    if (message) expect(res.body.message).toMatch(message);
    expect(JSON.stringify(res.body)).not.toContain('wang.wu');
  });

  it('accepts an administrator supervising every jurisdiction without a jurisdiction claim', async () => {
    const claims = without('jurisdiction');
    delete claims.department;
    await me(es256({ ...claims, roles: ['supervisor', 'admin'] })).expect(200);
  });
});
