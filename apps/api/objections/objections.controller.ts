import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
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
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import {
  extendUpdate,
  forwardUpdate,
  materialsReceivedUpdate,
  requestMaterialsUpdate,
  withdrawUpdate,
} from '../../../workflows/objection/messages';
import { CurrentPrincipal, Public, Roles } from '../auth/auth.decorators';
import { PublicRateLimit } from '../common/throttling';
import { IdempotentAction } from '../cases/action-idempotency';
import { ApiBodyExample } from '../common/openapi';
import type { Principal } from '../auth/roles';
import {
  CountQueryDto,
  CreateObjectionDto,
  ExtendDto,
  ForwardDto,
  IssueReplyDto,
  ListQueryDto,
  LookupQueryDto,
  MaterialsReceivedDto,
  RequestMaterialsDto,
  VerificationDto,
  WithdrawDto,
} from './objections.schemas';
import { ObjectionsService } from './objections.service';

const uuid = new ParseUUIDPipe({ version: '4' });

const REFUSALS =
  'Refused by the workflow: OBJECTION_ENDED, OBJECTION_WRONG_STATUS (409), OBJECTION_INVALID_INPUT (422)';

/**
 * 异议处理 (objections): intake and the caseworker's actions, the provider's verification, the
 * applicant's look-up without login, and the supervisor's listings. Actions are workflow updates
 * (workflows/objection/messages); reads come from the read model kept by the workflow's activities.
 */
@ApiTags('objections')
@ApiBearerAuth()
@Controller('api/objections')
export class ObjectionsController {
  constructor(private readonly objections: ObjectionsService) {}

  // Static paths before `:id`.

  @Get('lookup')
  @Public()
  @PublicRateLimit('lookup')
  @ApiOperation({
    summary: 'Applicant: progress of an objection by query code and subject code (no token)',
    description:
      'Status, the current step and its due date, a public timeline (no internal actors or escalations) ' +
      'and, once closed, the written reply. A wrong code or subject gives 404 without saying which.',
  })
  @ApiQuery({ name: 'queryCode', example: '7K2M-Q9TX-4HCP' })
  @ApiQuery({ name: 'subjectCode', example: '52410422MJ0000011U' })
  @ApiNotFoundResponse({ description: 'OBJECTION_LOOKUP_NOT_FOUND' })
  lookup(@Query() query: LookupQueryDto) {
    return this.objections.lookup(query.queryCode, query.subjectCode);
  }

  @Get('verifications/pending')
  @Roles('provider')
  @ApiOperation({ summary: 'Provider: cases forwarded to the caller’s department, earliest due first' })
  pending(@CurrentPrincipal() principal: Principal) {
    return this.objections.pendingVerifications(principal);
  }

  @Get('counts')
  @Roles('supervisor', 'caseworker', 'provider')
  @ApiOperation({
    summary: 'Counts by status, department (the office), step or overdue, within the caller’s scope',
    description: 'Takes the same filters as the listing.',
  })
  counts(@Query() query: CountQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.objections.counts(principal, query);
  }

  @Get()
  @Roles('supervisor', 'caseworker', 'provider')
  @ApiOperation({
    summary: 'Cases within the caller’s scope, newest first',
    description:
      'Scope: a supervisor its jurisdiction, a caseworker its department’s cases, a provider the cases on ' +
      'its records. Filters: status (comma list), department (office or provider), step, overdue, ' +
      'dueBefore (date or instant, on the current step’s due time), jurisdiction; page, pageSize.',
  })
  list(@Query() query: ListQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.objections.list(principal, query);
  }

