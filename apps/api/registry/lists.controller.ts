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
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { Registry } from '../../../activities/registry';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/roles';
import { ApiBodyExample } from '../common/openapi';
import { requireDepartment, revealsOnRecord } from './disclosure';
import { RegistryErrorFilter } from './registry-error.filter';
import { AddListEntryDto, ListExitQueryDto, ReasonDto } from './registry.schemas';
import { REGISTRY } from './registry.token';
import { listEntryView, listExitView } from './views';

/** Red lists, blacklists and 重点关注 lists (名单), with effective and expiry dates. */
@ApiTags('registry: lists')
@ApiBearerAuth()
@UseFilters(RegistryErrorFilter)
@Controller('api')
export class ListsController {
  constructor(@Inject(REGISTRY) private readonly registry: Registry) {}

  @Post('list-entries')
  @HttpCode(201)
  @Roles('provider')
  @ApiOperation({ summary: 'Put a subject on a list, as the identifying department (provider)' })
  @ApiBodyExample(AddListEntryDto, {
    subjectCode: '52410422MJ0000011U',
    listType: 'black',
    domain: '民政',
    listName: '社会组织严重违法失信名单',
    basis: '《社会组织信用信息管理办法》第十九条',
    effectiveFrom: '2026-03-05',
    expiresOn: '2029-03-05',
  })
  @ApiBadRequestResponse({
    description: 'VALIDATION_FAILED, LIST_DATES_INVALID, LIST_RECORD_MISMATCH, SUBJECT_CODE_INVALID',
  })
  @ApiNotFoundResponse({ description: 'SUBJECT_NOT_FOUND, RECORD_NOT_FOUND' })
  @ApiCreatedResponse({ description: 'Listed' })
  @ApiOkResponse({ description: 'Already listed by the same decision document, with the same content' })
  @ApiConflictResponse({
    description: 'LIST_ENTRY_DOCUMENT_TAKEN: an entry in force of the same document has other content',
  })
  async add(
    @Body() body: AddListEntryDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { entry, created } = await this.registry.lists.addEntry({
      ...body,
      department: requireDepartment(principal),
      actor: principal.sub,
    });
    if (!created) res.status(200);
    return { created, ...listEntryView(entry) };
  }

  @Post('list-entries/:id/exit')
  @ApiBodyExample(ReasonDto, { reason: '整改到位，移出重点关注名单' })
  @HttpCode(200)
  @Roles('provider', 'supervisor')
  @ApiOperation({
    summary: 'Take the subject off the list today (名单退出); measures resting on the entry are lifted',
    description:
      'provider: entries of its own department; supervisor: any. Recorded as a manual exit, pushed to the ' +
      'credit platform (list.exited) and told to every department executing a measure on the entry.',
  })
  @ApiForbiddenResponse({ description: 'LIST_ENTRY_OTHER_DEPARTMENT' })
  @ApiNotFoundResponse({ description: 'LIST_ENTRY_NOT_FOUND' })
  @ApiConflictResponse({ description: 'LIST_ENTRY_ALREADY_EXITED' })
  async exit(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReasonDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    const onlyDepartment = principal.roles.includes('supervisor') ? undefined : requireDepartment(principal);
    return listEntryView(
      await this.registry.lists.exitEntry(id, {
        actor: principal.sub,
        reason: body.reason,
        caseRef: body.caseRef,
        onlyDepartment,
      }),
    );
  }

  @Get('lists/exits')
  @Roles('caseworker', 'provider', 'supervisor', 'admin')
  @ApiOperation({
    summary: 'List exits (名单退出), newest first: expiry, repair, revoked record, red list lost, manual',
    description:
      'Each exit with its cause, reason, case, the measures lifted and the executing departments told. ' +
      '`department` matches the identifying department of the entry or a department told of the exit.',
  })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED' })
  async exits(@Query() query: ListExitQueryDto, @CurrentPrincipal() principal: Principal) {
    const rows = await this.registry.listExits.list(query);
    return {
      items: rows.map((row) => listExitView(row, revealsOnRecord(principal, row.entry))),
    };
  }

  @Get('subjects/:code/list-entries')
  @Roles('caseworker', 'provider', 'supervisor', 'admin')
  @ApiOperation({
    summary: 'All list entries of a subject, and its standing today (current entries, double-blacklist flag)',
  })
  @ApiNotFoundResponse({ description: 'SUBJECT_NOT_FOUND' })
  async ofSubject(@Param('code') code: string) {
    const subject = await this.registry.subjects.findByCode(code);
    const standing = await this.registry.lists.standing(subject.id);
    return {
      items: (await this.registry.lists.entriesOf(subject.id)).map(listEntryView),
      current: standing.current.map((e) => e.id),
      blacklistDomains: standing.blacklistDomains,
      heavierPunishment: standing.heavierPunishment,
    };
  }
}
