import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import request from 'supertest';
import { createActivities } from '../../activities';
import { AuditTrail } from '../../apps/api/audit/audit-trail';
import { ensureSearchAttributes } from '../../apps/worker/search-attributes';
import { AuditEvent, Notification } from '../../infra/database/entities';
import { DevServerHandle, start } from '../../infra/temporal-dev-server';
import { residentIdCheckCharacter } from '../../workflows/registry/identifiers';
import { actors, eventually, ObjectionStack } from '../api/objections-support';
import { startTestApi } from '../support/api';

/**
 * Personal data stays out of the logs: the API (at LOG_LEVEL info, pino writing to the captured
 * stdout), the worker with the real activities (the notification log adapter) and the dev server
 * run objections whose applicants give a mobile number and a postal address, and a natural person
 * registered with an ID number is looked up; everything written to stdout, stderr and the console
 * is captured and searched.
 */
describe('personal data in log lines', () => {
  const PHONE = '13912345678';
  const ID_FIRST17 = '41042219850312123';
  const ID_NUMBER = ID_FIRST17 + residentIdCheckCharacter(ID_FIRST17);
  const ADDRESS = '河南省平顶山市叶县昆阳街道建设路12号3单元402室';

  const captured: string[] = [];
  const spies: jest.SpyInstance[] = [];
  let stack: ObjectionStack;
  let server: DevServerHandle;

  beforeAll(async () => {
    const keep = (chunk: unknown) => {
      captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return true;
    };
    // Before the API exists: pino then writes through process.stdout instead of its own fd stream.
    spies.push(jest.spyOn(process.stdout, 'write').mockImplementation(keep));
    spies.push(jest.spyOn(process.stderr, 'write').mockImplementation(keep));
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      spies.push(jest.spyOn(console, level).mockImplementation((...args: unknown[]) => keep(args.join(' '))));
    }

    server = await start({ port: 0 });
    const connection = await Connection.connect({ address: server.address });
    const taskQueue = `log-masking-${randomUUID()}`;
    const api = await startTestApi({
      temporal: new Client({ connection }),
      temporalAddress: server.address,
      env: { TEMPORAL_TASK_QUEUE: taskQueue, LOG_LEVEL: 'info' },
    });
    const native = await NativeConnection.connect({ address: server.address });
    await ensureSearchAttributes(native, 'default');
    const worker = await Worker.create({
      connection: native,
      taskQueue,
      workflowsPath: require.resolve('../../workflows'),
      activities: createActivities({ dataSource: api.dataSource }),
    });
    const running = worker.run();
    stack = {
      api,
      http: () => request(api.app.getHttpServer()),
      close: async () => {
        worker.shutdown();
        await running;
        await native.close();
        await api.close();
        await connection.close();
        await server.stop();
      },
    };
  });

  afterAll(async () => {
    await stack?.close();
    for (const spy of spies) spy.mockRestore();
  });

  it('masks phone numbers, ID numbers and addresses everywhere and audits the case-file read', async () => {
    const a = actors(stack);
    const http = stack.http;

    // A natural person with an ID number, registered and looked up (the ID is in the URL).
    await http()
      .post('/api/subjects')
      .set(a.caseworker())
      .send({ kind: 'natural-person', code: ID_NUMBER, name: '李四', jurisdiction: 'yexian-mz' })
      .expect(201);
    await http().get(`/api/subjects/${ID_NUMBER}`).set(a.supervisor()).expect(200);
    await http().get(`/api/subjects?name=${PHONE}`).set(a.supervisor()).expect(200);

    // Two objections: the reply goes by SMS to a mobile number, and by letter to an address.
    const bySms = await a.record();
    const byLetter = await a.record();
    const created: string[] = [];
    for (const [rec, contact] of [
      [bySms, PHONE],
      [byLetter, ADDRESS],
    ] as const) {
      const res = await http()
        .post('/api/objections')
        .set(a.caseworker())
        .set('Idempotency-Key', `key-${randomUUID()}`)
        .send(a.objectionBody(rec, { applicant: { name: '张三', contact, subjectCode: rec.subjectCode } }))
        .expect(201);
      created.push(res.body.case.id as string);
    }
    const notifications = stack.api.dataSource.getRepository(Notification);
    const sent = await eventually(
      () => notifications.find({ where: [{ recipient: PHONE }, { recipient: ADDRESS }] }),
      (rows) => rows.length === 2 && rows.every((n) => n.status === 'sent'),
    );
    expect(sent.map((n) => n.channel).sort()).toEqual(['letter', 'sms']);

    // The case file read, with a stated matter and the caller's request id.
    const requestId = `gw-${randomUUID()}`;
    const read = await http()
      .get(`/api/objections/${created[0]}`)
      .set(a.supervisor())
      .set('X-Request-Id', requestId)
      .set('X-Audit-Matter', encodeURIComponent('异议复核'))
      .expect(200);
    expect(read.headers['x-request-id']).toBe(requestId);
    const generated = await http()
      .get('/api/me')
      .set(a.supervisor())
      .set('X-Request-Id', 'bad id!')
      .expect(200);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    await stack.api.app.get(AuditTrail).flushed();
    const row = await stack.api.dataSource.getRepository(AuditEvent).findOneByOrFail({ requestId });
    expect(row).toMatchObject({
      actorSub: 'sup@yexian-mz',
      actorRoles: ['supervisor'],
      jurisdiction: 'yexian-mz',
      method: 'GET',
      path: `/api/objections/${created[0]}`,
      statusCode: 200,
      requestId,
      matter: '异议复核',
      subject: `objection:${created[0]}`,
    });
    const lookup = await stack.api.dataSource
      .getRepository(AuditEvent)
      .findOneByOrFail({ path: `/api/subjects/${ID_NUMBER}` });
    expect(lookup).toMatchObject({
      subject: `subject:${ID_NUMBER}`,
      matter: null,
      requestId: expect.any(String),
    });

    const logs = captured.join('');
    expect(logs).toMatch(/"msg":"POST \/api\/objections 201 \d+ms"/); // the API's request log was captured
    expect(logs).toContain(requestId); // and carries the request id
    expect(logs).toContain('[通知]'); // the notification log adapter wrote its lines
    for (const secret of [PHONE, ID_NUMBER, '建设路12号', '402室']) expect(logs).not.toContain(secret);
    expect(logs).toContain('139****5678');
    expect(logs).toContain(`410***********${ID_NUMBER.slice(-4)}`);
    expect(logs).toContain('河南省平顶山市叶县***');
  });
});
