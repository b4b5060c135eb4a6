import { validatePolicyDocument } from '../../activities/policies/policy-schema';
import { POLICY_PRESETS, policyInForceAt } from '../../workflows/policies';

describe('policy presets (effective-dated data)', () => {
  it('every preset passes the same validation an admin submission does', () => {
    for (const preset of POLICY_PRESETS) {
      expect({
        jurisdiction: preset.jurisdiction,
        result: validatePolicyDocument(preset.document).ok,
      }).toEqual({
        jurisdiction: preset.jurisdiction,
        result: true,
      });
    }
  });

  it('switches the national tiers to NDRC Order 36 on 2026-04-01, keeping the 527号 regime before', () => {
    const national = POLICY_PRESETS.filter((p) => p.jurisdiction === 'national');
    expect(policyInForceAt(national, '2026-03-31')?.document.tiers['严重']?.minPublicity).toEqual({
      value: 6,
      unit: 'months',
    });
    expect(policyInForceAt(national, '2026-04-01')?.document.tiers['严重']?.minPublicity).toEqual({
      value: 1,
      unit: 'years',
    });
    expect(policyInForceAt(national, '2018-01-01')).toBeUndefined();
  });

  it('expresses the differing suspension rules of the seeds', () => {
    const suspension = Object.fromEntries(
      POLICY_PRESETS.map((p) => [p.jurisdiction, p.document.objection.suspension]),
    );
    expect(suspension).toMatchObject({
      'yexian-mz': 'suspend-measures', // seed 000 四(二)
      ningjin: 'suspend-measures', // seed 002 (十七)
      'xinzheng-mz': 'none', // seed 003 六(三)
      shanghai: 'flag',
    });
  });

  it('maps 新郑 local tier names to national tiers', () => {
    const xinzheng = POLICY_PRESETS.find((p) => p.jurisdiction === 'xinzheng-mz')!;
    expect(xinzheng.document.tierMapping).toEqual({ 一般失信: '轻微', 较重失信: '一般', 严重失信: '严重' });
  });
});

describe('a policy change mid-case', () => {
  it('leaves a case on the version in force when it was received, while new cases get the new one', () => {
    const yexian = POLICY_PRESETS.filter((p) => p.jurisdiction === 'yexian-mz');
    const tightened = {
      ...yexian[0],
      version: 2,
      effectiveFrom: '2027-01-01',
      document: {
        ...yexian[0].document,
        objection: { ...yexian[0].document.objection, verify: { value: 3, unit: 'working-days' as const } },
      },
    };
    const versions = [...yexian, tightened];
    const receivedBefore = policyInForceAt(versions, '2026-12-30'); // case received before the change
    const receivedAfter = policyInForceAt(versions, '2027-01-04');
    expect(receivedBefore?.version).toBe(1);
    expect(receivedBefore?.document.objection.verify).toEqual({ value: 5, unit: 'working-days' });
    expect(receivedAfter?.version).toBe(2);
    expect(receivedAfter?.document.objection.verify).toEqual({ value: 3, unit: 'working-days' });
  });
});
