import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import {
  cancelRectificationUpdate,
  recordInterviewUpdate,
  scheduleInterviewUpdate,
  verifyRectificationUpdate,
  type RecordInterviewInput,
} from '../../../workflows/rectification/messages';
import { CurrentPrincipal, Public, Roles } from '../auth/auth.decorators';
import { PublicRateLimit } from '../common/throttling';
import { IdempotentAction } from '../cases/action-idempotency';
import type { Principal } from '../auth/roles';
import { uuid as uuidSchema } from '../common/field-schemas';
import { ApiBodyExample } from '../common/openapi';
import { ZodValidationPipe } from '../common/validation';
import {
  CancelDto,
  CountQueryDto,
  CreateRectificationDto,
  ConsequenceDecisionDto,
  ListQueryDto,
  LookupQueryDto,
  RecordInterviewDto,
  ScheduleInterviewDto,
  SubjectReportDto,
  RectificationVerificationDto,
} from './rectifications.schemas';
import { RectificationsService } from './rectifications.service';

const uuid = new ZodValidationPipe(uuidSchema());

const REFUSALS =
  'Refused by the workflow: RECTIFICATION_ENDED, RECTIFICATION_WRONG_STATUS, RECTIFICATION_INTERVIEW_NOT_HELD ' +
  '(409); RECTIFICATION_INVALID_INPUT (422)';
const DEPARTMENT_ONLY =
  'RECTIFICATION_OTHER_DEPARTMENT (a provider of another department), AUTH_FORBIDDEN_ROLE, AUTH_DEPARTMENT_REQUIRED';

/**
 * 限期整改、约谈 (谁认定、谁约谈). The identifying department acts through its **provider** role
 * (信息提供单位/认定部门, the record's `department`): it orders the rectification, verifies what the
 * subject reports, schedules and records the 提示约谈 and 警示约谈, and may withdraw the order.
 * The subject follows and reports without a token, with its query code and subject code. The
 * supervisor lists and counts the jurisdiction's cases and confirms or rejects the consequence
 * proposed after a 警示约谈. Actions are workflow updates (workflows/rectification/messages).
 */
@ApiTags('rectifications')
@ApiBearerAuth()
@Controller('api/rectifications')
export class RectificationsController {
  constructor(private readonly rectifications: RectificationsService) {}

  // Static paths before `:id`.

  @Get('lookup')
  @Public()
  @PublicRateLimit('lookup')
  @ApiOperation({
    summary: 'Subject: its rectification by query code and subject code (no token)',
    description:
      'Obligations, the current deadline, reports and their verification, interviews (time, place, ' +
      'appeared), a confirmed consequence, and a timeline without staff actors. A wrong code or subject ' +
      'gives 404 without saying which.',
  })
  @ApiNotFoundResponse({ description: 'RECTIFICATION_LOOKUP_NOT_FOUND' })
  lookup(@Query() query: LookupQueryDto) {
    return this.rectifications.lookup(query.queryCode, query.subjectCode);
  }

  @Post('lookup/report')
  @HttpCode(200)
  @Public()
  @PublicRateLimit('lookup')
  @ApiOperation({
    summary: 'Subject: report what it did (整改情况), with proofs by reference (no token)',
    description: 'The department verifies it within the policy’s limit. One report at a time.',
  })
  @ApiBodyExample(SubjectReportDto, {
    queryCode: '7K2M-Q9TX-4HCP',
    subjectCode: '91620321MA00000017',
    description: '已补报并公示2026年度报告',
    attachments: [{ ref: 'DOC-2027-0001', name: '年度报告公示截图' }],
  })
  @ApiNotFoundResponse({ description: 'RECTIFICATION_LOOKUP_NOT_FOUND' })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  report(@Body() body: SubjectReportDto, @Headers('idempotency-key') idempotencyKey?: string) {
    return this.rectifications.report(body, idempotencyKey);
  }

  @Get('counts')
  @Roles('supervisor', 'provider')
  @ApiOperation({
    summary: 'Counts by status, stage, department or overdue, within the caller’s scope',
    description: 'Takes the same filters as the listing.',
  })
  counts(@Query() query: CountQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.rectifications.counts(principal, query);
  }

  @Get()
  @Roles('supervisor', 'provider')
  @ApiOperation({
    summary: 'Rectifications within the caller’s scope, newest first',
    description:
      'Scope: a supervisor its jurisdiction, a provider its department’s. Filters: status and stage (comma ' +
      'lists: 整改中 rectification, 提示约谈 reminder-interview, 警示约谈 warning-interview, 后续措施 ' +
      'consequence), department, subjectCode, recordId, overdue, dueBefore, jurisdiction; page, pageSize.',
  })
  list(@Query() query: ListQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.rectifications.list(principal, query);
  }

