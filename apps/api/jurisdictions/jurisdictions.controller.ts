import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PolicyStore } from '../../../activities/policies/policy-store';
import { shanghaiDate } from '../../../workflows/calendar';
import { DIRECTORY } from '../../../workflows/reference/directory';
import { Public } from '../auth/auth.decorators';
import { JurisdictionsResponse, JurisdictionsResponseDto } from './jurisdictions.schemas';

/**
 * The department directory (workflows/reference/directory.ts) as reference data: every
 * jurisdiction with its departments' codes and names and the policy version in force today.
 * Public: the applicants' forms name a jurisdiction (repairs, the 信用承诺专栏), and the codes
 * are what a token's `department` claim carries, nothing secret. The policy comes from the
 * policy store, so a version an administrator added counts.
 */
@ApiTags('jurisdictions')
@Controller('api/jurisdictions')
export class JurisdictionsController {
  constructor(private readonly policies: PolicyStore) {}

  @Get()
  @Public()
  @ApiOperation({
    summary:
      'Every jurisdiction with its departments (codes and names) and the policy in force today (no token)',
  })
  @ApiOkResponse({ type: JurisdictionsResponseDto })
  async list(): Promise<JurisdictionsResponse> {
    const date = shanghaiDate(new Date().toISOString());
    const items = [];
    for (const jurisdiction of DIRECTORY) {
      const current = await this.policies.inForceAt(jurisdiction.code, date);
      items.push({
        code: jurisdiction.code,
        name: jurisdiction.name,
        policy: current
          ? {
              id: current.jurisdiction,
              version: current.version,
              name: current.document.name,
              effectiveFrom: current.effectiveFrom,
            }
          : null,
        departments: jurisdiction.departments.map((d) => ({ code: d.code, name: d.name })),
      });
    }
    return { date, items };
  }
}
