import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { createZodDto } from 'nestjs-zod';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { verifyAuditChains } from '../../../infra/database/audit-chain';
import { AuditEvent } from '../../../infra/database/entities';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/roles';
import { dateOrInstant, optionalText, queryInt } from '../common/field-schemas';

export const auditQuerySchema = z
  .object({
    actor: optionalText(200).describe("Only this caller's requests (token sub)"),
    since: dateOrInstant().optional().describe('Only requests at or after this date or instant'),
    limit: queryInt(1, 500).optional(),
    before: z
      .string()
      .regex(/^\d{1,19}$/, '应为事件编号（数字）')
      .optional()
      .describe('Return events with an id lower than this (paging backwards from the newest)'),
  })
  .strict();
export class AuditQueryDto extends createZodDto(auditQuerySchema) {}

/**
 * Which audit rows a caller may read and verify: the administrator and a supervisor without a
 * jurisdiction claim all of them; a supervisor with one only the rows of its jurisdiction (the
 * requests made by callers of that jurisdiction, which form that jurisdiction's hash chain).
 */
export function auditJurisdictionOf(principal: Principal): string | undefined {
  if (principal.roles.includes('admin')) return undefined;
  return principal.jurisdiction;
}

/** The audit trail for supervisors and administrators: who looked at or changed what, why, and when. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/audit')
export class AuditController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get()
  @Roles('supervisor', 'admin')
  @ApiOperation({
    summary: 'Audit events, newest first (supervisor: its jurisdiction; admin: all)',
    description:
      'Each event: who (actor, roles, department, jurisdiction), what (method, path, subject), why (matter), ' +
      'the request id, the status, and its place in the hash chain (chain, chainSeq, prevHash, hash).',
  })
  @ApiOkResponse({ description: '{ items, nextBefore }' })
  @ApiForbiddenResponse({ description: 'AUTH_FORBIDDEN_ROLE' })
  async list(@Query() query: AuditQueryDto, @CurrentPrincipal() principal: Principal) {
    const limit = query.limit ?? 100;
    const jurisdiction = auditJurisdictionOf(principal);
    const qb = this.dataSource
      .getRepository(AuditEvent)
      .createQueryBuilder('e')
      .orderBy('e.id', 'DESC')
      .take(limit);
    if (jurisdiction !== undefined) qb.andWhere('e.jurisdiction = :jurisdiction', { jurisdiction });
    if (query.actor) qb.andWhere('e.actor_sub = :actor', { actor: query.actor });
    if (query.since) qb.andWhere('e.occurred_at >= :since', { since: query.since });
    if (query.before) qb.andWhere('e.id < :before', { before: query.before });
    const items = await qb.getMany();
    return { items, nextBefore: items.length === limit ? items[items.length - 1].id : null };
  }

  @Get('verify')
  @Roles('supervisor', 'admin')
  @ApiOperation({
    summary: 'Verify the audit hash chain (supervisor: its jurisdiction’s chain; admin: every chain)',
    description:
      'Recomputes every row’s SHA-256 and follows the links to the chain head; reports the first broken link: ' +
      'hash-mismatch (row changed or forged), row-missing, row-inserted, link-broken, tail-truncated, ' +
      'head-mismatch, head-missing.',
  })
  @ApiOkResponse({ description: '{ ok, checked, chains, firstBroken?: { id, chain, reason } }' })
  @ApiForbiddenResponse({ description: 'AUTH_FORBIDDEN_ROLE' })
  verify(@CurrentPrincipal() principal: Principal) {
    const jurisdiction = auditJurisdictionOf(principal);
    return verifyAuditChains(this.dataSource, jurisdiction === undefined ? {} : { chains: [jurisdiction] });
  }
}
