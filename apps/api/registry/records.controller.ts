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
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { Registry } from '../../../activities/registry';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/roles';
import { ApiBodyExample } from '../common/openapi';
import { recordActionScope, requireDepartment, revealsOnRecord } from './disclosure';
import { RegistryErrorFilter } from './registry-error.filter';
import { RecordQueryDto, RecordTransitionDto, RegisterRecordDto } from './registry.schemas';
import { REGISTRY } from './registry.token';
import { listExitView, recordEventView, recordView } from './views';

const uuid = new ParseUUIDPipe({ version: '4' });

/** Credit records (信用记录): registration by providers, reads, and lifecycle actions by role. */
@ApiTags('registry: records')
@ApiBearerAuth()
@UseFilters(RegistryErrorFilter)
@Controller('api/records')
export class RecordsController {
  constructor(@Inject(REGISTRY) private readonly registry: Registry) {}

  @Post()
  @HttpCode(201)
  @Roles('provider')
  @ApiOperation({
    summary: 'Register a record of the caller’s department (provider)',
    description:
      'Idempotent on (department, documentNo): the same submission again returns the first record with 200; ' +
      'a different one with the same document number is refused with 409.',
  })
  @ApiBodyExample(RegisterRecordDto, {
    subjectCode: '52410422MJ0000011U',
    kind: 'administrative-penalty',
    documentNo: '叶民罚决字〔2026〕3号',
    decisionDate: '2026-03-02',
    severityTier: '一般',
    title: '未按规定报送年度工作报告',
    content: '给予警告',
    publicityStart: '2026-03-05',
  })
  @ApiCreatedResponse({ description: 'Registered' })
  @ApiOkResponse({ description: 'Same submission registered before: the existing record' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED, RECORD_FIELDS_INVALID, SUBJECT_CODE_INVALID' })
  @ApiNotFoundResponse({ description: 'SUBJECT_NOT_FOUND' })
  @ApiConflictResponse({ description: 'RECORD_DOCUMENT_CONFLICT' })
  async register(
    @Body() body: RegisterRecordDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ) {
    const department = requireDepartment(principal);
    const { record, created } = await this.registry.records.register({
      ...body,
      department,
      actor: principal.sub,
    });
    if (!created) res.status(200);
    const { subject } = await this.registry.records.get(record.id);
    return { created, ...recordView(record, subject, true) };
  }

  @Get()
  @Roles('caseworker', 'provider', 'supervisor', 'admin')
  @ApiOperation({ summary: 'Records, newest decision first, filtered by subject, department, status, kind' })
  async list(@Query() query: RecordQueryDto, @CurrentPrincipal() principal: Principal) {
    const rows = await this.registry.records.list({ ...query, subjectCode: query.subject });
    return {
      items: rows.map(({ record, subject }) =>
        recordView(record, subject, revealsOnRecord(principal, record)),
      ),
    };
  }

  @Get(':id')
  @Roles('caseworker', 'provider', 'supervisor', 'admin')
  @ApiOperation({ summary: 'One record' })
  @ApiNotFoundResponse({ description: 'RECORD_NOT_FOUND' })
  async get(@Param('id', uuid) id: string, @CurrentPrincipal() principal: Principal) {
    const { record, subject } = await this.registry.records.get(id);
    return recordView(record, subject, revealsOnRecord(principal, record));
  }

  @Get(':id/events')
  @Roles('caseworker', 'provider', 'supervisor', 'admin')
  @ApiOperation({
    summary: 'The record’s file: its lifecycle history and the list exits it caused',
    description:
      '`items`: every transition (who, when, why, from which status to which), the system’s own included ' +
      '(expire at the maximum publicity period, delete at the end of retention; actor `system`). ' +
      '`listExits`: exits of list entries resting on the record, and red-list exits its registration caused.',
  })
  @ApiNotFoundResponse({ description: 'RECORD_NOT_FOUND' })
  async events(@Param('id', uuid) id: string, @CurrentPrincipal() principal: Principal) {
    const { record } = await this.registry.records.get(id);
    const reveal = revealsOnRecord(principal, record);
    const items = (await this.registry.records.events(id)).map(recordEventView);
    const exits = await this.registry.listExits.ofRecord(id);
    return { items, listExits: exits.map((row) => listExitView(row, reveal)) };
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @Roles('caseworker', 'provider', 'supervisor', 'admin')
  @ApiOperation({
    summary: 'Take a lifecycle action on a record',
    description:
      'dispute / resolve-dispute: caseworker, supervisor. hide / unhide: provider (own department), supervisor. ' +
      'correct / revoke / repair: provider of the record. expire / delete: provider of the record, admin. ' +
      'revoke-repair (撤销信用修复): only through the repair procedure (403 RECORD_ACTION_PROCEDURE_ONLY). ' +
      'Corrections, revocations, repairs, expiry and deletion are sent to the credit platform through the outbox; ' +
      'a revocation or a repair also ends the list entries resting on the record (名单退出, see GET /api/lists/exits).',
  })
  @ApiBodyExample(RecordTransitionDto, {
    action: 'correct',
    reason: '经核实处罚决定书文号记载错误',
    changes: { content: '给予警告（更正）' },
  })
  @ApiBadRequestResponse({
    description: 'VALIDATION_FAILED, REASON_REQUIRED, RECORD_CORRECTION_EMPTY, RECORD_FIELDS_INVALID',
  })
  @ApiForbiddenResponse({
    description: 'AUTH_FORBIDDEN_ROLE, RECORD_OTHER_DEPARTMENT, RECORD_ACTION_PROCEDURE_ONLY',
  })
  @ApiNotFoundResponse({ description: 'RECORD_NOT_FOUND' })
  @ApiUnprocessableEntityResponse({
    description: 'RECORD_TRANSITION_NOT_ALLOWED: not allowed from the current status',
  })
  async transition(
    @Param('id', uuid) id: string,
    @Body() body: RecordTransitionDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    const onlyDepartment = recordActionScope(principal, body.action);
    const { record, changed } = await this.registry.records.transition(id, body.action, {
      actor: principal.sub,
      reason: body.reason,
      caseRef: body.caseRef,
      changes: body.changes,
      onlyDepartment,
    });
    const { subject } = await this.registry.records.get(record.id);
    return {
      changed,
      ...recordView(record, subject, revealsOnRecord(principal, record)),
    };
  }
}
