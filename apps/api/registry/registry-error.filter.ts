import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { REGISTRY_ERROR_STATUS, RegistryError } from '../../../activities/registry/registry-error';

/** Renders the registry's rule violations in the API's error shape { code, message, details }. */
@Catch(RegistryError)
export class RegistryErrorFilter implements ExceptionFilter {
  catch(error: RegistryError, host: ArgumentsHost): void {
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(REGISTRY_ERROR_STATUS[error.kind])
      .json({
        code: error.code,
        message: error.message,
        ...(error.details === undefined ? {} : { details: error.details }),
      });
  }
}
