import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  UseFilters,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { today, type MeasureAction, type Registry } from '../../../activities/registry';
import { systemClock } from '../../../activities/registry/clock';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/roles';
import { ApiBodyExample } from '../common/openapi';
import { requireDepartment } from './disclosure';
import { RegistryErrorFilter } from './registry-error.filter';
import {
  ApplyMeasureDto,
  DefineMeasureDto,
  FeedbackDto,
  MeasureQueryDto,
  PublishMeasureDto,
  ReasonDto,
} from './registry.schemas';
import { REGISTRY } from './registry.token';
import { appliedMeasureEventView, appliedMeasureView, measureView } from './views';

/** The measures list (措施清单) and measures applied to subjects, with 执行反馈. */
@ApiTags('registry: measures')
@ApiBearerAuth()
@UseFilters(RegistryErrorFilter)
@Controller('api')
export class MeasuresController {
  constructor(@Inject(REGISTRY) private readonly registry: Registry) {}

  @Post('measures')
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({ summary: 'Add a measure to the measures list (admin); a draft until published' })
  @ApiBodyExample(DefineMeasureDto, {
    code: 'CJ-MZ-001',
    name: '从严审核行政许可事项',
    kind: 'punishment',
    legalBasis: '《关于对社会组织严重违法失信行为实施联合惩戒的合作备忘录》',
    applicableLists: ['black'],
  })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED, MEASURE_LISTS_MISMATCH' })
  @ApiConflictResponse({ description: 'MEASURE_CODE_TAKEN' })
  async define(@Body() body: DefineMeasureDto, @CurrentPrincipal() principal: Principal) {
    return measureView(
      await this.registry.measures.define({ ...body, actor: principal.sub }),
      today(systemClock),
    );
  }

  @Post('measures/:code/publish')
  @ApiBodyExample(PublishMeasureDto, { publishedOn: '2026-12-01' })
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Publish a measure (公布) (admin)' })
  @ApiNotFoundResponse({ description: 'MEASURE_NOT_FOUND' })
  @ApiConflictResponse({ description: 'MEASURE_ALREADY_PUBLISHED' })
  async publish(
    @Param('code') code: string,
    @Body() body: PublishMeasureDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return measureView(
      await this.registry.measures.publish(code, { publishedOn: body.publishedOn, actor: principal.sub }),
      today(systemClock),
    );
  }

  @Get('measures')
  @Roles('caseworker', 'provider', 'supervisor', 'admin')
  @ApiOperation({ summary: 'The measures list, drafts included (see `published`)' })
  async list(@Query() query: MeasureQueryDto) {
    const day = today(systemClock);
    return { items: (await this.registry.measures.list(query)).map((m) => measureView(m, day)) };
  }

  @Get('measures/:code')
  @Roles('caseworker', 'provider', 'supervisor', 'admin')
  @ApiOperation({ summary: 'One measure' })
  @ApiNotFoundResponse({ description: 'MEASURE_NOT_FOUND' })
  async get(@Param('code') code: string) {
    return measureView(await this.registry.measures.get(code), today(systemClock));
  }

  @Post('subjects/:code/measures')
  @HttpCode(201)
  @Roles('caseworker', 'provider')
  @ApiOperation({
    summary: 'Apply a published measure to a subject on an applicable list (executing department: caller’s)',
    description:
      'An unpublished measure is never applied (409 MEASURE_NOT_PUBLISHED). With extendToPersons the measure ' +
      'also reaches the organisation’s legal representative and responsible persons (落实到人). The same ' +
      'measure on the same list entry again returns the one in force with 200.',
  })
  @ApiBodyExample(ApplyMeasureDto, {
    measureCode: 'CJ-MZ-001',
    matter: '社会组织成立登记',
    extendToPersons: true,
  })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED, SUBJECT_CODE_INVALID' })
  @ApiNotFoundResponse({ description: 'MEASURE_NOT_FOUND, SUBJECT_NOT_FOUND' })
  @ApiConflictResponse({ description: 'MEASURE_NOT_PUBLISHED, MEASURE_NOT_APPLICABLE' })
  async apply(
    @Param('code') code: string,
    @Body() body: ApplyMeasureDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { applied, derived, created } = await this.registry.measures.apply({
      ...body,
      subjectCode: code,
      executingDepartment: requireDepartment(principal),
      actor: principal.sub,
    });
    if (!created) res.status(200);
    const [main, ...rest] = await this.registry.measures.withMeasures([applied, ...derived]);
    return {
      created,
      ...appliedMeasureView(main.applied, main.measure),
      derived: rest.map((d) => appliedMeasureView(d.applied, d.measure)),
    };
  }

