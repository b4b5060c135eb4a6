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
  acceptRepairUpdate,
  requestRepairMaterialsUpdate,
  supplyRepairMaterialsUpdate,
  withdrawRepairUpdate,
} from '../../../workflows/repair/messages';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { IdempotentAction } from '../cases/action-idempotency';
import type { Principal } from '../auth/roles';
import { uuid as uuidSchema } from '../common/field-schemas';
import { ApiBodyExample } from '../common/openapi';
import { ZodValidationPipe } from '../common/validation';
import { REPAIR_MATERIALS_EXAMPLE } from './repair-applications.controller';
import { RepairApplicationsService } from './repair-applications.service';
import {
  AcceptDto,
  CountQueryDto,
  RepairDecisionDto,
  ListQueryDto,
  RegisterApplicationDto,
  RepairMaterialsRequestDto,
  RevocationDto,
  SupplyMaterialsDto,
  RepairWithdrawDto,
} from './repairs.schemas';
import { RepairsService } from './repairs.service';

const uuid = new ZodValidationPipe(uuidSchema());

const REFUSALS =
  'Refused by the workflow: REPAIR_ENDED, REPAIR_WRONG_STATUS, REPAIR_MATERIALS_MISSING (409); ' +
  'REPAIR_INVALID_INPUT (422)';
const OFFICE_ONLY =
  'REPAIR_OTHER_OFFICE (a caseworker of another office of the jurisdiction), AUTH_FORBIDDEN_ROLE';

/**
 * 信用修复 for staff: the office registers applications received at the window and runs 补正,
 * 受理 and withdrawal; the identifying department (谁认定、谁修复) decides and may revoke; the
 * supervisor and the office follow every application. Actions are workflow updates
 * (workflows/repair/messages); reads come from the read model the workflow keeps. The subject's
 * own routes (pre-check, online application, look-up) are RepairApplicationsController.
 */
@ApiTags('repairs')
@ApiBearerAuth()
@Controller('api/repairs')
export class RepairsController {
  constructor(
    private readonly applications: RepairApplicationsService,
    private readonly repairs: RepairsService,
  ) {}

  // Static paths before `:id`.

  @Get('decisions/pending')
  @Roles('provider')
  @ApiOperation({
    summary: 'Identifying department: accepted applications on its records waiting for its decision',
    description: 'Earliest due first, with the record, the eligibility and the submitted materials.',
  })
  pending(@CurrentPrincipal() principal: Principal) {
    return this.repairs.pendingDecisions(principal);
  }

  @Get('counts')
  @Roles('supervisor', 'caseworker', 'provider')
  @ApiOperation({
    summary: 'Counts by status, tier or department (the record’s identifying department), within scope',
    description: 'Takes the same filters as the listing.',
  })
  counts(@Query() query: CountQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.repairs.counts(principal, query);
  }

  @Get()
  @Roles('supervisor', 'caseworker', 'provider')
  @ApiOperation({
    summary: 'Repair applications within the caller’s scope, newest first',
    description:
      'Scope: a supervisor its jurisdiction, a caseworker its office’s applications, a provider those on its ' +
      'department’s records. Filters: status and tier (comma lists), department (the record’s identifying ' +
      'department), office, overdue, subjectCode, jurisdiction; page, pageSize.',
  })
  list(@Query() query: ListQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.repairs.list(principal, query);
  }

