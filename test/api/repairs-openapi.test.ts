import request from 'supertest';
import { startTestApi, TestApi } from '../support/api';

describe('repairs API in the OpenAPI document', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('documents the applications, the pre-check, the look-up and the actions from the zod schemas', async () => {
    const doc = (await request(api.app.getHttpServer()).get('/docs-json').expect(200)).body;
    const params = (path: string, method: string) =>
      ((doc.paths[path][method].parameters ?? []) as { name: string; in: string; required: boolean }[]).map(
        (p) => `${p.in}:${p.name}${p.required ? '' : '?'}`,
      );
    const bodyOf = (path: string) => {
      const ref: string = doc.paths[path].post.requestBody.content['application/json'].schema.$ref;
      return doc.components.schemas[ref.replace('#/components/schemas/', '')];
    };

    const online = bodyOf('/api/repairs/applications');
    expect(Object.keys(online.properties)).toEqual([
      'jurisdiction',
      'recordId',
      'subjectCode',
      'applicant',
      'materials',
      'channel',
    ]);
    expect(online.required).toEqual(['jurisdiction', 'recordId', 'subjectCode', 'applicant']);
    expect(online.properties.channel.enum).toEqual(['website', 'app']);
    expect(online.properties.materials.items.properties.kind.enum).toContain('training-certificate');
    expect(doc.paths['/api/repairs/applications'].post.security).toEqual([]); // no token
    expect(params('/api/repairs/applications', 'post')).toEqual(['header:Idempotency-Key']);

    const office = bodyOf('/api/repairs');
    expect(office.properties.channel.enum).toEqual(['window', 'mail', 'department']);
    expect(office.properties.jurisdiction).toBeUndefined();
    expect(params('/api/repairs/eligibility', 'get')).toEqual([
      'query:jurisdiction',
      'query:recordId',
      'query:subjectCode',
    ]);
    expect(params('/api/repairs/lookup', 'get')).toEqual(['query:queryCode', 'query:subjectCode']);
    expect(Object.keys(bodyOf('/api/repairs/lookup/materials').properties)).toEqual([
      'queryCode',
      'subjectCode',
      'materials',
    ]);
    for (const action of ['materials-request', 'materials', 'accept', 'withdraw', 'decision', 'revocation']) {
      expect(params(`/api/repairs/{id}/${action}`, 'post')).toEqual(['path:id', 'header:Idempotency-Key?']);
    }
    expect(bodyOf('/api/repairs/{id}/decision').required).toEqual(['approved', 'reasons']);
    expect(params('/api/repairs', 'get')).toEqual(
      expect.arrayContaining(['query:status?', 'query:tier?', 'query:department?', 'query:office?']),
    );
    expect(params('/api/repairs/counts', 'get')).toContain('query:by');
    expect(doc.paths['/api/repairs/decisions/pending'].get).toBeDefined();
  });
});
