import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import type { AuthenticatedRequest } from '../auth/auth.decorators';
import { auditMatterOf, auditSubjectOf } from './audit-context';
import { AuditTrail } from './audit-trail';
import { requestIdOf } from './request-logging';

/**
 * Records every request made with a valid token once its response is sent — reads included (a
 * staff query of personal data is itself an auditable act), refused ones included (the guard has
 * identified the caller before it refuses): who, what (method, path, the subject or case the
 * route names), why (the matter), the request id and the result. The row is queued for the
 * audit trail's writer, so the response never waits for it (apps/api/audit/audit-trail.ts).
 */
@Injectable()
export class AuditMiddleware implements NestMiddleware {
  constructor(private readonly trail: AuditTrail) {}

  use(request: AuthenticatedRequest, response: Response, next: NextFunction): void {
    response.on('finish', () => {
      const principal = request.principal;
      if (!principal) return;
      this.trail.record({
        occurredAt: new Date(),
        actorSub: principal.sub,
        actorRoles: principal.roles,
        department: principal.department ?? null,
        jurisdiction: principal.jurisdiction ?? null,
        method: request.method,
        path: request.originalUrl,
        statusCode: response.statusCode,
        requestId: requestIdOf(request),
        matter: auditMatterOf(request),
        // The router has matched the route by now: its template and parameters name the subject.
        subject: auditSubjectOf(request),
      });
    });
    next();
  }
}
