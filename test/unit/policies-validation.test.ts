import { POLICY_PRESETS, type PolicyDocument } from '../../workflows/policies';
import { validatePolicyDocument, validatePolicyVersion } from '../../workflows/policies/validation';

const base: PolicyDocument = POLICY_PRESETS.find(
  (p) => p.jurisdiction === 'xinzheng-mz' && p.version === 2,
)!.document;
const issuesOf = (input: unknown) => {
  const result = validatePolicyDocument(input);
  return result.ok ? [] : result.issues.map(({ field, code }) => `${field} ${code}`).sort();
};

describe('validation of policy data submitted by an admin', () => {
  it('accepts a preset and returns it unchanged', () => {
    expect(validatePolicyDocument(base)).toEqual({ ok: true, value: base });
  });

  it('refuses field by field with stable codes, naming the field in Chinese', () => {
    const result = validatePolicyDocument({
      ...base,
      objection: { ...base.objection, verify: { value: -3, unit: 'weeks' }, suspension: 'maybe' },
      sources: [],
    });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues).toEqual([
      { field: 'objection.verify.value', code: 'TOO_SMALL', message: '核查并书面回复期限的数值：不能小于 1' },
      {
        field: 'objection.verify.unit',
        code: 'INVALID_OPTION',
        message: expect.stringMatching(/^核查并书面回复期限的单位：“weeks”不是可选值/),
      },
      {
        field: 'objection.suspension',
        code: 'INVALID_OPTION',
        message: expect.stringContaining('suspend-measures'),
      },
      { field: 'sources', code: 'EMPTY', message: '依据：至少需要填写一项' },
    ]);
  });

  it('refuses missing fields, fractions, unknown fields and duplicate channels', () => {
    const { escalation: _dropped, ...withoutEscalation } = base;
    expect(issuesOf(withoutEscalation)).toEqual(['escalation REQUIRED']);
    expect(issuesOf({ ...base, personalNegativeRetention: { value: 2.5, unit: 'years' } })).toEqual([
      'personalNegativeRetention.value NOT_INTEGER',
    ]);
    expect(issuesOf({ ...base, objection: { ...base.objection, verfy: base.objection.verify } })).toEqual([
      'objection UNKNOWN_FIELD',
    ]);
    expect(issuesOf({ ...base, objection: { ...base.objection, channels: ['window', 'window'] } })).toEqual([
      'objection.channels.1 DUPLICATE',
    ]);
    expect(issuesOf({ ...base, objection: { ...base.objection, channels: [] } })).toEqual([
      'objection.channels EMPTY',
    ]);
  });

  it('refuses values beyond about ten years in their unit', () => {
    expect(issuesOf({ ...base, personalNegativeRetention: { value: 11, unit: 'years' } })).toEqual([
      'personalNegativeRetention.value TOO_LARGE',
    ]);
  });

  it('refuses a minimum publicity longer than the maximum, comparing months with years', () => {
    const tiers = {
      ...base.tiers,
      一般: {
        minPublicity: { value: 2, unit: 'years' },
        maxPublicity: { value: 18, unit: 'months' },
        repairable: true,
      },
    };
    expect(issuesOf({ ...base, tiers })).toEqual(['tiers.一般.minPublicity MIN_EXCEEDS_MAX']);
  });

  it('refuses step limits that add up to more than the whole case (新郑: 5 + 5 + 2 ≤ 12)', () => {
    const total = { value: 11, unit: 'working-days' };
    expect(issuesOf({ ...base, objection: { ...base.objection, total } })).toEqual([
      'objection.total STEPS_EXCEED_TOTAL',
    ]);
  });

  it('refuses a local tier mapped to a national tier the version does not define', () => {
    expect(issuesOf({ ...base, tierMapping: { ...base.tierMapping, 特别严重失信: '特定严重' } })).toEqual([
      'tierMapping.特别严重失信 UNKNOWN_TIER',
    ]);
    expect(issuesOf({ ...base, tierMapping: { 较重失信: '中等' } })).toEqual([
      'tierMapping.较重失信 INVALID_OPTION',
    ]);
  });

  it('refuses a version with a bad jurisdiction id, an impossible date or an end before its start', () => {
    const version = {
      jurisdiction: 'Xinzheng MZ',
      version: 1,
      effectiveFrom: '2027-02-30',
      effectiveTo: '2026-01-01',
      document: base,
    };
    const result = validatePolicyVersion(version);
    expect(result.ok ? [] : result.issues.map(({ field, code }) => `${field} ${code}`).sort()).toEqual([
      'effectiveFrom INVALID_DATE',
      'effectiveTo END_BEFORE_START',
      'jurisdiction INVALID_ID',
    ]);
    const reversed = validatePolicyVersion({
      ...version,
      jurisdiction: 'xinzheng-mz',
      effectiveFrom: '2027-02-01',
    });
    expect(reversed.ok ? [] : reversed.issues.map((i) => i.code)).toEqual(['END_BEFORE_START']);
  });

  it('refuses something that is not a policy at all', () => {
    expect(issuesOf(null)).toEqual(['(document) INVALID_TYPE']);
  });
});
