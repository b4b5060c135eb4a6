import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { PublicRateLimit } from '../common/throttling';
import { IdempotentAction } from '../cases/action-idempotency';
import { ApiBodyExample } from '../common/openapi';
import { RepairApplicationsService } from './repair-applications.service';
import { ApplyOnlineDto, EligibilityQueryDto, LookupQueryDto, SupplyByQueryCodeDto } from './repairs.schemas';
import { RepairsService } from './repairs.service';

export const REPAIR_MATERIALS_EXAMPLE = [
  { kind: 'correction-proof', attachment: { ref: 'UP-2026-0001', name: '罚款缴纳凭证' } },
  { kind: 'commitment-letter', attachment: { ref: 'UP-2026-0002', name: '信用修复承诺书' } },
];

/**
 * 信用修复 for the subject itself, without a token: the pre-check (when repair becomes possible),
 * the online application, and following it — the look-up and supplying materials (补正) — with
 * the query code the application answered once. Registered before RepairsController: its static
 * paths (`eligibility`, `lookup`, `lookup/materials`) come before that controller's `:id` routes.
 */
@ApiTags('repairs: the applicant (no token)')
@Controller('api/repairs')
export class RepairApplicationsController {
  constructor(
    private readonly applications: RepairApplicationsService,
    private readonly repairs: RepairsService,
  ) {}

  @Get('eligibility')
  @Public()
  @PublicRateLimit('public')
  @ApiOperation({
    summary: 'Pre-check: can this record be repaired today, and if not from when (no case is created)',
    description:
      'The tier (the rule in force at the decision, or a later one more favourable), the minimum publicity ' +
      'period and its last day, bars after a revoked repair, the materials the tier requires (with Chinese ' +
      'names). Not eligible: the reasons and, when one can be given, retryFrom — the first day an ' +
      'application can succeed.',
  })
  @ApiQuery({ name: 'jurisdiction', example: 'yexian-mz' })
  @ApiQuery({ name: 'recordId', example: '3f1c7a52-8d4e-4b7a-9c1e-2a6b5d4e3f21' })
  @ApiQuery({ name: 'subjectCode', example: '52410422MJ0000011U' })
  @ApiNotFoundResponse({ description: 'REPAIR_RECORD_NOT_FOUND' })
  @ApiUnprocessableEntityResponse({
    description:
      'REPAIR_SUBJECT_MISMATCH, REPAIR_POLICY_MISSING, REPAIR_JURISDICTION_MISMATCH (the record’s jurisdiction in details.jurisdiction)',
  })
  eligibility(@Query() query: EligibilityQueryDto) {
    return this.applications.eligibility(query);
  }

  @Post('applications')
  @Public()
  @PublicRateLimit('public')
  @HttpCode(201)
  @ApiOperation({
    summary: 'The subject applies online for the repair of one of its records (no token)',
    description:
      'On the credit website (or app) of `jurisdiction`, whose policy applies; the record’s identifying ' +
      'department receives it (谁认定、谁修复). The answer comes once the workflow has checked eligibility ' +
      '(at most ~10 s): received (complete), awaiting-materials (补正: what is missing and by when), or ' +
      'refused at once with eligibility.reasons and reapplyFrom — a refused application is a case file ' +
      'too (201). The query code is shown only here. The same Idempotency-Key with the same body returns ' +
      'the same application (200, no query code); with another body 409.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '8–200 visible ASCII characters' })
  @ApiBodyExample(ApplyOnlineDto, {
    jurisdiction: 'yexian-mz',
    recordId: '3f1c7a52-8d4e-4b7a-9c1e-2a6b5d4e3f21',
    subjectCode: '52410422MJ0000011U',
    applicant: { name: '张三', contact: '13800000000' },
    materials: REPAIR_MATERIALS_EXAMPLE,
    channel: 'website',
  })
  @ApiCreatedResponse({
    description: 'Registered; eligibility checked (or still being checked after the wait)',
  })
  @ApiOkResponse({ description: 'Same key and body as before: the application registered then' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED, IDEMPOTENCY_KEY_REQUIRED' })
  @ApiNotFoundResponse({ description: 'REPAIR_RECORD_NOT_FOUND' })
  @ApiConflictResponse({ description: 'REPAIR_ALREADY_OPEN (with the case number), IDEMPOTENCY_KEY_REUSED' })
  @ApiUnprocessableEntityResponse({
    description:
      'REPAIR_SUBJECT_MISMATCH, REPAIR_POLICY_MISSING, REPAIR_JURISDICTION_MISMATCH (the record’s jurisdiction in details.jurisdiction)',
  })
  async apply(
    @Body() body: ApplyOnlineDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.applications.applyOnline(idempotencyKey, body);
    if (!result.created) res.status(200);
    return result;
  }

  @Get('lookup')
  @Public()
  @PublicRateLimit('lookup')
  @ApiOperation({
    summary: 'The applicant follows its application by query code and subject code (no token)',
    description:
      'Status in Chinese, the step and its due date, what is still missing (补正) and by when, the decision ' +
      'and the 信用修复决定书 (or 不予信用修复决定书) once issued, a timeline without staff or escalations. ' +
      'A wrong code or subject gives 404 without saying which.',
  })
  @ApiQuery({ name: 'queryCode', example: '7K2M-Q9TX-4HCP' })
  @ApiQuery({ name: 'subjectCode', example: '52410422MJ0000011U' })
  @ApiNotFoundResponse({ description: 'REPAIR_LOOKUP_NOT_FOUND' })
  lookup(@Query() query: LookupQueryDto) {
    return this.repairs.lookup(query.queryCode, query.subjectCode);
  }

  @Post('lookup/materials')
  @Public()
  @PublicRateLimit('lookup')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The applicant supplies materials (补正) with its query code (no token)',
    description:
      'The query code and subject code go in the body, never in the URL. Once every requested and required ' +
      'material is on file the application is complete again and the acceptance clock runs on. Answers ' +
      'with the look-up.',
  })
  @ApiBodyExample(SupplyByQueryCodeDto, {
    queryCode: '7K2M-Q9TX-4HCP',
    subjectCode: '52410422MJ0000011U',
    materials: [
      { kind: 'training-certificate', attachment: { ref: 'UP-2026-0003', name: '信用修复培训证明' } },
    ],
  })
  @IdempotentAction()
  @ApiNotFoundResponse({ description: 'REPAIR_LOOKUP_NOT_FOUND' })
  @ApiConflictResponse({ description: 'REPAIR_ENDED, REPAIR_WRONG_STATUS (after the decision)' })
  supply(@Body() body: SupplyByQueryCodeDto, @Headers('idempotency-key') idempotencyKey?: string) {
    return this.repairs.supplyByQueryCode(
      body.queryCode,
      body.subjectCode,
      { materials: body.materials },
      idempotencyKey,
    );
  }
}
