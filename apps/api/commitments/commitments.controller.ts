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
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import {
  decideBreachUpdate,
  extendItemUpdate,
  recordVerificationUpdate,
  supplyItemUpdate,
  withdrawCommitmentUpdate,
} from '../../../workflows/commitment/messages';
import { CurrentPrincipal, Public, Roles } from '../auth/auth.decorators';
import { PublicRateLimit } from '../common/throttling';
import { IdempotentAction } from '../cases/action-idempotency';
import type { Principal } from '../auth/roles';
import { uuid as uuidSchema } from '../common/field-schemas';
import { ApiBodyExample } from '../common/openapi';
import { ZodValidationPipe } from '../common/validation';
import {
  CountQueryDto,
  CreateCommitmentDto,
  DecideBreachDto,
  ExtendItemDto,
  ListQueryDto,
  LookupQueryDto,
  positionSchema,
  ReportBreachDto,
  SupplyItemDto,
  CommitmentVerificationDto,
  CommitmentWithdrawDto,
} from './commitments.schemas';
import { CommitmentsService } from './commitments.service';

const uuid = new ZodValidationPipe(uuidSchema());
const position = new ZodValidationPipe(positionSchema);

const REFUSALS =
  'Refused by the workflow: COMMITMENT_ENDED, COMMITMENT_WRONG_STATUS, COMMITMENT_ITEM_SUPPLIED, ' +
  'COMMITMENT_DEADLINE_PASSED, COMMITMENT_REPORT_DECIDED (409); COMMITMENT_INVALID_INPUT (422)';
const DEPARTMENT_ONLY =
  'COMMITMENT_OTHER_DEPARTMENT (a caseworker of another department), AUTH_FORBIDDEN_ROLE';

/**
 * 信用承诺 (commitments): signing (容缺受理, 告知承诺, 主动/自律承诺) with the credit check at intake,
 * the department's actions, reported breaches, the signer's look-up without login and the
 * supervisor's listings. Actions are workflow updates (workflows/commitment/messages); reads come
 * from the read model the workflow keeps. The public 信用承诺专栏 is PublicCommitmentsController.
 */
@ApiTags('commitments')
@ApiBearerAuth()
@Controller('api/commitments')
export class CommitmentsController {
  constructor(private readonly commitments: CommitmentsService) {}

  // Static paths before `:id`.

  @Get('lookup')
  @Public()
  @PublicRateLimit('lookup')
  @ApiOperation({
    summary: 'Signer: a commitment by query code and subject code (no token)',
    description:
      'Status, what is still owed and by when, why it was refused or breached, and a timeline without ' +
      'internal actors, reminders or undecided reports. A wrong code or subject gives 404 without saying which.',
  })
  @ApiQuery({ name: 'queryCode', example: '7K2M-Q9TX-4HCP' })
  @ApiQuery({ name: 'subjectCode', example: '52410422MJ0000011U' })
  @ApiNotFoundResponse({ description: 'COMMITMENT_LOOKUP_NOT_FOUND' })
  lookup(@Query() query: LookupQueryDto) {
    return this.commitments.lookup(query.queryCode, query.subjectCode);
  }

  @Get('counts')
  @Roles('supervisor', 'caseworker')
  @ApiOperation({
    summary: 'Counts by kind, status or department, within the caller’s scope',
    description: 'Takes the same filters as the listing.',
  })
  counts(@Query() query: CountQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.commitments.counts(principal, query);
  }

  @Get()
  @Roles('supervisor', 'caseworker')
  @ApiOperation({
    summary: 'Commitments within the caller’s scope, newest first',
    description:
      'Scope: a supervisor its jurisdiction, a caseworker its department’s commitments. Filters: kind and ' +
      'status (comma lists), department, subjectCode, dueBefore (an open item or deadline due before it), ' +
      'overdue, breached, jurisdiction; page, pageSize.',
  })
  list(@Query() query: ListQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.commitments.list(principal, query);
  }

