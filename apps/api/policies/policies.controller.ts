import { unknownJurisdiction } from '../cases/policy-missing';
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { validatePolicyDocument } from '../../../workflows/policies/validation';
import { PolicyStore } from '../../../activities/policies/policy-store';
import { policyInForceAt } from '../../../workflows/policies';
import { shanghaiDate } from '../../../workflows/calendar';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/roles';
import { badRequest } from '../common/errors';
import { ApiBodyExample } from '../common/openapi';
import { presetVersions } from '../../../workflows/policies/presets';
import { dateOrInstant } from '../common/field-schemas';

/** The policy document itself is checked field by field by its own validator (400 POLICY_INVALID). */
export const addPolicyVersionSchema = z
  .object({
    effectiveFrom: dateOrInstant().describe('First day the version applies to new cases (YYYY-MM-DD)'),
    reason: z.string().trim().min(2).max(500).describe('Why (document number of the new rule)'),
    document: z
      .record(z.string(), z.unknown())
      .describe('The policy document (see workflows/policies/types.ts)'),
  })
  .strict();
export class AddPolicyVersionDto extends createZodDto(addPolicyVersionSchema) {}

const JURISDICTION_ID = /^[a-z][a-z0-9-]{1,40}$/;

/** The example: 叶县民政局's policy in force, with a longer lapse for 补正 from 2027 on. */
const current = presetVersions('yexian-mz').at(-1)!.document;
const POLICY_VERSION_EXAMPLE = {
  effectiveFrom: '2027-01-01',
  reason: '叶民文〔2026〕30号：补正材料期限调整为15个工作日',
  document: {
    ...current,
    objection: { ...current.objection!, materialsLapse: { value: 15, unit: 'working-days' } },
  },
};
const today = () => shanghaiDate(new Date().toISOString());

/** Jurisdiction policies as effective-dated versions. */
@ApiTags('policies')
@ApiBearerAuth()
@Controller('api/policies')
export class PoliciesController {
  constructor(private readonly policies: PolicyStore) {}

  @Get()
  @ApiOperation({ summary: 'Every jurisdiction with the policy version in force today' })
  async list() {
    const date = today();
    const result = [];
    for (const jurisdiction of await this.policies.jurisdictions()) {
      const current = policyInForceAt(await this.policies.versions(jurisdiction), date);
      result.push({ jurisdiction, name: current?.document.name ?? null, current: current ?? null });
    }
    return { date, items: result };
  }

  @Get(':jurisdiction')
  @ApiOperation({ summary: 'The version in force today and the full history' })
  async get(@Param('jurisdiction') jurisdiction: string) {
    const versions = await this.policies.versions(jurisdiction);
    if (versions.length === 0) throw await unknownJurisdiction(this.policies, jurisdiction);
    return { jurisdiction, current: policyInForceAt(versions, today()) ?? null, versions };
  }

  @Post(':jurisdiction/versions')
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({ summary: 'Add a policy version, or a new jurisdiction with its first version (admin)' })
  @ApiBodyExample(AddPolicyVersionDto, POLICY_VERSION_EXAMPLE)
  async add(
    @Param('jurisdiction') jurisdiction: string,
    @Body() body: AddPolicyVersionDto,
    @CurrentPrincipal() who: Principal,
  ) {
    if (!JURISDICTION_ID.test(jurisdiction)) {
      throw badRequest(
        'JURISDICTION_ID_INVALID',
        '辖区标识只能包含小写字母、数字和连字符，且以字母开头（2–41 个字符）。',
      );
    }
    const checked = validatePolicyDocument(body.document);
    if (!checked.ok) {
      throw badRequest(
        'POLICY_INVALID',
        `政策数据有误：${checked.issues.map((i) => `${i.field}：${i.message}`).join('；')}`,
        {
          fields: checked.issues.map((i) => ({
            field: `document.${i.field}`,
            code: i.code,
            message: i.message,
          })),
        },
      );
    }
    return this.policies.addVersion(
      jurisdiction,
      body.effectiveFrom.slice(0, 10),
      checked.value,
      body.reason,
      who.sub,
    );
  }
}