  @Post()
  @HttpCode(201)
  @Roles('provider')
  @ApiOperation({
    summary: 'Identifying department: order a rectification of its dishonesty record or 重点关注 entry',
    description:
      'The record (or entry) must be the caller’s department’s (谁认定、谁约谈) and still stand. The deadline ' +
      'is the policy’s for the record’s tier unless `deadline` is given with `deadlineReason`. The answer ' +
      'comes once the workflow has planned the deadline; the subject’s query code is shown only here. The ' +
      'same Idempotency-Key with the same body returns the same case (200, no query code); with another body 409.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '8–200 visible ASCII characters' })
  @ApiBodyExample(CreateRectificationDto, {
    recordId: '0b8f3a52-5a1e-4c55-9d8e-3f2b1c0d4e5f',
    obligations: ['补报并公示2026年度报告', '建立年度报告报送责任制度'],
    contact: { name: '王五', contact: '13700000000' },
  })
  @ApiCreatedResponse({ description: 'Ordered; the deadline planned' })
  @ApiOkResponse({ description: 'Same key and body as before: the case ordered then' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED, IDEMPOTENCY_KEY_REQUIRED' })
  @ApiForbiddenResponse({ description: `${DEPARTMENT_ONLY}, AUTH_JURISDICTION_REQUIRED` })
  @ApiNotFoundResponse({ description: 'RECTIFICATION_RECORD_NOT_FOUND, RECTIFICATION_ENTRY_NOT_FOUND' })
  @ApiConflictResponse({
    description: 'IDEMPOTENCY_KEY_REUSED, RECTIFICATION_ALREADY_OPEN, RECTIFICATION_BASIS_NOT_IN_FORCE',
  })
  @ApiUnprocessableEntityResponse({
    description: 'RECTIFICATION_NOT_DISHONESTY, RECTIFICATION_NOT_WATCH_LIST, RECTIFICATION_POLICY_MISSING',
  })
  async create(
    @Body() body: CreateRectificationDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.rectifications.create(principal, idempotencyKey, body);
    if (!result.created) res.status(200);
    return result;
  }

  @Get(':id')
  @Roles('supervisor', 'provider')
  @ApiOperation({ summary: 'The file: obligations, deadlines, reports, interviews, consequence, timeline' })
  @ApiNotFoundResponse({ description: 'RECTIFICATION_NOT_FOUND (also outside the caller’s scope)' })
  detail(@Param('id', uuid) id: string, @CurrentPrincipal() principal: Principal) {
    return this.rectifications.detail(principal, id);
  }

  @Post(':id/verification')
  @HttpCode(200)
  @Roles('provider')
  @ApiOperation({ summary: 'Department: verify the reported rectification (done → rectified)' })
  @ApiBodyExample(RectificationVerificationDto, {
    result: 'partly',
    opinion: '年度报告已补报，责任制度尚未建立',
  })
  @ApiForbiddenResponse({ description: DEPARTMENT_ONLY })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  verify(
    @Param('id', uuid) id: string,
    @Body() body: RectificationVerificationDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.rectifications.act(principal, id, verifyRectificationUpdate, { ...body }, idempotencyKey);
  }

  @Post(':id/interviews/schedule')
  @HttpCode(200)
  @Roles('provider')
  @ApiOperation({
    summary:
      'Department: schedule (or move) the interview that is due (提示约谈, then 警示约谈); the subject is told',
  })
  @ApiBodyExample(ScheduleInterviewDto, {
    at: '2027-05-20T10:00:00+08:00',
    place: '永昌县市场监督管理局三楼会议室',
    participants: ['张科长（信用监管股）', '李干事（信用监管股）'],
    representative: { name: '王五', capacity: '法定代表人' },
  })
  @ApiForbiddenResponse({ description: DEPARTMENT_ONLY })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  schedule(
    @Param('id', uuid) id: string,
    @Body() body: ScheduleInterviewDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.rectifications.act(principal, id, scheduleInterviewUpdate, { ...body }, idempotencyKey);
  }

  @Post(':id/interviews/record')
  @HttpCode(200)
  @Roles('provider')
  @ApiOperation({
    summary:
      'Department: record the interview once held (or that the subject did not appear); a new deadline',
    description:
      'The record enters the subject’s credit record (约谈记录) and is pushed to the platform; the answer comes ' +
      'once it is registered.',
  })
  @ApiBodyExample(RecordInterviewDto, {
    appeared: true,
    summary: '告知其未按期整改的情形及法律后果，听取其陈述',
    undertakings: '十个工作日内补报年度报告并建立制度',
  })
  @ApiForbiddenResponse({ description: DEPARTMENT_ONLY })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  record(
    @Param('id', uuid) id: string,
    @Body() body: RecordInterviewDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    const input: Omit<RecordInterviewInput, 'actor'> = { ...body };
    return this.rectifications.act(principal, id, recordInterviewUpdate, input, idempotencyKey);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('provider')
  @ApiOperation({
    summary: 'Department: withdraw the order (撤销整改要求), with the reason; the subject is told',
  })
  @ApiBodyExample(CancelDto, { reason: '原行政处罚决定已被依法撤销' })
  @ApiForbiddenResponse({ description: DEPARTMENT_ONLY })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  cancel(
    @Param('id', uuid) id: string,
    @Body() body: CancelDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.rectifications.act(principal, id, cancelRectificationUpdate, { ...body }, idempotencyKey);
  }

  @Post(':id/query-code')
  @HttpCode(200)
  @Roles('provider')
  @ApiOperation({ summary: 'Department: give the subject a new query code (the previous one stops working)' })
  @ApiForbiddenResponse({ description: DEPARTMENT_ONLY })
  reissueQueryCode(@Param('id', uuid) id: string, @CurrentPrincipal() principal: Principal) {
    return this.rectifications.reissueQueryCode(principal, id);
  }

  @Post(':id/consequence/decision')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({
    summary: 'Supervisor: confirm (applied) or reject the consequence proposed after a 警示约谈',
  })
  @ApiBodyExample(ConsequenceDecisionDto, { confirmed: true, reason: '同意列入重点关注名单' })
  @ApiNotFoundResponse({ description: 'RECTIFICATION_NOT_FOUND (also another jurisdiction’s)' })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  decide(
    @Param('id', uuid) id: string,
    @Body() body: ConsequenceDecisionDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.rectifications.decide(principal, id, { ...body }, idempotencyKey);
  }
}
