import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { Registry } from '../../../activities/registry';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/roles';
import { DIRECTORY, jurisdictionByCode } from '../../../workflows/reference/directory';
import { badRequest } from '../common/errors';
import { ApiBodyExample } from '../common/openapi';
import { revealsSubject } from './disclosure';
import { RegistryErrorFilter } from './registry-error.filter';
import { RegisterSubjectDto, SubjectQueryDto } from './registry.schemas';
import { REGISTRY } from './registry.token';
import { subjectSummary, subjectView } from './views';

/** Credit subjects (信用主体) and their responsible persons. */
@ApiTags('registry: subjects')
@ApiBearerAuth()
@UseFilters(RegistryErrorFilter)
@Controller('api/subjects')
export class SubjectsController {
  constructor(@Inject(REGISTRY) private readonly registry: Registry) {}

  @Post()
  @HttpCode(201)
  @Roles('caseworker', 'provider', 'admin')
  @ApiOperation({
    summary:
      'Register a subject, with its legal representative and responsible persons (caseworker, provider, admin)',
    description:
      'Codes are checked against GB 32100 / GB 11643. Registering the same code and name again returns ' +
      'the existing subject with 200.',
  })
  @ApiBodyExample(RegisterSubjectDto, {
    kind: 'other-organisation',
    code: '52410422MJ0000011U',
    name: '叶县某养老服务中心',
    jurisdiction: 'yexian-mz',
    persons: [{ role: 'legal-representative', code: '11010519491231002X', name: '王五' }],
  })
  @ApiCreatedResponse({ description: 'Registered' })
  @ApiOkResponse({ description: 'Already registered (same code and name)' })
  @ApiBadRequestResponse({
    description:
      'SUBJECT_CODE_INVALID, VALIDATION_FAILED, SUBJECT_PERSONS_NOT_ALLOWED, SUBJECT_JURISDICTION_UNKNOWN (the valid codes listed)',
  })
  @ApiConflictResponse({ description: 'SUBJECT_CODE_TAKEN: the code is registered under another name' })
  async register(
    @Body() body: RegisterSubjectDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ) {
    // The subject's jurisdiction decides which supervisors see its people's full numbers: a
    // directory code, the registering office's own when not given.
    const jurisdiction = body.jurisdiction ?? principal.jurisdiction;
    if (jurisdiction !== undefined && !jurisdictionByCode(jurisdiction)) {
      throw badRequest(
        'SUBJECT_JURISDICTION_UNKNOWN',
        `未知的辖区代码“${jurisdiction}”；可用的辖区：${DIRECTORY.map((j) => `${j.code}（${j.name}）`).join('、')}。`,
        { jurisdictions: DIRECTORY.map((j) => j.code) },
      );
    }
    const { view, created } = await this.registry.subjects.register({
      ...body,
      ...(jurisdiction === undefined ? {} : { jurisdiction }),
      actor: principal.sub,
    });
    if (!created) res.status(200);
    return {
      created,
      ...subjectView(view, await revealsSubject(principal, view.subject, this.registry.records)),
    };
  }

  @Get()
  @Roles('caseworker', 'provider', 'supervisor', 'admin')
  @ApiOperation({ summary: 'Find subjects by name or kind' })
  async list(@Query() query: SubjectQueryDto, @CurrentPrincipal() principal: Principal) {
    const subjects = await this.registry.subjects.list(query);
    const items = [];
    for (const s of subjects)
      items.push(subjectSummary(s, await revealsSubject(principal, s, this.registry.records)));
    return { items };
  }

  @Get(':code')
  @Roles('caseworker', 'provider', 'supervisor', 'admin')
  @ApiOperation({ summary: 'One subject with linked persons / organisations' })
  @ApiBadRequestResponse({ description: 'SUBJECT_CODE_INVALID' })
  @ApiNotFoundResponse({ description: 'SUBJECT_NOT_FOUND' })
  async get(@Param('code') code: string, @CurrentPrincipal() principal: Principal) {
    const view = await this.registry.subjects.getByCode(code);
    return subjectView(view, await revealsSubject(principal, view.subject, this.registry.records));
  }
}
