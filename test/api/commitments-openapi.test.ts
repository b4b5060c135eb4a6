import request from 'supertest';
import { startTestApi, TestApi } from '../support/api';

describe('commitments API in the OpenAPI document', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('documents the signing body, the actions’ parameters and the public 专栏 from the zod schemas', async () => {
    const doc = (await request(api.app.getHttpServer()).get('/docs-json').expect(200)).body;
    const params = (path: string, method: string) =>
      (doc.paths[path][method].parameters as { name: string; in: string; required: boolean }[]).map(
        (p) => `${p.in}:${p.name}${p.required ? '' : '?'}`,
      );
    const create = doc.paths['/api/commitments'].post;
    const ref: string = create.requestBody.content['application/json'].schema.$ref;
    const body = doc.components.schemas[ref.replace('#/components/schemas/', '')];
    expect(Object.keys(body.properties)).toEqual([
      'kind',
      'subjectCode',
      'signer',
      'matter',
      'items',
      'validity',
      'published',
    ]);
    expect(body.required).toEqual(['kind', 'subjectCode', 'signer', 'matter']);
    expect(body.properties.kind.enum).toEqual(['deferred-materials', 'notice-commitment', 'voluntary']);
    expect(body.properties.signer.required).toEqual(['name', 'capacity', 'contact']);
    expect(body.properties.items.items.properties.limit.properties.unit.enum).toEqual([
      'working-days',
      'calendar-days',
      'months',
    ]);
    expect(create.requestBody.content['application/json'].examples).toBeDefined();
    expect(params('/api/commitments', 'post')).toEqual(['header:Idempotency-Key']);

    expect(params('/api/commitments/{id}/items/{no}/supply', 'post')).toEqual([
      'path:id',
      'path:no',
      'header:Idempotency-Key?',
    ]);
    for (const action of ['verification', 'withdraw', 'breach-reports']) {
      expect(params(`/api/commitments/{id}/${action}`, 'post')).toEqual([
        'path:id',
        'header:Idempotency-Key?',
      ]);
    }
    expect(params('/api/commitments/{id}/breach-reports/{no}/decision', 'post')).toContain('path:no');
    expect(params('/api/commitments/counts', 'get')).toContain('query:by');
    expect(params('/api/commitments', 'get')).toEqual(
      expect.arrayContaining(['query:kind?', 'query:dueBefore?', 'query:overdue?', 'query:breached?']),
    );
    expect(params('/api/public/commitments', 'get')).toEqual(
      expect.arrayContaining(['query:jurisdiction', 'query:page?']),
    );
    expect(doc.paths['/api/public/commitments/{caseNo}'].get).toBeDefined();
    expect(doc.paths['/api/commitments/lookup'].get).toBeDefined();
  });
});
