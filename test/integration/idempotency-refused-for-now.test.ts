import { Body, Controller, HttpStatus, Module, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ActionIdempotencyInterceptor, IdempotentAction } from '../../apps/api/cases/action-idempotency';
import { ErrorFilter } from '../../apps/api/common/error.filter';
import { conflict, RefusedForNow } from '../../apps/api/common/errors';
import { openDatabase } from '../../infra/database/data-source';
import { createTestDatabase } from '../support/database';

/** An action that is refused for now until `ready`, and one refused for good. */
const action = { ready: false, carriedOut: 0 };

@Controller('actions')
class ActionsController {
  @Post('reply')
  @IdempotentAction()
  reply(@Body() body: { letter: string }) {
    if (!action.ready)
      throw new RefusedForNow(
        HttpStatus.CONFLICT,
        'OBJECTION_WRONG_STATUS',
        '核查结果正在处理中，请稍后再出具书面告知。',
      );
    action.carriedOut++;
    return { issued: body.letter, times: action.carriedOut };
  }

  @Post('withdraw')
  @IdempotentAction()
  withdraw() {
    if (!action.ready) throw conflict('OBJECTION_ENDED', '异议案件已结束办理（已办结），不能再办理。');
    return { withdrawn: true };
  }
}

/**
 * The Idempotency-Key layer and a refusal for now (the case is still carrying something out,
 * "请稍后再试"): the refusal answers with Retry-After and is not kept as the key's answer, so the
 * office's repeat with the same key is carried out once the case is ready — and answered the same
 * from then on. A refusal for good stays the key's answer.
 */
describe('Idempotency-Key and refusals for now', () => {
  let app: INestApplication;
  let dataSource: DataSource;
  let drop: () => Promise<void>;
  let base: string;

  beforeAll(async () => {
    const db = await createTestDatabase('idem_now');
    drop = db.drop;
    dataSource = await openDatabase(db.url);
    @Module({
      controllers: [ActionsController],
      providers: [ActionIdempotencyInterceptor, { provide: DataSource, useValue: dataSource }],
    })
    class ActionsModule {}
    app = await NestFactory.create(ActionsModule, { logger: false });
    app.useGlobalFilters(new ErrorFilter());
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(async () => {
    await app?.close();
    await dataSource?.destroy();
    await drop?.();
  });

  const post = async (path: string, key: string, body: unknown = {}) => {
    const res = await fetch(`${base.replace('[::1]', '127.0.0.1')}/actions/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      body: (await res.json()) as unknown,
    };
  };

  it('carries out the repeat of a refusal for now once the case is ready, once, and answers it the same after', async () => {
    action.ready = false;
    const first = await post('reply', 'reply-key-0001', { letter: 'L1' });
    expect(first).toEqual({
      status: 409,
      retryAfter: '5',
      body: { code: 'OBJECTION_WRONG_STATUS', message: '核查结果正在处理中，请稍后再出具书面告知。' },
    });
    expect(await post('reply', 'reply-key-0001', { letter: 'L1' })).toMatchObject({
      status: 409,
      retryAfter: '5',
    });

    action.ready = true;
    const done = await post('reply', 'reply-key-0001', { letter: 'L1' });
    expect(done).toEqual({ status: 201, retryAfter: null, body: { issued: 'L1', times: 1 } });
    expect(await post('reply', 'reply-key-0001', { letter: 'L1' })).toEqual(done);
    expect(action.carriedOut).toBe(1);
    // The key is still the one action's: another body with it is refused.
    expect((await post('reply', 'reply-key-0001', { letter: 'L2' })).body).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
  });

  it('keeps a refusal for good as the key’s answer', async () => {
    action.ready = false;
    const refused = await post('withdraw', 'withdraw-key-01');
    expect(refused).toMatchObject({ status: 409, retryAfter: null, body: { code: 'OBJECTION_ENDED' } });
    action.ready = true;
    expect(await post('withdraw', 'withdraw-key-01')).toEqual(refused);
  });
});
