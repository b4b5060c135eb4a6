import { presetVersions } from '../../workflows/policies/presets';
import { materialsMissing, repairEligibility } from '../../workflows/repair/eligibility';
import type { RepairRecord } from '../../workflows/repair/types';

const record = (over: Partial<RepairRecord>): RepairRecord => ({
  id: 'r1',
  kind: 'administrative-penalty',
  status: 'active',
  department: '新郑市民政局',
  documentNo: '新民罚〔2025〕1号',
  title: '未按规定年检',
  severityTier: '一般',
  decisionDate: '2025-01-10',
  publicityStart: '2025-01-15',
  ...over,
});
const check = (jurisdiction: string, over: Partial<RepairRecord>, today: string) =>
  repairEligibility({ record: record(over), policies: presetVersions(jurisdiction), bars: [], today });

/**
 * The tiers under both regimes (527号 to 2026-03-31, NDRC Order 36 from 2026-04-01) and the
 * more-favourable rule: a record keeps the tier rules in force at its decision unless a later
 * version is more favourable to the subject.
 */
describe('repair eligibility by tier', () => {
  // [jurisdiction, local tier, decided, applied on, national tier, version applied, last day of minimum publicity]
  const table: [string, string, string, string, string, number, string][] = [
    // Decided and applied under 527号.
    ['yexian-mz', '一般', '2025-01-10', '2025-03-01', '一般', 1, '2025-04-10'],
    ['yexian-mz', '严重', '2025-01-10', '2025-03-01', '严重', 1, '2025-07-10'],
    ['xinzheng-mz', '一般失信', '2025-01-10', '2025-03-01', '一般', 1, '2025-04-10'],
    ['xinzheng-mz', '较重失信', '2025-01-10', '2025-03-01', '一般', 1, '2025-04-10'],
    // Decided under 527号, applied under Order 36: the later tier where more favourable.
    // 一般: same minimum, shorter maximum (1 year, not 3) → Order 36.
    ['yexian-mz', '一般', '2025-01-10', '2026-04-01', '一般', 2, '2025-04-10'],
    // 严重: Order 36's minimum is a year, not six months → not more favourable, 527号 stays.
    ['yexian-mz', '严重', '2025-01-10', '2026-04-01', '严重', 1, '2025-07-10'],
    // 新郑's 一般失信 is 轻微 under Order 36 (no minimum publicity) → the milder tier.
    ['xinzheng-mz', '一般失信', '2025-10-10', '2026-04-01', '轻微', 2, '2025-10-10'],
    ['xinzheng-mz', '严重失信', '2025-01-10', '2026-04-01', '严重', 1, '2025-07-10'],
    // Decided under Order 36.
    ['yexian-mz', '轻微', '2026-05-04', '2026-05-04', '轻微', 2, '2026-05-04'],
    ['yexian-mz', '一般', '2026-05-04', '2026-06-01', '一般', 2, '2026-08-04'],
    ['yexian-mz', '严重', '2026-05-04', '2026-06-01', '严重', 2, '2027-05-04'],
  ];

  it.each(table)(
    '%s %s decided %s, applied %s: %s under version %d, minimum publicity to %s',
    (j, tier, decided, applied, national, version, end) => {
      const d = check(j, { severityTier: tier, decisionDate: decided }, applied);
      expect(d).toMatchObject({ tier: national, policyVersion: version, minPublicityEnd: end });
      expect(d.eligible).toBe(applied > end);
      if (!d.eligible) {
        expect(d.retryFrom! > end).toBe(true);
        // On the day given, the same application succeeds (the rules do not change in between here).
        expect(check(j, { severityTier: tier, decisionDate: decided }, d.retryFrom!).eligible).toBe(true);
      }
    },
  );

  it('特定严重 (527号) is not repairable, and says so without a date', () => {
    const d = check('yexian-mz', { severityTier: '特定严重', decisionDate: '2025-01-10' }, '2030-01-01');
    expect(d).toMatchObject({ eligible: false, tier: '特定严重' });
    expect(d.reasons[0]).toContain('不予信用修复');
    expect(d.retryFrom).toBeUndefined();
  });

  it('严重 needs the training certificate and the credit report besides the base materials', () => {
    const d = check('yexian-mz', { severityTier: '严重', decisionDate: '2026-05-04' }, '2027-06-01');
    expect(d.required).toEqual([
      'correction-proof',
      'commitment-letter',
      'training-certificate',
      'credit-report',
    ]);
  });

  it('refuses what repair is not for: a licence, a disputed record, a record already repaired or expired', () => {
    expect(check('yexian-mz', { kind: 'administrative-licence' }, '2027-01-01').reasons[0]).toContain(
      '不属于失信信息',
    );
    expect(check('yexian-mz', { status: 'disputed' }, '2027-01-01').reasons[0]).toContain('异议');
    expect(check('yexian-mz', { status: 'repaired' }, '2027-01-01').eligible).toBe(false);
    expect(check('yexian-mz', { status: 'expired' }, '2027-01-01').reasons[0]).toContain('不再公示');
    expect(check('yexian-mz', { severityTier: null }, '2027-01-01').reasons[0]).toContain('未标明失信程度');
  });

  it('a revoked repair bars the subject until the bar ends; the later of two dates is given', () => {
    const d = repairEligibility({
      record: record({ severityTier: '严重', decisionDate: '2026-05-04' }),
      policies: presetVersions('yexian-mz'),
      bars: [{ caseNo: 'XF-1', until: '2027-09-30' }],
      today: '2027-03-01',
    });
    expect(d.eligible).toBe(false);
    expect(d.reasons).toHaveLength(2);
    expect(d.retryFrom).toBe('2027-10-01');
  });
});

/** 完成信用整改 (seed 004 (十二)): a rectification verified as done is evidence the office holds. */
describe('repair eligibility with a completed rectification', () => {
  const done = {
    caseId: 'c1',
    caseNo: 'XINZHENG-ZG-2025-000001',
    department: '新郑市民政局',
    subjectCode: '52410184MJ0000000X',
    recordId: 'r1',
    obligations: ['补报年度报告'],
    rectifiedAt: '2025-02-28T17:00:00.000Z',
    opinion: '整改到位',
  };
  const withRectification = (rectifications: (typeof done)[]) =>
    repairEligibility({
      record: record({ severityTier: '一般失信' }),
      policies: presetVersions('xinzheng-mz'),
      bars: [],
      today: '2025-06-01',
      rectifications,
    });

  it('names the rectification case, its department and the Beijing day it was verified', () => {
    const d = withRectification([done]);
    expect(d.eligible).toBe(true);
    expect(d.evidence).toEqual([
      {
        material: 'rectification',
        caseNo: 'XINZHENG-ZG-2025-000001',
        department: '新郑市民政局',
        at: '2025-02-28T17:00:00.000Z',
        note: '已完成信用整改：新郑市民政局于2025-03-01核实整改到位（XINZHENG-ZG-2025-000001），意见：整改到位。',
      },
    ]);
  });

  it('counts the rectification material as held, so it is never asked of the applicant', () => {
    const d = {
      ...withRectification([done]),
      required: ['rectification' as const, 'commitment-letter' as const],
    };
    expect(materialsMissing(d, [{ kind: 'commitment-letter' }])).toEqual([]);
    expect(materialsMissing({ ...d, evidence: undefined }, [{ kind: 'commitment-letter' }])).toEqual([
      'rectification',
    ]);
  });

  it('shows no evidence without a verified rectification', () => {
    expect(withRectification([]).evidence).toBeUndefined();
  });
});
