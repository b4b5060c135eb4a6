import {
  JURISDICTIONS,
  POLICY_PRESETS,
  policyInForceAt,
  presetVersions,
  rulesForCase,
  type PolicyVersion,
} from '../../workflows/policies';
import { validatePolicyVersion } from '../../workflows/policies/validation';

const inForce = (jurisdiction: string, date: string) => policyInForceAt(jurisdiction, date)!.document;

describe('policy presets (effective-dated data)', () => {
  it('has the national defaults, the five seed jurisdictions and Shanghai', () => {
    expect([...JURISDICTIONS].sort()).toEqual(
      ['jiaxian-sl', 'national', 'ningjin', 'shanghai', 'xinzheng-mz', 'yexian-mz', 'yongchang'].sort(),
    );
  });

  it('passes, version by version, the same validation an admin submission does', () => {
    const refused = POLICY_PRESETS.map((p) => ({
      id: `${p.jurisdiction} v${p.version}`,
      r: validatePolicyVersion(p),
    }))
      .filter(({ r }) => !r.ok)
      .map(({ id, r }) => ({ id, issues: r.ok ? [] : r.issues }));
    expect(refused).toEqual([]);
  });

  it('numbers each jurisdiction’s versions 1..n without gaps and lets each end the day before the next starts', () => {
    for (const jurisdiction of JURISDICTIONS) {
      const versions = presetVersions(jurisdiction);
      expect(versions.map((v) => v.version)).toEqual(versions.map((_, i) => i + 1));
      for (let i = 0; i + 1 < versions.length; i++) {
        const dayBefore = new Date(Date.parse(`${versions[i + 1].effectiveFrom}T00:00:00Z`) - 86_400_000)
          .toISOString()
          .slice(0, 10);
        expect({ jurisdiction, effectiveTo: versions[i].effectiveTo }).toEqual({
          jurisdiction,
          effectiveTo: dayBefore,
        });
      }
    }
  });

  it('switches the national tiers from 527号 to NDRC Order 36 on 2026-04-01', () => {
    expect(inForce('national', '2026-03-31').tiers['严重']?.minPublicity).toEqual({
      value: 6,
      unit: 'months',
    });
    expect(inForce('national', '2026-03-31').tiers['特定严重']?.repairable).toBe(false);
    expect(inForce('national', '2026-04-01').tiers).toEqual({
      轻微: {
        minPublicity: { value: 0, unit: 'months' },
        maxPublicity: { value: 3, unit: 'months' },
        repairable: true,
      },
      一般: {
        minPublicity: { value: 3, unit: 'months' },
        maxPublicity: { value: 1, unit: 'years' },
        repairable: true,
      },
      严重: {
        minPublicity: { value: 1, unit: 'years' },
        maxPublicity: { value: 3, unit: 'years' },
        repairable: true,
      },
    });
    expect(policyInForceAt('national', '2018-01-01')).toBeUndefined();
  });

  it('moves every seed jurisdiction to the NDRC Order 36 tiers on 2026-04-01', () => {
    for (const jurisdiction of [
      'yexian-mz',
      'jiaxian-sl',
      'ningjin',
      'xinzheng-mz',
      'yongchang',
      'shanghai',
    ]) {
      expect({ jurisdiction, tiers: Object.keys(inForce(jurisdiction, '2026-03-31').tiers) }).toEqual({
        jurisdiction,
        tiers: ['一般', '严重', '特定严重'],
      });
      expect({ jurisdiction, tiers: Object.keys(inForce(jurisdiction, '2026-04-01').tiers) }).toEqual({
        jurisdiction,
        tiers: ['轻微', '一般', '严重'],
      });
    }
  });

  it('applies a jurisdiction only from the date of its document', () => {
    expect(policyInForceAt('yexian-mz', '2022-06-07')).toBeUndefined(); // 叶民文〔2022〕12号 of 2022-06-08
    expect(policyInForceAt('yexian-mz', '2022-06-08')?.version).toBe(1);
    expect(policyInForceAt('ningjin', '2020-03-18')?.version).toBe(1);
    expect(policyInForceAt('yongchang', '2022-03-27')).toBeUndefined();
  });

  it('expresses the differing suspension rules of the sources', () => {
    const today = '2026-11-23';
    expect(inForce('yexian-mz', today).objection.suspension).toBe('suspend-measures'); // seed 000 四(二)
    expect(inForce('ningjin', today).objection.suspension).toBe('suspend-measures'); // seed 002 (十七)
    expect(inForce('xinzheng-mz', today).objection.suspension).toBe('none'); // seed 003 六(三)
    expect(inForce('shanghai', today).objection.suspension).toBe('flag'); // 条例 第36条
  });

  it('carries the objection step limits of each source with their units', () => {
    const wd = (value: number) => ({ value, unit: 'working-days' });
    expect(inForce('yexian-mz', '2026-11-23').objection).toMatchObject({ verify: wd(5), total: wd(5) });
    expect(inForce('xinzheng-mz', '2026-11-23').objection).toMatchObject({
      forward: wd(5),
      verify: wd(5),
      notify: wd(2),
      total: wd(12),
      channels: ['window', 'website'],
    });
    expect(inForce('shanghai', '2026-11-23').objection).toMatchObject({
      markDisputed: wd(1),
      forward: wd(2),
      verify: wd(5),
    });
    expect(inForce('ningjin', '2026-11-23').objection.channels).toEqual([
      'window',
      'phone',
      'email',
      'website',
      'app',
      'wechat',
    ]);
  });

  it('keeps 郏县’s 7-working-day publication limit and 1-year credit report validity (seed 001 二)', () => {
    expect(inForce('jiaxian-sl', '2026-11-23').publicity).toEqual({
      publishWithin: { value: 7, unit: 'working-days' },
      periodStartsFrom: 'decision',
    });
    expect(inForce('jiaxian-sl', '2026-11-23').creditReportValidity).toEqual({ value: 1, unit: 'years' });
  });

  it('maps 新郑’s 一般/较重/严重 失信 to the tiers of each regime', () => {
    expect(inForce('xinzheng-mz', '2025-01-01').tierMapping).toEqual({
      一般失信: '一般',
      较重失信: '一般',
      严重失信: '严重',
    });
    expect(inForce('xinzheng-mz', '2026-11-23').tierMapping).toEqual({
      一般失信: '轻微',
      较重失信: '一般',
      严重失信: '严重',
    });
    expect(inForce('xinzheng-mz', '2026-11-23').personalNegativeRetention).toEqual({
      value: 5,
      unit: 'years',
    }); // 六(七)
  });
});

