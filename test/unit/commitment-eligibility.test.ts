import fc from 'fast-check';
import type { EligibilityFacts, NegativeRecordFact } from '../../workflows/commitment/activities-contract';
import { periodEnd, yearsAfter } from '../../workflows/case/periods';
import { decideEligibility } from '../../workflows/commitment/eligibility';
import { renderCommitment } from '../../workflows/commitment/templates';
import { reminderFor, verdict } from '../../workflows/commitment/tracking';
import type { CommitmentState } from '../../workflows/commitment/types';
import { NATIONAL_COMMITMENT } from '../../workflows/policies/presets';
import type { CommitmentPolicy } from '../../workflows/policies/types';

const XINZHENG: CommitmentPolicy = { ...NATIONAL_COMMITMENT, cleanRecordYears: 3 };
const facts = (over: Partial<EligibilityFacts> = {}): EligibilityFacts => ({
  creditCheckId: 'c1',
  checkedAt: '2027-03-01T02:00:00.000Z',
  subject: { code: 'X', name: '某机构' },
  blacklists: [],
  breaches: [],
  badRecords: [],
  ...over,
});
const record = (
  decisionDate: string,
  kind: NegativeRecordFact['kind'] = 'administrative-penalty',
): NegativeRecordFact => ({
  recordId: `r-${decisionDate}`,
  kind,
  status: 'active',
  documentNo: `文${decisionDate}`,
  title: '未按规定年检',
  decisionDate,
});

const day = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('commitment eligibility (逢办必查)', () => {
  it('a clean subject may use every kind', () => {
    for (const kind of ['deferred-materials', 'notice-commitment', 'voluntary'] as const) {
      expect(decideEligibility(kind, facts(), XINZHENG, '2027-03-01')).toEqual({
        eligible: true,
        reasons: [],
      });
    }
  });

  it('a blacklisted subject loses the fast track with no date to retry, but may commit voluntarily', () => {
    const f = facts({ blacklists: [{ domain: '民政', listName: '严重违法失信名单', department: '民政局' }] });
    const d = decideEligibility('deferred-materials', f, NATIONAL_COMMITMENT, '2027-03-01');
    expect(d.eligible).toBe(false);
    expect(d.reasons[0]).toContain('民政领域严重违法失信名单');
    expect(d.retryFrom).toBeUndefined();
    expect(decideEligibility('voluntary', f, NATIONAL_COMMITMENT, '2027-03-01').eligible).toBe(true);
  });

  it('a breach bars the fast track through the bar period, and not a day longer (property)', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 800 }), (decided, after) => {
        const today = new Date(Date.parse(`${decided}T00:00:00Z`) + after * 86400000)
          .toISOString()
          .slice(0, 10);
        const until = periodEnd(decided, NATIONAL_COMMITMENT.fastTrackBar);
        const d = decideEligibility(
          'notice-commitment',
          facts({ breaches: [record(decided, 'commitment-breach')] }),
          NATIONAL_COMMITMENT,
          today,
        );
        expect(d.eligible).toBe(today > until);
        if (!d.eligible) expect(d.retryFrom! > until).toBe(true);
        // Applying again on the day given succeeds.
        if (!d.eligible) {
          expect(
            decideEligibility(
              'notice-commitment',
              facts({ breaches: [record(decided, 'commitment-breach')] }),
              NATIONAL_COMMITMENT,
              d.retryFrom!,
            ).eligible,
          ).toBe(true);
        }
      }),
    );
  });

  it('新郑 green channel: three years without bad records; the retry date is the first clean day (property)', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 1500 }), (decided, after) => {
        const today = new Date(Date.parse(`${decided}T00:00:00Z`) + after * 86400000)
          .toISOString()
          .slice(0, 10);
        // The activity returns the records decided on or after three years before today.
        const since = yearsAfter(today, -3);
        const bad = decided >= since ? [record(decided)] : [];
        const d = decideEligibility('deferred-materials', facts({ badRecords: bad }), XINZHENG, today);
        expect(d.eligible).toBe(bad.length === 0);
        if (!d.eligible) {
          expect(d.reasons.join('')).toContain('连续3年无不良信用记录');
          const retry = d.retryFrom!;
          expect(retry).toBe(
            new Date(Date.parse(`${yearsAfter(decided, 3)}T00:00:00Z`) + 86400000).toISOString().slice(0, 10),
          );
          expect(decided < yearsAfter(retry, -3)).toBe(true);
        }
      }),
    );
  });

  it('the national rules require no clean record', () => {
    const d = decideEligibility(
      'deferred-materials',
      facts({ badRecords: [record('2027-01-01')] }),
      NATIONAL_COMMITMENT,
      '2027-03-01',
    );
    expect(d.eligible).toBe(true);
  });

  it('years are counted on the calendar: 29 February falls back to 28 February', () => {
    expect(yearsAfter('2028-02-29', -3)).toBe('2025-02-28');
    expect(yearsAfter('2027-03-01', 3)).toBe('2030-03-01');
  });
});

