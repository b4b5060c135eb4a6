import type { PolicyDocument, PolicyVersion } from './types';

/**
 * The preset policies. Values come from the seed documents (../shared/seeds) and national rules;
 * each is annotated with its source. Where a seed sets no value, the national default applies and
 * the source says so.
 */
const wd = (value: number) => ({ value, unit: 'working-days' as const });
const months = (value: number) => ({ value, unit: 'months' as const });
const years = (value: number) => ({ value, unit: 'years' as const });

/** NDRC Order 36 / 国办发〔2025〕22号 tiers and periods, in force from 2026-04-01. */
const NATIONAL_TIERS_2026: PolicyDocument['tiers'] = {
  轻微: { minPublicity: months(0), maxPublicity: months(3), repairable: true },
  一般: { minPublicity: months(3), maxPublicity: years(1), repairable: true },
  严重: { minPublicity: years(1), maxPublicity: years(3), repairable: true },
};

/** The earlier regime (发改办财金〔2019〕527号), 2019 to 2026-03-31. */
const NATIONAL_TIERS_LEGACY: PolicyDocument['tiers'] = {
  一般: { minPublicity: months(3), maxPublicity: years(3), repairable: true },
  严重: { minPublicity: months(6), maxPublicity: years(3), repairable: true },
  特定严重: { minPublicity: years(3), maxPublicity: years(3), repairable: false },
};

const NATIONAL_MAPPING: PolicyDocument['tierMapping'] = { 轻微: '轻微', 一般: '一般', 严重: '严重' };

const DEFAULT_ESCALATION: PolicyDocument['escalation'] = { remindBefore: wd(1), secondLevelAfter: wd(2) };

/** No national statute fixes objection step limits; this default follows the 上海 pattern. */
const NATIONAL_OBJECTION: PolicyDocument['objection'] = {
  forward: wd(2),
  verify: wd(5),
  notify: wd(2),
  suspension: 'flag',
  materialsLapse: wd(10),
  channels: ['window', 'phone', 'email', 'website'],
};

const national = (tiers: PolicyDocument['tiers'], sources: string[]): PolicyDocument => ({
  name: '国家默认',
  objection: NATIONAL_OBJECTION,
  escalation: DEFAULT_ESCALATION,
  tierMapping: NATIONAL_MAPPING,
  tiers,
  personalNegativeRetention: years(5), // 征信业管理条例 Art 16
  commitmentReminders: [wd(5), wd(1)],
  sources,
});

export const POLICY_PRESETS: PolicyVersion[] = [
  {
    jurisdiction: 'national',
    version: 1,
    effectiveFrom: '2019-07-01',
    document: national(NATIONAL_TIERS_LEGACY, ['发改办财金〔2019〕527号', '征信业管理条例 第16条']),
  },
  {
    jurisdiction: 'national',
    version: 2,
    effectiveFrom: '2026-04-01',
    document: national(NATIONAL_TIERS_2026, [
      '国家发展改革委令第36号',
      '国办发〔2025〕22号',
      '征信业管理条例 第16条',
    ]),
  },
  {
    jurisdiction: 'yexian-mz',
    version: 1,
    effectiveFrom: '2022-01-01',
    document: {
      ...national(NATIONAL_TIERS_LEGACY, []),
      name: '叶县民政局',
      // seed 000 四(二): reply within 5 working days of receipt; punishment suspended while verifying
      objection: {
        verify: wd(5),
        total: wd(5),
        suspension: 'suspend-measures',
        materialsLapse: wd(10),
        channels: ['window', 'phone', 'email', 'website'],
      },
      sources: ['seed 000 叶民文〔2022〕12号 四(二)', 'tiers: national default (527号)'],
    },
  },
  {
    jurisdiction: 'jiaxian-sl',
    version: 1,
    effectiveFrom: '2019-01-01',
    document: {
      ...national(NATIONAL_TIERS_LEGACY, []),
      name: '郏县水利局',
      sources: [
        'seed 001: no objection limits of its own (national default applies); publicity ≤7 WD, credit report valid 1 year (二)',
      ],
    },
  },
  {
    jurisdiction: 'ningjin',
    version: 1,
    effectiveFrom: '2020-01-01',
    document: {
      ...national(NATIONAL_TIERS_LEGACY, []),
      name: '宁晋县',
      // seed 002 (十七): measures not executed while verifying; channels phone/email/website/app/WeChat
      objection: {
        ...NATIONAL_OBJECTION,
        suspension: 'suspend-measures',
        channels: ['window', 'phone', 'email', 'website', 'app', 'wechat'],
      },
      sources: ['seed 002 宁社信发〔2020〕6号 (十七)', 'step limits: national default (“尽快核实并反馈”)'],
    },
  },
  {
    jurisdiction: 'xinzheng-mz',
    version: 1,
    effectiveFrom: '2019-07-15',
    document: {
      ...national(NATIONAL_TIERS_LEGACY, []),
      name: '新郑市民政局',
      // seed 003 六(三): forward ≤5, verify ≤5 from receipt, notify ≤2, whole case ≤12 WD;
      // processing does not affect recording, publicity and handling
      objection: {
        forward: wd(5),
        verify: wd(5),
        notify: wd(2),
        total: wd(12),
        suspension: 'none',
        materialsLapse: wd(10),
        channels: ['window', 'website'],
      },
      // seed 003 uses 一般/较重/严重 失信
      tierMapping: { 一般失信: '轻微', 较重失信: '一般', 严重失信: '严重' },
      personalNegativeRetention: years(5), // seed 003 六(七)
      sources: ['seed 003 新郑市民政局 六(三), 六(七)', 'tier periods: national default (527号)'],
    },
  },
  {
    jurisdiction: 'yongchang',
    version: 1,
    effectiveFrom: '2022-01-01',
    document: {
      ...national(NATIONAL_TIERS_LEGACY, []),
      name: '永昌县',
      sources: [
        'seed 004 永政办发〔2022〕21号 (十)(十二)(十五): rectification and interviews; objection limits national default',
      ],
    },
  },
  {
    jurisdiction: 'shanghai',
    version: 1,
    effectiveFrom: '2017-10-01',
    document: {
      ...national(NATIONAL_TIERS_LEGACY, []),
      name: '上海市',
      // 上海市社会信用条例 Art 36: mark disputed ≤1 WD; forward ≤2 WD; provider decides ≤5 WD
      objection: {
        markDisputed: wd(1),
        forward: wd(2),
        verify: wd(5),
        suspension: 'flag',
        materialsLapse: wd(10),
        channels: ['window', 'website'],
      },
      sources: ['上海市社会信用条例 第36条'],
    },
  },
];

export const JURISDICTIONS = [...new Set(POLICY_PRESETS.map((p) => p.jurisdiction))];
