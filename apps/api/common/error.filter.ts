import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { ApiError } from './errors';

const GENERIC_BY_STATUS: Record<number, { code: string; message: string }> = {
  400: { code: 'BAD_REQUEST', message: '请求格式不正确。' },
  401: { code: 'AUTH_REQUIRED', message: '请先登录。' },
  403: { code: 'FORBIDDEN', message: '无权执行此操作。' },
  404: { code: 'NOT_FOUND', message: '请求的地址或对象不存在。' },
  405: { code: 'METHOD_NOT_ALLOWED', message: '不支持该请求方法。' },
  409: { code: 'CONFLICT', message: '操作与当前状态冲突。' },
  413: { code: 'PAYLOAD_TOO_LARGE', message: '提交的内容过大。' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', message: '请以 JSON 格式提交。' },
  422: { code: 'UNPROCESSABLE', message: '提交的内容无法处理。' },
};

/** Renders every error as { code, message, details? }; unexpected errors are logged, never leaked. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof ApiError) {
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
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    response
      .status(HttpStatus.INTERNAL_SERVER_ERROR)
      .json({ code: 'INTERNAL_ERROR', message: '系统内部错误，请稍后重试；如仍失败请联系管理员。' });
  }
}