describe('commitment tracking rules', () => {
  const wd = (value: number) => ({ value, unit: 'working-days' as const });
  it('reminds at the longest lead of the policy that fits in the item', () => {
    expect(reminderFor(wd(10), [wd(5), wd(1)], wd(1))).toEqual(wd(5));
    expect(reminderFor(wd(3), [wd(5), wd(1)], wd(1))).toEqual(wd(1));
    expect(reminderFor({ value: 1, unit: 'months' }, [wd(1), wd(5)], wd(1))).toEqual(wd(5));
  });

  const base = {
    kind: 'deferred-materials',
    items: [
      { no: 1, name: '章程', limit: wd(5), extendedBy: 0, suppliedAt: '2027-03-02T00:00:00Z' },
      { no: 2, name: '场所证明', limit: wd(5), extendedBy: 0 },
    ],
    reports: [],
  } as unknown as CommitmentState;

  it('decides nothing while an item is open; kept when all are supplied; a missed item is a breach', () => {
    expect(verdict(base)).toBeUndefined();
    const all = { ...base, items: base.items.map((i) => ({ ...i, suppliedAt: '2027-03-03T00:00:00Z' })) };
    expect(verdict(all)).toMatchObject({ kind: 'kept' });
    const missed = {
      ...base,
      items: [base.items[0], { ...base.items[1], missedAt: '2027-03-10T00:00:00Z' }],
    };
    expect(verdict(missed)).toMatchObject({ kind: 'breach', cause: 'item-missed' });
  });

  it('is not kept while a reported breach is undecided', () => {
    const all = {
      ...base,
      items: base.items.map((i) => ({ ...i, suppliedAt: '2027-03-03T00:00:00Z' })),
      reports: [{ no: 1, status: 'reported' }],
    } as unknown as CommitmentState;
    expect(verdict(all)).toBeUndefined();
  });
});

describe('commitment templates', () => {
  it('renders each kind in Chinese with the subject, the matter and the items; an unknown version is an error', () => {
    const input = {
      subjectName: '某养老服务中心',
      subjectCode: '52410183MJ0000001X',
      signerName: '李四',
      signerCapacity: '法定代表人',
      matter: '养老机构备案',
      department: '新郑市民政局行政审批科',
      officeName: '新郑市民政局',
      signedAt: '2027-01-29T02:00:00.000Z',
      items: [{ name: '消防验收意见书', limit: { value: 1, unit: 'months' as const } }],
      validUntil: '2030-01-29T15:59:59.999Z',
    };
    const deferred = renderCommitment('deferred-materials', 1, input);
    expect(deferred.title).toBe('容缺受理信用承诺书');
    expect(deferred.body).toContain('1. 消防验收意见书，1个月内提供');
    expect(deferred.body).toContain('签署日期：2027年1月29日');
    expect(renderCommitment('voluntary', 1, input).body).toContain('有效期至2030年1月29日');
    expect(() => renderCommitment('notice-commitment', 9, input)).toThrow('第9版');
  });
});
