import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * An error a caseworker can act on: a stable machine code (UPPER_SNAKE) plus a Simplified Chinese
 * message. Thrown by services; the global filter renders it as { code, message, details }.
 */
export class ApiError extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super({ code, message, details }, status);
  }
}

/**
 * A refusal for now: the case will accept the action shortly (an action or effect still being
 * carried out). Answered with Retry-After; an Idempotency-Key does not keep it as its answer.
 */
export class RefusedForNow extends ApiError {
  readonly retryAfterSeconds = 5;
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new ApiError(HttpStatus.BAD_REQUEST, code, message, details);
export const notFound = (code: string, message: string, details?: unknown) =>
  new ApiError(HttpStatus.NOT_FOUND, code, message, details);
export const conflict = (code: string, message: string, details?: unknown) =>
  new ApiError(HttpStatus.CONFLICT, code, message, details);
export const unprocessable = (code: string, message: string, details?: unknown) =>
  new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, code, message, details);