  @Post()
  @HttpCode(201)
  @Roles('caseworker')
  @ApiOperation({
    summary: 'Caseworker: register an application received at the window, by mail or from a department',
    description:
      'Any office of the jurisdiction may register it; the caller’s jurisdiction’s policy applies. As the ' +
      'online application: answered once eligibility is checked (refused at once with the reasons and ' +
      'reapplyFrom when not eligible, 201 either way); the applicant’s query code is shown only here; the ' +
      'same Idempotency-Key with the same body returns the same application (200), with another body 409.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '8–200 visible ASCII characters' })
  @ApiBodyExample(RegisterApplicationDto, {
    recordId: '3f1c7a52-8d4e-4b7a-9c1e-2a6b5d4e3f21',
    subjectCode: '52410422MJ0000011U',
    applicant: { name: '张三', contact: '13800000000' },
    materials: REPAIR_MATERIALS_EXAMPLE,
    channel: 'window',
  })
  @ApiCreatedResponse({
    description: 'Registered; eligibility checked (or still being checked after the wait)',
  })
  @ApiOkResponse({ description: 'Same key and body as before: the application registered then' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED, IDEMPOTENCY_KEY_REQUIRED' })
  @ApiForbiddenResponse({
    description: 'AUTH_FORBIDDEN_ROLE, AUTH_DEPARTMENT_REQUIRED, AUTH_JURISDICTION_REQUIRED',
  })
  @ApiNotFoundResponse({ description: 'REPAIR_RECORD_NOT_FOUND' })
  @ApiConflictResponse({ description: 'REPAIR_ALREADY_OPEN (with the case number), IDEMPOTENCY_KEY_REUSED' })
  @ApiUnprocessableEntityResponse({ description: 'REPAIR_SUBJECT_MISMATCH, REPAIR_POLICY_MISSING' })
  async register(
    @Body() body: RegisterApplicationDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.applications.registerAtOffice(principal, idempotencyKey, body);
    if (!result.created) res.status(200);
    return result;
  }

  @Get(':id')
  @Roles('supervisor', 'caseworker', 'provider')
  @ApiOperation({
    summary: 'The application’s file: eligibility, materials, deadlines, decision, effects, letter, timeline',
  })
  @ApiNotFoundResponse({ description: 'REPAIR_NOT_FOUND (also outside the caller’s scope)' })
  detail(@Param('id', uuid) id: string, @CurrentPrincipal() principal: Principal) {
    return this.repairs.detail(principal, id);
  }

  @Post(':id/materials-request')
  @HttpCode(200)
  @Roles('caseworker')
  @ApiOperation({
    summary: 'Caseworker: ask the applicant for materials (补正); the acceptance clock stops',
    description:
      'The applicant is told what to supply and by when; when that passes, the application lapses.',
  })
  @ApiBodyExample(RepairMaterialsRequestDto, {
    items: ['credit-report'],
    note: '请提供近一个月内出具的信用报告',
  })
  @ApiNotFoundResponse({ description: 'REPAIR_NOT_FOUND (also another jurisdiction’s)' })
  @ApiForbiddenResponse({ description: OFFICE_ONLY })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  requestMaterials(
    @Param('id', uuid) id: string,
    @Body() body: RepairMaterialsRequestDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.repairs.officeAction(
      principal,
      id,
      requestRepairMaterialsUpdate,
      { ...body },
      idempotencyKey,
    );
  }

  @Post(':id/materials')
  @HttpCode(200)
  @Roles('caseworker')
  @ApiOperation({
    summary: 'Caseworker: record materials the applicant brought (until the decision)',
    description: 'Complete again after 补正: the acceptance clock runs on.',
  })
  @ApiBodyExample(SupplyMaterialsDto, {
    materials: [{ kind: 'credit-report', attachment: { ref: 'DOC-2026-0101', name: '信用报告' } }],
  })
  @ApiNotFoundResponse({ description: 'REPAIR_NOT_FOUND (also another jurisdiction’s)' })
  @ApiForbiddenResponse({ description: OFFICE_ONLY })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  supplyMaterials(
    @Param('id', uuid) id: string,
    @Body() body: SupplyMaterialsDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.repairs.officeAction(principal, id, supplyRepairMaterialsUpdate, { ...body }, idempotencyKey);
  }

  @Post(':id/accept')
  @HttpCode(200)
  @Roles('caseworker')
  @ApiOperation({
    summary: 'Caseworker: accept the complete application (受理); the identifying department’s clock starts',
  })
  @ApiBodyExample(AcceptDto, { note: '材料齐全，转认定部门审核' })
  @ApiNotFoundResponse({ description: 'REPAIR_NOT_FOUND (also another jurisdiction’s)' })
  @ApiForbiddenResponse({ description: OFFICE_ONLY })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  accept(
    @Param('id', uuid) id: string,
    @Body() body: AcceptDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.repairs.officeAction(principal, id, acceptRepairUpdate, { ...body }, idempotencyKey);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Roles('caseworker')
  @ApiOperation({ summary: 'Caseworker, for the applicant: withdraw the application before the decision' })
  @ApiBodyExample(RepairWithdrawDto, { reason: '申请人书面申请撤回' })
  @ApiNotFoundResponse({ description: 'REPAIR_NOT_FOUND (also another jurisdiction’s)' })
  @ApiForbiddenResponse({ description: OFFICE_ONLY })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  withdraw(
    @Param('id', uuid) id: string,
    @Body() body: RepairWithdrawDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.repairs.officeAction(principal, id, withdrawRepairUpdate, { ...body }, idempotencyKey);
  }

  @Post(':id/decision')
  @HttpCode(200)
  @Roles('provider')
  @ApiOperation({
    summary: 'Identifying department: approve or refuse the accepted application, with reasons',
    description:
      'Approval: the record’s publicity and sharing stop, measures on it are lifted (executing departments ' +
      'told), list entries resting on it exit, the 信用修复承诺 starts; answered once the 信用修复决定书 is on ' +
      'file. Refusal: the 不予信用修复决定书 with reapplyFrom.',
  })
  @ApiBodyExample(RepairDecisionDto, { approved: true, reasons: '已缴清罚款并完成整改，符合信用修复条件' })
  @ApiNotFoundResponse({ description: 'REPAIR_NOT_FOUND (also applications on other departments’ records)' })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  decide(
    @Param('id', uuid) id: string,
    @Body() body: RepairDecisionDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.repairs.decide(principal, id, { ...body }, idempotencyKey);
  }

  @Post(':id/revocation')
  @HttpCode(200)
  @Roles('provider')
  @ApiOperation({
    summary: 'Identifying department: revoke an approved repair, the materials being false',
    description:
      'The record is published again, lifted measures applied again, exited list entries restored, the ' +
      'subject barred from repair (barredUntil); answered once the 撤销信用修复决定书 is on file.',
  })
  @ApiBodyExample(RevocationDto, { reason: '经核查，提交的罚款缴纳凭证系伪造' })
  @ApiNotFoundResponse({ description: 'REPAIR_NOT_FOUND (also applications on other departments’ records)' })
  @ApiConflictResponse({ description: REFUSALS })
  @IdempotentAction()
  revoke(
    @Param('id', uuid) id: string,
    @Body() body: RevocationDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.repairs.revoke(principal, id, { ...body }, idempotencyKey);
  }
}
