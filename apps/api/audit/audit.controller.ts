import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { AuditEvent } from '../../../infra/database/entities';
import { Roles } from '../auth/auth.decorators';

export class AuditQueryDto {
  /** Only this caller's requests. */
  @IsOptional()
  @IsString()
  actor?: string;

  /** Only requests at or after this instant. */
  @IsOptional()
  @IsISO8601()
  since?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  /** Return events with an id lower than this (paging backwards from the newest). */
  @IsOptional()
  @IsString()
  before?: string;
}

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
    if (query.before && /^\d+$/.test(query.before)) qb.andWhere('e.id < :before', { before: query.before });
    const items = await qb.getMany();
    return { items, nextBefore: items.length === limit ? items[items.length - 1].id : null };
  }
}
