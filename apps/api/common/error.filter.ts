import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ServiceError } from '@temporalio/client';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { ApiError, RefusedForNow } from './errors';

interface ErrorBody {
  code: string;
  message: string;
}

export const GENERIC_BY_STATUS: Record<number, ErrorBody> = {
  400: { code: 'BAD_REQUEST', message: '请求格式不正确。' },
  401: { code: 'AUTH_REQUIRED', message: '请先登录。' },
  403: { code: 'FORBIDDEN', message: '无权执行此操作。' },
  404: { code: 'NOT_FOUND', message: '请求的地址或对象不存在。' },
  405: { code: 'METHOD_NOT_ALLOWED', message: '不支持该请求方法。' },
  408: { code: 'REQUEST_TIMEOUT', message: '请求未在时限内送达，请重试。' },
  409: { code: 'CONFLICT', message: '操作与当前状态冲突。' },
  411: { code: 'LENGTH_REQUIRED', message: '请求缺少 Content-Length。' },
  413: { code: 'PAYLOAD_TOO_LARGE', message: '提交的内容过大。' },
  414: { code: 'URI_TOO_LONG', message: '请求地址过长。' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', message: '请以 JSON 格式提交。' },
  422: { code: 'UNPROCESSABLE', message: '提交的内容无法处理。' },
  429: { code: 'TOO_MANY_REQUESTS', message: '请求过于频繁，请稍后再试。' },
  431: { code: 'REQUEST_HEADERS_TOO_LARGE', message: '请求地址或请求头过长。' },
};

/**
 * What express's body parser refuses (http-errors with a `type`), before any controller runs:
 * each with its status, a stable code and a message saying what to send instead.
 */
const BODY_PARSER_ERRORS: Record<string, { status: number } & ErrorBody> = {
  'entity.parse.failed': { status: 400, code: 'INVALID_JSON', message: '请求体不是有效的 JSON。' },
  'entity.too.large': {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    message: '提交的内容过大：请求体最多 1 MB。',
  },
  'entity.verify.failed': { status: 400, code: 'INVALID_JSON', message: '请求体不是有效的 JSON。' },
  'encoding.unsupported': {
    status: 415,
    code: 'UNSUPPORTED_CONTENT_ENCODING',
    message: '不支持该内容编码（Content-Encoding）：请提交未压缩、gzip 或 deflate 压缩的 JSON。',
  },
  'charset.unsupported': {
    status: 415,
    code: 'UNSUPPORTED_CHARSET',
    message: '不支持该字符集：请以 UTF-8 编码提交 JSON。',
  },
  'request.aborted': { status: 400, code: 'REQUEST_ABORTED', message: '请求在送达前中断，请重试。' },
  'request.size.invalid': {
    status: 400,
    code: 'REQUEST_SIZE_INVALID',
    message: '请求体的长度与 Content-Length 不符。',
  },
  'parameters.too.many': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: '提交的参数过多。' },
};

/** An error of express's body parser or router (http-errors): a client error with its status. */
function clientHttpError(exception: unknown): ({ status: number } & ErrorBody) | undefined {
  const e = exception as { status?: unknown; statusCode?: unknown; type?: unknown; expose?: unknown } | null;
  if (!e || typeof e !== 'object') return undefined;
  const status =
    typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 0;
  if (status < 400 || status >= 500) return undefined;
  // Refusals of our own body checks (request-limits.ts) carry their code and message.
  // (body-parser re-labels what `verify` throws as 403: the check's own status is kept as apiStatus.)
  const own = exception as { apiCode?: unknown; apiStatus?: unknown; message?: unknown };
  if (typeof own.apiCode === 'string' && typeof own.message === 'string') {
    return {
      status: typeof own.apiStatus === 'number' ? own.apiStatus : status,
      code: own.apiCode,
      message: own.message,
    };
  }
  const known = typeof e.type === 'string' ? BODY_PARSER_ERRORS[e.type] : undefined;
  if (known) return known;
  if (e.expose !== true && typeof e.type !== 'string') return undefined;
  return { status, ...(GENERIC_BY_STATUS[status] ?? { code: `HTTP_${status}`, message: '请求未能完成。' }) };
}

/** PostgreSQL's data exceptions (SQLSTATE class 22): a value no validation should have let through. */
function isDataException(exception: unknown): boolean {
  const code = (exception as { driverError?: { code?: unknown } }).driverError?.code;
  return exception instanceof QueryFailedError && typeof code === 'string' && code.startsWith('22');
}

/** A Temporal client or connection failure that reached the filter unmapped (gRPC status code). */
function isTemporalFailure(exception: unknown): boolean {
  if (exception instanceof ServiceError) return true;
  const e = exception as { code?: unknown; details?: unknown; metadata?: unknown } | null;
  return (
    !!e &&
    typeof e === 'object' &&
    typeof e.code === 'number' &&
    typeof e.details === 'string' &&
    !!e.metadata
  );
}

/** Renders every error as { code, message, details? }; unexpected errors are logged, never leaked. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof ApiError) {
      if (exception instanceof RefusedForNow)
        response.setHeader('Retry-After', String(exception.retryAfterSeconds));
      response.status(exception.getStatus()).json({
        code: exception.code,
        message: exception.message,
        ...(exception.details === undefined ? {} : { details: exception.details }),
      });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const generic = GENERIC_BY_STATUS[status] ?? { code: `HTTP_${status}`, message: '请求未能完成。' };
      response.status(status).json(generic);
      return;
    }
    const client = clientHttpError(exception);
    if (client) {
      const { status, ...body } = client;
      response.status(status).json(body);
      return;
    }
    if (isDataException(exception)) {
      // The edge validation should have refused it: logged, so that the gap gets closed.
      this.logger.warn(`value refused by the database: ${(exception as Error).message}`);
      response.status(HttpStatus.BAD_REQUEST).json({
        code: 'INVALID_VALUE',
        message: '提交的内容包含无法处理的值（如格式错误的编号、超出范围的数字或不允许的字符）。',
      });
      return;
    }
    if (isTemporalFailure(exception)) {
      this.logger.warn(`Temporal unavailable: ${(exception as Error).message}`);
      response.status(HttpStatus.SERVICE_UNAVAILABLE).json({
        code: 'WORKFLOW_SERVICE_UNAVAILABLE',
        message: '流程服务暂不可用，请稍后重试。',
      });
      return;
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    response
      .status(HttpStatus.INTERNAL_SERVER_ERROR)
      .json({ code: 'INTERNAL_ERROR', message: '系统内部错误，请稍后重试；如仍失败请联系管理员。' });
  }
}