  @Post()
  @HttpCode(201)
  @Roles('caseworker')
  @ApiOperation({
    summary: 'Caseworker: register an objection (受理) and start its workflow',
    description:
      'The record must exist and be contestable, belong to the applicant’s subject, and the channel must be ' +
      'one the jurisdiction’s policy accepts. The answer carries the applicant’s query code, shown only here. ' +
      'The same Idempotency-Key with the same body returns the same case (200, no query code); with another ' +
      'body 409.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '8–200 visible ASCII characters' })
  @ApiBodyExample(CreateObjectionDto, {
    applicant: { name: '张三', contact: '13800000000', subjectCode: '52410422MJ0000011U' },
    channel: 'window',
    recordId: '3f1c7a52-8d4e-4b7a-9c1e-2a6b5d4e3f21',
    grounds: ['facts-wrong'],
    groundsText: '已于规定期限内报送年度工作报告，有回执为证',
    attachments: [{ ref: 'DOC-2026-0001', name: '报送回执' }],
  })
  @ApiCreatedResponse({ description: 'Registered; the workflow runs' })
  @ApiOkResponse({ description: 'Same key and body as before: the case registered then' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED, IDEMPOTENCY_KEY_REQUIRED' })
  @ApiForbiddenResponse({
    description: 'AUTH_FORBIDDEN_ROLE, AUTH_DEPARTMENT_REQUIRED, AUTH_JURISDICTION_REQUIRED',
  })
  @ApiNotFoundResponse({ description: 'OBJECTION_RECORD_NOT_FOUND' })
  @ApiConflictResponse({ description: 'IDEMPOTENCY_KEY_REUSED, OBJECTION_ALREADY_OPEN' })
  @ApiUnprocessableEntityResponse({
    description:
      'OBJECTION_SUBJECT_MISMATCH, OBJECTION_RECORD_NOT_CONTESTABLE, OBJECTION_CHANNEL_NOT_ACCEPTED, OBJECTION_POLICY_MISSING',
  })
  async create(
    @Body() body: CreateObjectionDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.objections.create(principal, idempotencyKey, body);
    if (!result.created) res.status(200);
    return result;
  }

  @Get(':id')
  @Roles('supervisor', 'caseworker', 'provider')
  @ApiOperation({
    summary: 'The case file: status, deadlines, escalations, timeline, provider reply, reply letter',
  })
  @ApiNotFoundResponse({ description: 'OBJECTION_NOT_FOUND (also outside the caller’s scope)' })
  detail(@Param('id', uuid) id: string, @CurrentPrincipal() principal: Principal) {
    return this.objections.detail(principal, id);
  }

  @Post(':id/materials-request')
  @HttpCode(200)
  @Roles('caseworker')
  @ApiOperation({ summary: 'Caseworker: ask the applicant for missing materials (补正); the clock stops' })
  @ApiBodyExample(RequestMaterialsDto, { items: ['营业执照复印件'], note: '请加盖公章' })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  requestMaterials(
    @Param('id', uuid) id: string,
    @Body() body: RequestMaterialsDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.objections.act(principal, id, requestMaterialsUpdate, { ...body }, idempotencyKey);
  }

  @Post(':id/materials')
  @HttpCode(200)
  @Roles('caseworker')
  @ApiOperation({ summary: 'Caseworker: the requested materials arrived; the clock runs again' })
  @ApiBodyExample(MaterialsReceivedDto, {
    attachments: [{ ref: 'DOC-2026-0002', name: '营业执照复印件' }],
  })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  materials(
    @Param('id', uuid) id: string,
    @Body() body: MaterialsReceivedDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.objections.act(principal, id, materialsReceivedUpdate, { ...body }, idempotencyKey);
  }

  @Post(':id/forward')
  @HttpCode(200)
  @Roles('caseworker')
  @ApiOperation({ summary: 'Caseworker: forward the case to the record’s provider for verification (转办)' })
  @ApiBodyExample(ForwardDto, { note: '请核实' })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  forward(
    @Param('id', uuid) id: string,
    @Body() body: ForwardDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.objections.act(principal, id, forwardUpdate, { ...body }, idempotencyKey);
  }

  @Post(':id/extend')
  @HttpCode(200)
  @Roles('caseworker')
  @ApiOperation({ summary: 'Caseworker: extend the current step by 1–30 working days with a reason (延期)' })
  @ApiBodyExample(ExtendDto, { workingDays: 5, reason: '需调取原始执法档案' })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  extend(
    @Param('id', uuid) id: string,
    @Body() body: ExtendDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.objections.act(principal, id, extendUpdate, { ...body }, idempotencyKey);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Roles('caseworker')
  @ApiOperation({ summary: 'Caseworker, for the applicant: withdraw the objection before the result (撤回)' })
  @ApiBodyExample(WithdrawDto, { reason: '申请人书面申请撤回' })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  withdraw(
    @Param('id', uuid) id: string,
    @Body() body: WithdrawDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.objections.act(principal, id, withdrawUpdate, { ...body }, idempotencyKey);
  }

  @Post(':id/reply')
  @ApiBodyExample(IssueReplyDto, {})
  @HttpCode(200)
  @Roles('caseworker')
  @ApiOperation({ summary: 'Caseworker: issue the written reply (异议处理结果告知书) and close the case' })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  reply(
    @Param('id', uuid) id: string,
    @Body() body: IssueReplyDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.objections.issueReply(principal, id, { ...body }, idempotencyKey);
  }

  @Post(':id/query-code')
  @HttpCode(200)
  @Roles('caseworker')
  @ApiOperation({
    summary: 'Caseworker: give the applicant a new query code (the previous one stops working)',
  })
  reissueQueryCode(@Param('id', uuid) id: string, @CurrentPrincipal() principal: Principal) {
    return this.objections.reissueQueryCode(principal, id);
  }

  @Post(':id/verification')
  @HttpCode(200)
  @Roles('provider')
  @ApiOperation({
    summary: 'Provider: the written verification result (核查意见) on a case about its own record',
    description:
      'outcome upheld / corrected (with correctedValues) / revoked; wrongfulPunishment opens 恢复信誉.',
  })
  @ApiBodyExample(VerificationDto, {
    outcome: 'corrected',
    opinion: '经核实，处罚决定日期登记有误',
    correctedValues: { decisionDate: '2026-03-03' },
    wrongfulPunishment: false,
  })
  @ApiNotFoundResponse({ description: 'OBJECTION_NOT_FOUND (also cases on other departments’ records)' })
  @ApiConflictResponse({
    description: 'VERIFICATION_ALREADY_REPLIED, OBJECTION_WRONG_STATUS, OBJECTION_ENDED',
  })
  @ApiUnprocessableEntityResponse({ description: 'OBJECTION_INVALID_INPUT' })
  @IdempotentAction()
  verification(
    @Param('id', uuid) id: string,
    @Body() body: VerificationDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.objections.verify(principal, id, body, idempotencyKey);
  }
}
