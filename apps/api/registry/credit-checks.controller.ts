import { Controller, Get, Inject, Param, ParseUUIDPipe, Query, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Registry } from '../../../activities/registry';
import type { StoredCreditCheck } from '../../../activities/registry/credit-check';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/roles';
import { displayCode, revealsSubject } from './disclosure';
import { RegistryErrorFilter } from './registry-error.filter';
import { CreditCheckListQueryDto, CreditCheckQueryDto } from './registry.schemas';
import { REGISTRY } from './registry.token';

/** 逢办必查: the credit check before handling a matter, stored with the case file. */
@ApiTags('registry: credit checks')
@ApiBearerAuth()
@UseFilters(RegistryErrorFilter)
@Controller('api')
export class CreditChecksController {
  constructor(@Inject(REGISTRY) private readonly registry: Registry) {}

  @Get('subjects/:code/credit-check')
  @Roles('caseworker', 'provider', 'supervisor', 'admin')
  @ApiOperation({
    summary: 'Check a subject before handling a matter (逢办必查); the check and its answer are stored',
    description:
      'Returns the lists the subject is on today, the double-blacklist flag (heavier punishment), measures in ' +
      'force, and the credit commitments in force, kept or breached.',
  })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED (matter missing), SUBJECT_CODE_INVALID' })
  @ApiNotFoundResponse({ description: 'SUBJECT_NOT_FOUND' })
  async check(
    @Param('code') code: string,
    @Query() query: CreditCheckQueryDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.registry.checks.check({
      subjectCode: code,
      matter: query.matter,
      caseRef: query.caseRef,
      actor: principal.sub,
      roles: principal.roles,
      department: principal.department,
      revealIdentifiers: await this.reveals(principal, code),
    });
  }

  @Get('credit-checks')
  @Roles('caseworker', 'provider', 'supervisor', 'admin')
  @ApiOperation({ summary: 'Stored checks of a case file (caseRef) or of a subject, oldest first' })
  @ApiBadRequestResponse({ description: 'CHECK_QUERY_REQUIRED' })
  async list(@Query() query: CreditCheckListQueryDto, @CurrentPrincipal() principal: Principal) {
    const checks = await this.registry.checks.list({ caseRef: query.caseRef, subjectCode: query.subject });
    const items = [];
    for (const check of checks) items.push(await this.asSeenBy(principal, check));
    return { items };
  }

  @Get('credit-checks/:id')
  @Roles('caseworker', 'provider', 'supervisor', 'admin')
  @ApiOperation({ summary: 'One stored check: who, when, which matter, and the answer given' })
  @ApiNotFoundResponse({ description: 'CREDIT_CHECK_NOT_FOUND' })
  async get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() principal: Principal) {
    return this.asSeenBy(principal, await this.registry.checks.get(id));
  }

  /** Whether `principal` sees the full 居民身份证号码 of the subject `code` (disclosure.ts). */
  private async reveals(principal: Principal, code: string): Promise<boolean> {
    const { subject } = await this.registry.subjects.getByCode(code);
    return revealsSubject(principal, subject, this.registry.records);
  }

  /**
   * A stored check as this reader may see it: the answer keeps what its checker was shown, so a
   * full number stored for a supervisor is masked again for a reader who may not see it.
   */
  private async asSeenBy(principal: Principal, check: StoredCreditCheck): Promise<StoredCreditCheck> {
    const { code } = check.subject;
    if (check.subject.kind !== 'natural-person' || code.includes('*')) return check;
    const { subject } = await this.registry.subjects.getByCode(code);
    if (subject.idType !== 'resident-id') return check;
    const reveal = await revealsSubject(principal, subject, this.registry.records);
    return reveal ? check : { ...check, subject: { ...check.subject, code: displayCode(subject, false) } };
  }
}
