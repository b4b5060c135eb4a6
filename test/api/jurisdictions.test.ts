import request from 'supertest';
import { DIRECTORY } from '../../workflows/reference/directory';
import { startTestApi, TestApi } from '../support/api';

/** GET /api/jurisdictions: the directory a newcomer needs for a token, without a token. */
describe('GET /api/jurisdictions', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('lists every jurisdiction of the directory with its policy in force and its departments’ codes', async () => {
    const res = await request(api.app.getHttpServer()).get('/api/jurisdictions').expect(200);
    expect(res.body.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const byCode = new Map<string, { name: string; policy: unknown; departments: { code: string }[] }>(
      res.body.items.map((j: { code: string }) => [j.code, j]),
    );
    expect([...byCode.keys()].sort()).toEqual(DIRECTORY.map((j) => j.code).sort());
    expect(byCode.get('yexian-mz')).toMatchObject({
      name: '叶县民政局',
      policy: { version: expect.any(Number), effectiveFrom: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) },
      departments: expect.arrayContaining([{ code: 'mzj-xzspg', name: '叶县民政局行政审批股' }]),
    });
    // A jurisdiction of the directory whose policy an administrator has yet to add.
    expect(byCode.get('lushan-mz')?.policy).toBeNull();
    // The README's token example names a code listed here.
    expect(byCode.get('ningjin')?.departments.map((d) => d.code)).toContain('xyb');
  });
});
