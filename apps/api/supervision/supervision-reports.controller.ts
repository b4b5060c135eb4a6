import { Body, Controller, Get, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/roles';
import { uuid as uuidSchema } from '../common/field-schemas';
import { ApiBodyExample } from '../common/openapi';
import { ZodValidationPipe } from '../common/validation';
import { ProduceReportDto, ReportListQueryDto } from './supervision-reports.schemas';
import { SupervisionReportsService } from './supervision-reports.service';

const uuid = new ZodValidationPipe(uuidSchema());
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const SCOPE = 'A supervisor sees its own jurisdiction’s reports, an admin every jurisdiction’s.';
const NOT_FOUND = 'SUPERVISION_REPORT_NOT_FOUND (also another jurisdiction’s report)';

/**
 * The quarterly supervision reports (督查季度报告, 新郑 八(三)): produced per jurisdiction at each
 * quarter's cut-off (its last day, 18:00 Beijing time) by the quarterlyReports workflow, before
 * the 1st of the next quarter's first month; listed, read and downloaded here, or produced now.
 */
@ApiTags('supervision')
@ApiBearerAuth()
@Controller('api/supervision/reports')
@Roles('supervisor', 'admin')
export class SupervisionReportsController {
  constructor(private readonly reports: SupervisionReportsService) {}

  @Get()
  @ApiOperation({
    summary: 'The quarterly reports on file, newest quarter first',
    description: `Metadata and totals of each. ${SCOPE}`,
  })
  list(@Query() query: ReportListQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.reports.list(principal, query);
  }

  @Post()
  @ApiOperation({
    summary: 'Produce the report of a jurisdiction and a past or the current quarter now',
    description:
      'A past quarter is counted up to its cut-off (final); the current one up to now (provisional: the ' +
      'scheduled production at the cut-off replaces it). A report on file is answered as stored (200, ' +
      `created false); the jurisdiction’s supervisors are notified in the app. ${SCOPE}`,
  })
  @ApiBodyExample(ProduceReportDto, { jurisdiction: 'xinzheng-mz', quarter: '2026Q3' })
  @ApiCreatedResponse({ description: 'Produced and stored now' })
  @ApiOkResponse({ description: 'On file already: the stored report' })
  @ApiNotFoundResponse({
    description:
      'SUPERVISION_REPORT_JURISDICTION_NOT_FOUND (also another jurisdiction than the supervisor’s)',
  })
  @ApiUnprocessableEntityResponse({ description: 'SUPERVISION_REPORT_QUARTER_NOT_BEGUN' })
  async produce(
    @Body() body: ProduceReportDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.reports.produce(principal, body);
    res.status(result.created ? 201 : 200);
    return result;
  }

  @Get(':id')
  @ApiOperation({
    summary: 'A report: its metadata and figures',
    description:
      'Figures: cases by procedure × department × status; per department closed, closed on time, on-time ' +
      'rate, median and p90 working days; the overdue cases named (case number, procedure, department, ' +
      `working days over); escalations by level. ${SCOPE}`,
  })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  detail(@Param('id', uuid) id: string, @CurrentPrincipal() principal: Principal) {
    return this.reports.detail(principal, id);
  }

  @Get(':id/xlsx')
  @ApiOperation({ summary: 'A report as the XLSX sent to the supervisors', description: SCOPE })
  @ApiProduces(XLSX_TYPE)
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async xlsx(@Param('id', uuid) id: string, @CurrentPrincipal() principal: Principal) {
    const { report, xlsx } = await this.reports.file(principal, id);
    const name = `督查季度报告-${report.jurisdiction}-${report.quarter}.xlsx`;
    return new StreamableFile(xlsx, {
      type: XLSX_TYPE,
      disposition: `attachment; filename="report-${report.quarter}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
    });
  }
}
