import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NextFunction, Response } from 'express';
import { DataSource } from 'typeorm';
import { AuditEvent } from '../../../infra/database/entities';
import type { AuthenticatedRequest } from '../auth/auth.decorators';

/**
 * Records every request made with a valid token once its response is sent — reads included (a
 * staff query of personal data is itself an auditable act), refused ones included (the guard has
 * identified the caller before it refuses). A failure to write the trail is logged loudly.
 */
@Injectable()
export class AuditMiddleware implements NestMiddleware {
  private readonly logger = new Logger('Audit');

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  use(request: AuthenticatedRequest, response: Response, next: NextFunction): void {
    response.on('finish', () => {
      const principal = request.principal;
      if (!principal) return;
      const requestId = request.headers['x-request-id'];
      this.dataSource
        .getRepository(AuditEvent)
        .insert({
          actorSub: principal.sub,
          actorRoles: principal.roles,
          department: principal.department ?? null,
          jurisdiction: principal.jurisdiction ?? null,
          method: request.method,
          path: request.originalUrl,
          statusCode: response.statusCode,
          requestId: typeof requestId === 'string' ? requestId : null,
        })
        .catch((err: unknown) => this.logger.error(`audit write failed: ${String(err)}`));
    });
    next();
  }
}