describe('the rules a case follows when the policy changes', () => {
  const yexian = presetVersions('yexian-mz');
  const tightened: PolicyVersion = {
    ...yexian[1],
    version: 3,
    effectiveFrom: '2027-01-01',
    document: {
      ...yexian[1].document,
      objection: { ...yexian[1].document.objection, verify: { value: 3, unit: 'working-days' } },
    },
  };

  it('leaves a case on the version in force when it was received, while new cases get the new one', () => {
    const versions = [...yexian, tightened];
    expect(policyInForceAt(versions, '2026-12-30')?.version).toBe(2);
    expect(policyInForceAt(versions, '2026-12-30')?.document.objection.verify).toEqual({
      value: 5,
      unit: 'working-days',
    });
    expect(policyInForceAt(versions, '2027-01-04')?.document.objection.verify).toEqual({
      value: 3,
      unit: 'working-days',
    });
  });

  it('keeps the step time limits of the start even when a later version shortens them', () => {
    const rules = rulesForCase(yexian[1], tightened);
    expect(rules.suspension).toEqual({ value: 'suspend-measures', version: 2, reason: 'in-force-at-start' });
  });

  it('gives a 一般 record of the legacy regime the shorter Order 36 maximum publicity (3 years → 1 year)', () => {
    const [legacy, order36] = presetVersions('national');
    expect(rulesForCase(legacy, order36, '一般').tier).toEqual({
      value: {
        nationalTier: '一般',
        minPublicity: { value: 3, unit: 'months' },
        maxPublicity: { value: 1, unit: 'years' },
        repairable: true,
      },
      version: 2,
      reason: 'later-rule-more-favourable',
    });
  });

  it('keeps the legacy 严重 periods, as Order 36’s 1-year minimum is less favourable than 6 months', () => {
    const [legacy, order36] = presetVersions('national');
    expect(rulesForCase(legacy, order36, '严重').tier).toMatchObject({
      value: { minPublicity: { value: 6, unit: 'months' } },
      version: 1,
      reason: 'in-force-at-start',
    });
  });

  it('takes a later, stronger protection while an objection is verified, and a shorter retention', () => {
    const xinzheng = presetVersions('xinzheng-mz')[1];
    const kinder: PolicyVersion = {
      ...xinzheng,
      version: 3,
      effectiveFrom: '2027-01-01',
      document: {
        ...xinzheng.document,
        objection: { ...xinzheng.document.objection, suspension: 'hide' },
        personalNegativeRetention: { value: 36, unit: 'months' },
      },
    };
    const rules = rulesForCase(xinzheng, kinder);
    expect(rules.suspension).toEqual({ value: 'hide', version: 3, reason: 'later-rule-more-favourable' });
    expect(rules.personalNegativeRetention).toEqual({
      value: { value: 36, unit: 'months' },
      version: 3,
      reason: 'later-rule-more-favourable',
    });
    // and the other way round nothing changes
    expect(rulesForCase(kinder, { ...xinzheng, version: 4 }).suspension.version).toBe(3);
  });
});
