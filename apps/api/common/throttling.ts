import { applyDecorators, ExecutionContext, HttpStatus, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request, Response } from 'express';
import type { AppConfig } from '../../../infra/config/config';
import { normalizeIdentifier } from '../../../workflows/registry/identifiers';
import { TokenService } from '../auth/tokens';
import { ApiError } from './errors';

/**
 * Rate limits of the public (no-token) endpoints: `lookup` for the applicant's look-ups by query
 * code (the secret a brute force would guess), `public` for the public lists, the repair
 * pre-check and the online application. Each route has its own counters, per client (the IP
 * express reports, see TRUST_PROXY) a minute and per subject code an hour, so guessing the codes
 * of one subject from many addresses is refused too. Limits: AppConfig.throttle; the arithmetic
 * against the query codes' entropy: docs/security.md. A caller with a valid bearer token (staff)
 * is not limited. Counters live in the process (one API instance: see docs/security.md).
 */
export type PublicRateProfile = 'lookup' | 'public';

const PROFILE = 'public-rate-profile';
const CLIENT_WINDOW_MS = 60_000;
const SUBJECT_WINDOW_MS = 3_600_000;

/** Marks a public route as rate-limited with the profile's limits (and documents the 429). */
export const PublicRateLimit = (profile: PublicRateProfile) =>
  applyDecorators(
    SetMetadata(PROFILE, profile),
    ApiTooManyRequestsResponse({
      description:
        'TOO_MANY_REQUESTS: too many requests from this client (a minute) or for this subject code (an hour); ' +
        'Retry-After gives the seconds to wait',
    }),
  );

const profileOf = (reflector: Reflector, context: ExecutionContext) =>
  reflector.getAllAndOverride<PublicRateProfile | undefined>(PROFILE, [
    context.getHandler(),
    context.getClass(),
  ]);

/** The subject code a request names (`{code}`, `subjectCode` in the query or body), normalised. */
export function subjectCodeOf(req: Request): string | undefined {
  const body = req.body as unknown;
  const candidates: unknown[] = [
    req.params?.code,
    (req.query as Record<string, unknown> | undefined)?.subjectCode,
    body && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>).subjectCode
      : undefined,
  ];
  const raw = candidates.find((c): c is string => typeof c === 'string' && c.trim() !== '');
  // Longer than any code: refused by validation, nothing to count it against.
  return raw === undefined || raw.length > 40 ? undefined : normalizeIdentifier(raw);
}

/** The two throttlers (per client, per subject) with the configured limits of each profile. */
export function publicThrottlerOptions(limits: AppConfig['throttle']): ThrottlerModuleOptions {
  const reflector = new Reflector();
  const profile = (context: ExecutionContext) => limits[profileOf(reflector, context) ?? 'public'];
  return {
    setHeaders: false,
    throttlers: [
      {
        name: 'client',
        ttl: CLIENT_WINDOW_MS,
        limit: (context) => profile(context).perClientPerMinute,
      },
      {
        name: 'subject',
        ttl: SUBJECT_WINDOW_MS,
        limit: (context) => profile(context).perSubjectPerHour,
        getTracker: (req) => subjectCodeOf(req as Request) ?? '',
        skipIf: (context) => subjectCodeOf(context.switchToHttp().getRequest<Request>()) === undefined,
      },
    ],
  };
}

/**
 * Global guard after AuthGuard: limits the routes marked @PublicRateLimit() for callers without
 * a valid token; a refusal is 429 TOO_MANY_REQUESTS with Retry-After (seconds).
 */
@Injectable()
export class PublicThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly tokens: TokenService,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http' || !profileOf(this.reflector, context)) return true;
    return this.hasValidToken(context.switchToHttp().getRequest<Request>());
  }

  private hasValidToken(req: Request): boolean {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return false;
    try {
      this.tokens.verify(match[1]);
      return true;
    } catch {
      return false;
    }
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const seconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(seconds));
    const wait = seconds >= 120 ? `${Math.ceil(seconds / 60)} 分钟` : `${seconds} 秒`;
    const message =
      detail.ttl === SUBJECT_WINDOW_MS
        ? `该主体的查询次数已达上限，请于 ${wait}后再试。`
        : `请求过于频繁，请于 ${wait}后再试。`;
    throw new ApiError(HttpStatus.TOO_MANY_REQUESTS, 'TOO_MANY_REQUESTS', message, {
      retryAfterSeconds: seconds,
    });
  }
}
