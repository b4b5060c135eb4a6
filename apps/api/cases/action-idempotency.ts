import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  HttpStatus,
  Injectable,
  NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Response } from 'express';
import { defer, from, lastValueFrom, type Observable } from 'rxjs';
import { DataSource, IsNull } from 'typeorm';
import { IdempotentActionAnswer } from '../../../infra/database/entities';
import type { AuthenticatedRequest } from '../auth/auth.decorators';
import { ApiError, conflict, RefusedForNow } from '../common/errors';
import { checkActionKey, requestHash, sha256 } from './case-intake';
import { waitUntil } from './case-workflows';

/**
 * Idempotent actions, for every procedure in one place: an action sent with an Idempotency-Key
 * answers every repeat (same caller, same key, same method, path and body) with its first answer —
 * the same status and the same body, whatever happened to the case since — and refuses the key
 * with anything else sent (409 IDEMPOTENCY_KEY_REUSED). The first answer is stored in
 * `idempotent_action` before the caller receives it; a success and a refusal (4xx) are answers,
 * a failure of the service (5xx, e.g. Temporal unreachable), a rate limit (429) and a refusal for
 * now (409 with Retry-After: the case is still carrying something out) are not: the key can be
 * sent again.
 *
 * The update id the procedures give Temporal (`<update>:<key>`, case-workflows.ts) stays the
 * second line: an action whose answer was lost with the process is not carried out twice.
 * (Registering a case has its own idempotency: case-intake.ts, registerOnce.)
 */

/** How long a repeat waits for the first request with its key to answer. */
const IN_FLIGHT_WAIT_MS = 30_000;
/** A request with no answer after this long is taken to be lost (the process stopped). */
const ABANDONED_AFTER_MS = 120_000;

const keyInProgress = () =>
  conflict(
    'IDEMPOTENCY_KEY_IN_PROGRESS',
    '使用该 Idempotency-Key 的请求仍在办理中，请稍后用同一标识重试以获取办理结果。',
  );

const keyReused = () =>
  conflict(
    'IDEMPOTENCY_KEY_REUSED',
    '该 Idempotency-Key 已用于另一项操作或内容不同的提交；新的操作请使用新的标识。',
  );

/** What a stored refusal looks like (the ErrorFilter's shape). */
interface StoredError {
  code: string;
  message: string;
  details?: unknown;
}

@Injectable()
export class ActionIdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly dataSource: DataSource) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<AuthenticatedRequest>();
    const header = req.headers['idempotency-key'];
    if (header === undefined) return next.handle();
    const key = Array.isArray(header) ? header.join(',') : header;
    return defer(() => from(this.once(req, http.getResponse<Response>(), key, next)));
  }

  private repo() {
    return this.dataSource.getRepository(IdempotentActionAnswer);
  }

  private async once(
    req: AuthenticatedRequest,
    res: Response,
    key: string,
    next: CallHandler,
  ): Promise<unknown> {
    checkActionKey(key);
    const principal = req.principal;
    const scope = principal
      ? sha256(JSON.stringify([principal.sub, principal.department ?? null, principal.jurisdiction ?? null]))
      : 'public';
    const hash = requestHash([req.method, req.originalUrl, req.body ?? null]);
    const id = { scope, idempotencyKey: key };

    if (!(await this.claim(scope, key, hash))) {
      let first = await this.repo().findOneBy(id);
      if (first && first.requestHash !== hash) throw keyReused();
      if (first && first.status === null) {
        await waitUntil(async () => {
          first = await this.repo().findOneBy(id);
          return !first || first.status !== null;
        }, IN_FLIGHT_WAIT_MS);
      }
      if (!first) return this.once(req, res, key, next); // the first failed and let the key go
      if (first.status === null) throw keyInProgress();
      return this.replay(first, res);
    }

    try {
      const answer: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
      const body = answer === undefined ? null : JSON.stringify(answer);
      await this.answer(scope, key, res.statusCode, body);
      return body === null ? undefined : JSON.parse(body);
    } catch (err) {
      const status = err instanceof ApiError ? err.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
      // A refusal for now (the case is still carrying something out) is not the key's answer:
      // the caller is told to try again later, and does so with the same key.
      const final = !(err instanceof RefusedForNow) && status !== HttpStatus.TOO_MANY_REQUESTS;
      if (err instanceof ApiError && status < 500 && final) {
        const refusal: StoredError = {
          code: err.code,
          message: err.message,
          ...(err.details === undefined ? {} : { details: err.details }),
        };
        await this.answer(scope, key, status, JSON.stringify(refusal));
      } else {
        await this.repo().delete({ ...id, status: IsNull() });
      }
      throw err;
    }
  }

  /** Takes the key for this request (a fresh key, or one whose first request was lost). */
  private async claim(scope: string, key: string, hash: string): Promise<boolean> {
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO idempotent_action (scope, idempotency_key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT (scope, idempotency_key) DO NOTHING RETURNING 1`,
      [scope, key, hash],
    );
    if (inserted.length > 0) return true;
    const [, taken]: [unknown, number] = await this.dataSource.query(
      `UPDATE idempotent_action SET created_at = now()
       WHERE scope = $1 AND idempotency_key = $2 AND request_hash = $3 AND status IS NULL
         AND created_at < now() - make_interval(secs => $4)`,
      [scope, key, hash, ABANDONED_AFTER_MS / 1000],
    );
    return taken > 0;
  }

  private async answer(scope: string, key: string, status: number, body: string | null): Promise<void> {
    await this.repo().update({ scope, idempotencyKey: key }, { status, body, answeredAt: new Date() });
  }

  private replay(first: IdempotentActionAnswer, res: Response): unknown {
    const status = first.status!;
    const body = first.body === null ? undefined : JSON.parse(first.body);
    if (status >= 400) {
      const refusal = body as StoredError;
      throw new ApiError(status, refusal.code, refusal.message, refusal.details);
    }
    res.status(status);
    return body;
  }
}

/**
 * Marks an action endpoint: its optional Idempotency-Key makes a repeat answer as the first
 * request did (documented in the OpenAPI document).
 */
export const IdempotentAction = () =>
  applyDecorators(
    UseInterceptors(ActionIdempotencyInterceptor),
    ApiHeader({
      // Lower case, as the header is read: one parameter in the document.
      name: 'idempotency-key',
      required: false,
      description:
        'Optional, 8–200 visible ASCII characters: a repeat with the same key and body gets the first ' +
        'answer (same status and body); the same key with another body or action is refused (409 IDEMPOTENCY_KEY_REUSED).',
    }),
  );
