import { Controller, Get, HttpStatus, Query, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/roles';
import { ApiError } from '../common/errors';
import { casesCsv, casesXlsx } from './supervision-export';
import {
  BoardQueryDto,
  CaseExportQueryDto,
  CaseListQueryDto,
  DueSoonQueryDto,
  PeriodQueryDto,
} from './supervision.schemas';
import { EXPORT_MAX_ROWS, SupervisionService } from './supervision.service';

const SCOPE =
  'Within the caller’s scope: a supervisor its jurisdiction (an admin supervisor without one: every ' +
  'jurisdiction), a caseworker the cases its department runs, a provider the cases on its department’s ' +
  'records. Filters: procedure and status (comma lists), department (any department the case involves), ' +
  'jurisdiction; `at` is the instant working days are counted at (default now).';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The supervision board (督查): every procedure's cases from the case index — counts, overdue,
 * due soon, ageing, escalations, each department's on-time figures for a period, the case list
 * and its export. Working days on the calendar in force (Asia/Shanghai, holidays included).
 */
@ApiTags('supervision')
@ApiBearerAuth()
@Controller('api/supervision')
@Roles('supervisor', 'caseworker', 'provider')
export class SupervisionController {
  constructor(private readonly supervision: SupervisionService) {}

  @Get('counts')
  @ApiOperation({
    summary: 'Cases by procedure × department × status',
    description: `A case counts once for each department it involves. ${SCOPE}`,
  })
  counts(@Query() query: BoardQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.supervision.counts(principal, query);
  }

  @Get('overdue')
  @ApiOperation({
    summary: 'Open overdue cases with the working days they are over, most over first',
    description: SCOPE,
  })
  overdue(@Query() query: BoardQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.supervision.overdue(principal, query);
  }

  @Get('due-soon')
  @ApiOperation({
    summary: 'Open cases whose current step falls due within `dueWithin` working days (default 3)',
    description: SCOPE,
  })
  dueSoon(@Query() query: DueSoonQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.supervision.dueSoon(principal, query);
  }

  @Get('ageing')
  @ApiOperation({
    summary: 'Open cases by working days since receipt: 0–5, 6–10, 11–20, >20',
    description: SCOPE,
  })
  ageing(@Query() query: BoardQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.supervision.ageing(principal, query);
  }

  @Get('escalations')
  @ApiOperation({ summary: 'Open cases by escalation level (1 督办, 2 升级督办)', description: SCOPE })
  escalations(@Query() query: BoardQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.supervision.escalations(principal, query);
  }

  @Get('departments')
  @ApiOperation({
    summary:
      'Per department, cases closed from `from` to `to`: on time, on-time rate, median and p90 working days',
    description:
      'Beijing dates, both included. On time: never escalated, every staff step within its limit and the ' +
      'whole case within its own (where the policy sets one). Working days from receipt to closing; p90 by ' +
      `nearest rank. ${SCOPE}`,
  })
  departments(@Query() query: PeriodQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.supervision.departments(principal, query);
  }

  @Get('cases')
  @ApiOperation({
    summary: 'The case list with the board’s filters, overdue first, then by due time',
    description: `Also: overdue (true/false), dueWithin (working days); page, pageSize. ${SCOPE}`,
  })
  cases(@Query() query: CaseListQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.supervision.cases(principal, query);
  }

  @Get('cases/export')
  @ApiOperation({
    summary: 'The case list as a file: `format=csv` (UTF-8 with BOM) or `format=xlsx`',
    description: `The list’s filters without paging; at most ${EXPORT_MAX_ROWS} rows. ${SCOPE}`,
  })
  @ApiProduces('text/csv', XLSX_TYPE)
  @ApiUnprocessableEntityResponse({ description: 'SUPERVISION_EXPORT_TOO_LARGE' })
  async export(@Query() query: CaseExportQueryDto, @CurrentPrincipal() principal: Principal) {
    const { format, ...filters } = query;
    const list = await this.supervision.allCases(principal, filters);
    if (list.truncated) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'SUPERVISION_EXPORT_TOO_LARGE',
        `导出的案件超过 ${EXPORT_MAX_ROWS} 件，请缩小筛选范围（程序、状态、部门等）后再导出。`,
      );
    }
    const name = `督查案件清单-${list.at.slice(0, 10)}.${format}`;
    const disposition = `attachment; filename="cases.${format}"; filename*=UTF-8''${encodeURIComponent(name)}`;
    return format === 'csv'
      ? new StreamableFile(casesCsv(list.items), { type: 'text/csv; charset=utf-8', disposition })
      : new StreamableFile(await casesXlsx(list.items, list.at), { type: XLSX_TYPE, disposition });
  }
}
