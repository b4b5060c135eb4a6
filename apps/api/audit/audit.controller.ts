import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { createZodDto } from 'nestjs-zod';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AuditEvent } from '../../../infra/database/entities';
import { Roles } from '../auth/auth.decorators';
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

/** The audit trail for supervisors and administrators: who looked at or changed what, and when. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/audit')
export class AuditController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get()
  @Roles('supervisor', 'admin')
  @ApiOperation({ summary: 'Audit events, newest first (supervisor, admin)' })
  @ApiOkResponse({ description: '{ items, nextBefore }' })
  @ApiForbiddenResponse({ description: 'AUTH_FORBIDDEN_ROLE' })
  async list(@Query() query: AuditQueryDto) {
    const limit = query.limit ?? 100;
    const qb = this.dataSource
      .getRepository(AuditEvent)
      .createQueryBuilder('e')
      .orderBy('e.id', 'DESC')
      .take(limit);
    if (query.actor) qb.andWhere('e.actor_sub = :actor', { actor: query.actor });
    if (query.since) qb.andWhere('e.occurred_at >= :since', { since: query.since });
    if (query.before) qb.andWhere('e.id < :before', { before: query.before });
    const items = await qb.getMany();
    return { items, nextBefore: items.length === limit ? items[items.length - 1].id : null };
  }
}
