import { Controller, Get, Inject, Param, UseFilters } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Registry } from '../../../activities/registry';
import { Public } from '../auth/auth.decorators';
import { PublicRateLimit } from '../common/throttling';
import { RegistryErrorFilter } from './registry-error.filter';
import { REGISTRY } from './registry.token';
import { subjectSummary } from './views';

/** The public view (信用公示): no token; identity numbers always masked. */
@ApiTags('registry: public view')
@UseFilters(RegistryErrorFilter)
@Controller('api/public')
export class PublicRecordsController {
  constructor(@Inject(REGISTRY) private readonly registry: Registry) {}

  @Get('subjects/:code/records')
  @Public()
  @PublicRateLimit('public')
  @ApiOperation({
    summary: 'Published records of a subject (no token)',
    description:
      'Only records published (publicity started), not hidden, not expired, revoked, repaired or deleted, and ' +
      'within their maximum publicity period. Records under objection are shown with disputed=true.',
  })
  @ApiBadRequestResponse({ description: 'SUBJECT_CODE_INVALID' })
  @ApiNotFoundResponse({ description: 'SUBJECT_NOT_FOUND' })
  async records(@Param('code') code: string) {
    const { subject, records } = await this.registry.records.publicRecords(code);
    const { id: _id, ...summary } = subjectSummary(subject, false);
    return { subject: summary, records };
  }
}