  @Post()
  @HttpCode(201)
  @Roles('caseworker')
  @ApiOperation({
    summary: 'Caseworker: register a signed commitment and start its workflow',
    description:
      'The subject must be registered (its name and kind come from the registry). The policy in force for ' +
      'the caller’s jurisdiction applies. The answer comes once the credit check at intake (逢办必查) has ' +
      'decided (at most ~10 s): status in-force, or refused with eligibility.reasons — a refused commitment ' +
      'is a case file too (201). The signer’s query code is shown only here. The same Idempotency-Key with ' +
      'the same body returns the same commitment (200, no query code); with another body 409.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '8–200 visible ASCII characters' })
  @ApiBodyExample(CreateCommitmentDto, {
    kind: 'deferred-materials',
    subjectCode: '52410422MJ0000011U',
    signer: { name: '张三', capacity: '法定代表人', contact: '13800000000' },
    matter: '养老机构备案',
    items: [
      { name: '消防安全检查合格证明', limit: { value: 20, unit: 'working-days' } },
      { name: '房屋租赁合同', limit: { value: 1, unit: 'months' } },
    ],
  })
  @ApiCreatedResponse({ description: 'Registered; the intake decided (or still checks after the wait)' })
  @ApiOkResponse({ description: 'Same key and body as before: the commitment registered then' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED, IDEMPOTENCY_KEY_REQUIRED' })
  @ApiForbiddenResponse({
    description: 'AUTH_FORBIDDEN_ROLE, AUTH_DEPARTMENT_REQUIRED, AUTH_JURISDICTION_REQUIRED',
  })
  @ApiNotFoundResponse({ description: 'COMMITMENT_SUBJECT_NOT_FOUND' })
  @ApiConflictResponse({ description: 'IDEMPOTENCY_KEY_REUSED' })
  @ApiUnprocessableEntityResponse({ description: 'COMMITMENT_POLICY_MISSING' })
  async create(
    @Body() body: CreateCommitmentDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.commitments.create(principal, idempotencyKey, body);
    if (!result.created) res.status(200);
    return result;
  }

  @Get(':id')
  @Roles('supervisor', 'caseworker')
  @ApiOperation({
    summary:
      'The commitment’s file: eligibility, signed text, items and deadlines, reports, breach, timeline',
  })
  @ApiNotFoundResponse({ description: 'COMMITMENT_NOT_FOUND (also outside the caller’s scope)' })
  detail(@Param('id', uuid) id: string, @CurrentPrincipal() principal: Principal) {
    return this.commitments.detail(principal, id);
  }

  @Post(':id/items/:no/supply')
  @HttpCode(200)
  @Roles('caseworker')
  @ApiOperation({ summary: 'Caseworker: a promised material (容缺受理) was supplied' })
  @ApiBodyExample(SupplyItemDto, {
    attachment: { ref: 'DOC-2026-0101', name: '消防安全检查合格证明' },
    note: '原件已核验',
  })
  @ApiForbiddenResponse({ description: DEPARTMENT_ONLY })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  supply(
    @Param('id', uuid) id: string,
    @Param('no', position) no: number,
    @Body() body: SupplyItemDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.commitments.act(principal, id, supplyItemUpdate, { itemNo: no, ...body }, idempotencyKey);
  }

  @Post(':id/items/:no/extend')
  @HttpCode(200)
  @Roles('caseworker')
  @ApiOperation({
    summary: 'Caseworker: more working days for one item, with a reason (延期); the signer is told',
  })
  @ApiBodyExample(ExtendItemDto, { workingDays: 10, reason: '消防部门验收排期延后' })
  @ApiForbiddenResponse({ description: DEPARTMENT_ONLY })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  extend(
    @Param('id', uuid) id: string,
    @Param('no', position) no: number,
    @Body() body: ExtendItemDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.commitments.act(principal, id, extendItemUpdate, { itemNo: no, ...body }, idempotencyKey);
  }

  @Post(':id/verification')
  @HttpCode(200)
  @Roles('caseworker')
  @ApiOperation({ summary: 'Caseworker: the result of 事后核查 of a 告知承诺 (true → kept, false → breach)' })
  @ApiBodyExample(CommitmentVerificationDto, { truthful: true, finding: '现场核查，场地、人员与承诺一致' })
  @ApiForbiddenResponse({ description: DEPARTMENT_ONLY })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  verification(
    @Param('id', uuid) id: string,
    @Body() body: CommitmentVerificationDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.commitments.act(principal, id, recordVerificationUpdate, { ...body }, idempotencyKey);
  }

  @Post(':id/breach-reports')
  @HttpCode(200)
  @Roles('caseworker', 'supervisor', 'provider')
  @ApiOperation({
    summary: 'Staff of the jurisdiction: report a suspected breach (违诺线索) for the department to decide',
  })
  @ApiBodyExample(ReportBreachDto, { description: '群众举报该机构未按承诺配备护理人员', source: '投诉举报' })
  @ApiNotFoundResponse({ description: 'COMMITMENT_NOT_FOUND (also another jurisdiction’s)' })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  reportBreach(
    @Param('id', uuid) id: string,
    @Body() body: ReportBreachDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.commitments.reportBreach(principal, id, { ...body }, idempotencyKey);
  }

  @Post(':id/breach-reports/:no/decision')
  @HttpCode(200)
  @Roles('caseworker')
  @ApiOperation({
    summary: 'Caseworker: confirm (→ breach, record, measures) or dismiss a reported breach, with reasons',
  })
  @ApiBodyExample(DecideBreachDto, { confirmed: false, reason: '经现场核实，护理人员配备符合承诺' })
  @ApiForbiddenResponse({ description: DEPARTMENT_ONLY })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  decideBreach(
    @Param('id', uuid) id: string,
    @Param('no', position) no: number,
    @Body() body: DecideBreachDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.commitments.act(principal, id, decideBreachUpdate, { reportNo: no, ...body }, idempotencyKey);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Roles('caseworker')
  @ApiOperation({
    summary: 'Caseworker, for the signer: withdraw the application before any deadline passed',
  })
  @ApiBodyExample(CommitmentWithdrawDto, { reason: '申请人书面申请撤回办理申请' })
  @ApiForbiddenResponse({ description: DEPARTMENT_ONLY })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  withdraw(
    @Param('id', uuid) id: string,
    @Body() body: CommitmentWithdrawDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.commitments.act(principal, id, withdrawCommitmentUpdate, { ...body }, idempotencyKey);
  }

  @Post(':id/query-code')
  @HttpCode(200)
  @Roles('caseworker')
  @ApiOperation({ summary: 'Caseworker: give the signer a new query code (the previous one stops working)' })
  @ApiForbiddenResponse({ description: DEPARTMENT_ONLY })
  reissueQueryCode(@Param('id', uuid) id: string, @CurrentPrincipal() principal: Principal) {
    return this.commitments.reissueQueryCode(principal, id);
  }
}