  @Get('subjects/:code/measures')
  @Roles('caseworker', 'provider', 'supervisor', 'admin')
  @ApiOperation({ summary: 'Measures applied to a subject, every status' })
  @ApiNotFoundResponse({ description: 'SUBJECT_NOT_FOUND' })
  async ofSubject(@Param('code') code: string) {
    const subject = await this.registry.subjects.findByCode(code);
    const rows = await this.registry.measures.appliedTo(subject.id);
    return { items: rows.map((r) => appliedMeasureView(r.applied, r.measure)) };
  }

  @Get('applied-measures/:id')
  @Roles('caseworker', 'provider', 'supervisor', 'admin')
  @ApiOperation({ summary: 'One applied measure with its history and feedback' })
  @ApiNotFoundResponse({ description: 'APPLIED_MEASURE_NOT_FOUND' })
  async getApplied(@Param('id', new ParseUUIDPipe()) id: string) {
    const { applied, measure, events } = await this.registry.measures.getApplied(id);
    return { ...appliedMeasureView(applied, measure), events: events.map(appliedMeasureEventView) };
  }

  @Post('applied-measures/:id/suspend')
  @ApiBodyExample(ReasonDto, { reason: '异议处理期间暂停实施', caseRef: 'YEXIAN-MZ-2026-000001' })
  @HttpCode(200)
  @Roles('caseworker', 'provider', 'supervisor')
  @ApiOperation({
    summary:
      'Suspend an active measure (e.g. while an objection is verified) — executing department or supervisor',
    description: 'Measures derived from it for responsible persons follow. Repeating it changes nothing.',
  })
  @ApiForbiddenResponse({ description: 'MEASURE_OTHER_DEPARTMENT' })
  @ApiNotFoundResponse({ description: 'APPLIED_MEASURE_NOT_FOUND' })
  @ApiUnprocessableEntityResponse({ description: 'MEASURE_TRANSITION_NOT_ALLOWED' })
  suspend(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReasonDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.act(id, 'suspend', body, p);
  }

  @Post('applied-measures/:id/reinstate')
  @ApiBodyExample(ReasonDto, { reason: '异议已办结，恢复实施' })
  @HttpCode(200)
  @Roles('caseworker', 'provider', 'supervisor')
  @ApiOperation({ summary: 'Reinstate a suspended measure — executing department or supervisor' })
  @ApiForbiddenResponse({ description: 'MEASURE_OTHER_DEPARTMENT' })
  @ApiNotFoundResponse({ description: 'APPLIED_MEASURE_NOT_FOUND' })
  @ApiUnprocessableEntityResponse({ description: 'MEASURE_TRANSITION_NOT_ALLOWED' })
  reinstate(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReasonDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.act(id, 'reinstate', body, p);
  }

  @Post('applied-measures/:id/lift')
  @ApiBodyExample(ReasonDto, { reason: '信用修复完成，解除惩戒措施', caseRef: 'YEXIAN-MZ-XF-2026-000001' })
  @HttpCode(200)
  @Roles('caseworker', 'provider', 'supervisor')
  @ApiOperation({ summary: 'Lift a measure for good (解除) — executing department or supervisor' })
  @ApiForbiddenResponse({ description: 'MEASURE_OTHER_DEPARTMENT' })
  @ApiNotFoundResponse({ description: 'APPLIED_MEASURE_NOT_FOUND' })
  @ApiUnprocessableEntityResponse({ description: 'MEASURE_TRANSITION_NOT_ALLOWED' })
  lift(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReasonDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.act(id, 'lift', body, p);
  }

  @Post('applied-measures/:id/feedback')
  @HttpCode(201)
  @Roles('caseworker', 'provider')
  @ApiBodyExample(FeedbackDto, { text: '已在社会组织成立登记中从严审核，不予登记' })
  @ApiOperation({ summary: 'Executing department’s feedback on a measure (执行反馈)' })
  @ApiForbiddenResponse({ description: 'MEASURE_OTHER_DEPARTMENT' })
  @ApiNotFoundResponse({ description: 'APPLIED_MEASURE_NOT_FOUND' })
  async feedback(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FeedbackDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    const department = requireDepartment(principal);
    const event = await this.registry.measures.feedback(id, {
      actor: principal.sub,
      department,
      text: body.text,
      onlyDepartment: department,
    });
    return appliedMeasureEventView(event);
  }

  private async act(id: string, action: MeasureAction, body: ReasonDto, principal: Principal) {
    const onlyDepartment = principal.roles.includes('supervisor') ? undefined : requireDepartment(principal);
    const { applied, changed } = await this.registry.measures.act(id, action, {
      actor: principal.sub,
      reason: body.reason,
      caseRef: body.caseRef,
      onlyDepartment,
    });
    const [view] = await this.registry.measures.withMeasures([applied]);
    return { changed, ...appliedMeasureView(view.applied, view.measure) };
  }
}
