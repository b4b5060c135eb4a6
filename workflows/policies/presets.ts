import type { Channel, Limit, PolicyDocument, PolicyVersion } from './types';

/**
 * The preset policies, one or more effective-dated versions per jurisdiction. Values come from
 * the seed documents (../shared/seeds: 000 叶县民政局, 001 郏县水利局, 002 宁晋县, 003 新郑市民政局,
 * 004 永昌县) and national rules; each is annotated with its source. Where a seed sets no value,
 * the national default applies and `sources` says so.
 *
 * Tiers: the seeds leave tier periods to national rules, so every jurisdiction has a version
 * with the legacy 527号 tiers and one from 2026-04-01 with the NDRC Order 36 tiers.
 */
const wd = (value: number): Limit => ({ value, unit: 'working-days' });
const months = (value: number): Limit => ({ value, unit: 'months' });
const years = (value: number): Limit => ({ value, unit: 'years' });

/** The day the NDRC Order 36 tiers take over from the 527号 regime. */
export const NATIONAL_TIERS_2026_FROM = '2026-04-01';
const LEGACY_TO = '2026-03-31';

/** NDRC Order 36 / 国办发〔2025〕22号, from 2026-04-01. 轻微: not published, or at most 3 months. */
const NATIONAL_TIERS_2026: PolicyDocument['tiers'] = {
  轻微: { minPublicity: months(0), maxPublicity: months(3), repairable: true },
  一般: { minPublicity: months(3), maxPublicity: years(1), repairable: true },
  严重: { minPublicity: years(1), maxPublicity: years(3), repairable: true },
};
const NATIONAL_MAPPING_2026: PolicyDocument['tierMapping'] = { 轻微: '轻微', 一般: '一般', 严重: '严重' };

/** The earlier regime (发改办财金〔2019〕527号), to 2026-03-31. 特定严重 cannot be repaired. */
const NATIONAL_TIERS_LEGACY: PolicyDocument['tiers'] = {
  一般: { minPublicity: months(3), maxPublicity: years(3), repairable: true },
  严重: { minPublicity: months(6), maxPublicity: years(3), repairable: true },
  特定严重: { minPublicity: years(3), maxPublicity: years(3), repairable: false },
};
const NATIONAL_MAPPING_LEGACY: PolicyDocument['tierMapping'] = {
  一般: '一般',
  严重: '严重',
  特定严重: '特定严重',
};

const DEFAULT_CHANNELS: Channel[] = ['window', 'phone', 'email', 'website'];

/** No national statute fixes objection step limits; this default follows the 上海 pattern. */
const NATIONAL_OBJECTION: PolicyDocument['objection'] = {
  forward: wd(2),
  verify: wd(5),
  notify: wd(2),
  suspension: 'flag',
  materialsLapse: wd(10),
  channels: DEFAULT_CHANNELS,
};

/**
 * 信用承诺 defaults. The seeds fix none of these periods; they are the service's defaults, to be
 * set by each jurisdiction: verification within 20 WD, a reported breach decided within 10 WD,
 * voluntary commitments valid three years, the fast track barred one year after a breach (or
 * until the breach record is repaired), breach records published for one year.
 */
export const NATIONAL_COMMITMENT: NonNullable<PolicyDocument['commitment']> = {
  verifyWithin: wd(20),
  breachReview: wd(10),
  voluntaryValidity: years(3),
  fastTrackBar: years(1),
  cleanRecordYears: 0,
  breachPublicity: years(1),
  // seed 003 四(一) and 004 (一): commitments are published in a 信用承诺专栏
  publishedKinds: ['deferred-materials', 'notice-commitment', 'voluntary', 'repair'],
  breachMeasures: [],
  templateVersions: { 'deferred-materials': 1, 'notice-commitment': 1, voluntary: 1, repair: 1 },
};

/**
 * 信用修复 defaults: 22号 "authority acts ≤3 WD of receipt" (acceptance) and "信用中国 feedback
 * ≤10 WD" (the decision); 严重 tiers also need a training certificate and a credit report (NDRC
 * Order 36 art. 11 lists them as conditions the authority may require). The applicant's 补正
 * time, the reapplication wait, the bar after a revoked repair and the commitment's term are the
 * service's defaults, to be set by each jurisdiction.
 */
export const NATIONAL_REPAIR: NonNullable<PolicyDocument['repair']> = {
  acceptWithin: wd(3),
  decideWithin: wd(10),
  materialsLapse: wd(10),
  extraMaterials: { 严重: ['training-certificate', 'credit-report'] },
  reapplyAfterRefusal: { value: 30, unit: 'calendar-days' },
  barAfterRevocation: years(1),
  commitmentValidity: years(1),
};

/**
 * 限期整改、约谈 defaults. Seed 004 (十) sets the procedure (谁认定、谁约谈; 提示约谈, then 警示约谈;
 * the interview record into the credit record) but no period: these are the service's defaults,
 * to be set by each jurisdiction — 10/20/30 working days to rectify by tier (20 without a tier),
 * the subject reminded 3 WD before, verification within 5 WD, an interview scheduled within 5 WD
 * and recorded within 2 WD of its date, 10 WD after an interview, the supervisor's confirmation
 * within 5 WD, and a 重点关注名单 entry for one year as the consequence after a 警示约谈.
 */
export const NATIONAL_RECTIFICATION: NonNullable<PolicyDocument['rectification']> = {
  deadlines: { 轻微: wd(10), 一般: wd(20), 严重: wd(30), 特定严重: wd(30) },
  defaultDeadline: wd(20),
  remindSubjectBefore: wd(3),
  verifyReportWithin: wd(5),
  scheduleWithin: wd(5),
  recordWithin: wd(2),
  afterInterview: wd(10),
  confirmWithin: wd(5),
  consequence: { kind: 'watch-list', listName: '重点关注名单', validity: years(1) },
};

interface Regime {
  tiers: PolicyDocument['tiers'];
  tierMapping: PolicyDocument['tierMapping'];
  source: string;
}
const LEGACY: Regime = {
  tiers: NATIONAL_TIERS_LEGACY,
  tierMapping: NATIONAL_MAPPING_LEGACY,
  source: '发改办财金〔2019〕527号',
};
const ORDER_36: Regime = {
  tiers: NATIONAL_TIERS_2026,
  tierMapping: NATIONAL_MAPPING_2026,
  source: '国家发展改革委令第36号、国办发〔2025〕22号',
};

/** The national defaults under a tier regime; a jurisdiction overrides what its seed sets. */
const national = (regime: Regime): PolicyDocument => ({
  name: '国家默认',
  objection: NATIONAL_OBJECTION,
  // Remind one working day before; level 1 at the due time; level 2 two working days later.
  escalation: { remindBefore: wd(1), secondLevelAfter: wd(2) },
  tierMapping: regime.tierMapping,
  tiers: regime.tiers,
  personalNegativeRetention: years(5), // 征信业管理条例 第16条
  commitmentReminders: [wd(5), wd(1)],
  commitment: NATIONAL_COMMITMENT,
  repair: NATIONAL_REPAIR,
  rectification: NATIONAL_RECTIFICATION,
  publicity: { periodStartsFrom: 'decision' },
  sources: [regime.source, '征信业管理条例 第16条'],
});

/**
 * Two versions for a jurisdiction whose own rules did not change: under the legacy tiers from its
 * document's date, and under the NDRC Order 36 tiers from 2026-04-01.
 */
function localVersions(
  jurisdiction: string,
  effectiveFrom: string,
  local: (regime: Regime) => Partial<PolicyDocument> & Pick<PolicyDocument, 'name' | 'sources'>,
): PolicyVersion[] {
  const document = (regime: Regime): PolicyDocument => {
    const own = local(regime);
    return {
      ...national(regime),
      ...own,
      sources: [...own.sources, `tier periods: national (${regime.source})`],
    };
  };
  return [
    { jurisdiction, version: 1, effectiveFrom, effectiveTo: LEGACY_TO, document: document(LEGACY) },
    { jurisdiction, version: 2, effectiveFrom: NATIONAL_TIERS_2026_FROM, document: document(ORDER_36) },
  ];
}

export const POLICY_PRESETS: PolicyVersion[] = [
  {
    jurisdiction: 'national',
    version: 1,
    effectiveFrom: '2019-07-01',
    effectiveTo: LEGACY_TO,
    document: national(LEGACY),
  },
  {
    jurisdiction: 'national',
    version: 2,
    effectiveFrom: NATIONAL_TIERS_2026_FROM,
    document: national(ORDER_36),
  },

  // seed 000 叶民文〔2022〕12号, 2022-06-08
  ...localVersions('yexian-mz', '2022-06-08', () => ({
    name: '叶县民政局',
    objection: {
      // seed 000 四(二): "在收到信用主体异议申请5个工作日内向申请或投诉人回复核查结果"
      verify: wd(5),
      total: wd(5),
      // seed 000 四(二): "信息核实期间暂不执行联合惩戒措施"
      suspension: 'suspend-measures',
      materialsLapse: wd(10), // not in the seed: national default
      channels: DEFAULT_CHANNELS, // not in the seed: national default
    },
    sources: ['seed 000 叶民文〔2022〕12号 四(二)'],
  })),

  // seed 001 郏县水利局 (forwarding 郏县信用办's opinion); the document carries no date of its own
  ...localVersions('jiaxian-sl', '2019-01-01', () => ({
    name: '郏县水利局',
    // seed 001 二(一): "行政许可、行政处罚信息要按照规定在7个工作日内通过“信用郏县”网站进行公开公示"
    publicity: { publishWithin: wd(7), periodStartsFrom: 'decision' },
    // seed 001 二(三): "信用报告原则上有效期为1年"
    creditReportValidity: years(1),
    sources: ['seed 001 二(一), 二(三)', 'objection limits: national default (the seed sets none)'],
  })),

  // seed 002 宁社信发〔2020〕6号, 2020-03-18
  ...localVersions('ningjin', '2020-03-18', () => ({
    name: '宁晋县',
    objection: {
      // seed 002 (十七): "信息提供单位应尽快核实并反馈" — no number: national default step limits
      ...NATIONAL_OBJECTION,
      // seed 002 (十七): "联合惩戒措施在信息核实期间暂不执行"
      suspension: 'suspend-measures',
      // seed 002 (十七): "电话、电子邮箱、网站、手机 APP、微信公众号等多元化渠道"
      channels: ['window', 'phone', 'email', 'website', 'app', 'wechat'],
    },
    sources: ['seed 002 宁社信发〔2020〕6号 (十七)', 'step limits: national default (“尽快核实并反馈”)'],
  })),

  // seed 003 新郑市民政局, 2019-07-15
  ...localVersions('xinzheng-mz', '2019-07-15', (regime) => ({
    name: '新郑市民政局',
    objection: {
      // seed 003 六(三): office forwards ≤5 WD; provider verifies ≤5 WD from its receipt;
      // office notifies ≤2 WD after the result; reply ≤12 WD from receipt
      forward: wd(5),
      verify: wd(5),
      notify: wd(2),
      total: wd(12),
      // seed 003 六(三): "异议处理期间不影响失信行为的记录、公示与处理"
      suspension: 'none',
      materialsLapse: wd(10), // not in the seed: national default
      // seed 003 六(三): "提交书面异议申请或者进行在线异议提交"
      channels: ['window', 'website'],
    },
    // seed 003 二(三): "原则上分为一般失信行为、较重失信行为和严重失信行为". Under 527号 there is
    // no middle tier: 较重 takes the milder legacy tier (in doubt, for the subject).
    tierMapping:
      regime === LEGACY
        ? { 一般失信: '一般', 较重失信: '一般', 严重失信: '严重' }
        : { 一般失信: '轻微', 较重失信: '一般', 严重失信: '严重' },
    // seed 003 六(七): "涉及个人的信用记录在失信行为终止之日起失信记录只保留5年"
    personalNegativeRetention: years(5),
    // seed 003 四(三): "对诚信典型和连续三年无不良信用记录的行政相对人 … 实施“绿色”通道和“容缺受理”"
    commitment: { ...NATIONAL_COMMITMENT, cleanRecordYears: 3 },
    sources: ['seed 003 新郑市民政局 二(三), 四(三), 六(三), 六(七)'],
  })),

  // seed 004 永政办发〔2022〕21号, 2022-03-28
  ...localVersions('yongchang', '2022-03-28', () => ({
    name: '永昌县',
    objection: {
      ...NATIONAL_OBJECTION,
      // seed 004 (十五): "对市场主体提出异议的信息，信息提供和采集单位要尽快核实并反馈结果" — no number
    },
    // seed 004 (十): "整改不到位的，按照“谁认定、谁约谈”的原则 … 启动提示约谈或警示约谈程序" — no period
    rectification: NATIONAL_RECTIFICATION,
    sources: [
      'seed 004 永政办发〔2022〕21号 (十)(十二)(十五): rectification and interviews, repair; objection limits national default',
    ],
  })),

  // 上海市社会信用条例, in force 2017-10-01 (a further example beside the seeds)
  ...localVersions('shanghai', '2017-10-01', () => ({
    name: '上海市',
    // 上海市社会信用条例 第36条: mark disputed ≤1 WD; forward ≤2 WD; provider decides ≤5 WD
    objection: {
      markDisputed: wd(1),
      forward: wd(2),
      verify: wd(5),
      suspension: 'flag',
      materialsLapse: wd(10), // not in the 条例: national default
      channels: ['window', 'website'],
    },
    sources: ['上海市社会信用条例 第36条'],
  })),
];

export const JURISDICTIONS = [...new Set(POLICY_PRESETS.map((p) => p.jurisdiction))];

/** The preset versions of one jurisdiction, oldest first. */
export function presetVersions(jurisdiction: string): PolicyVersion[] {
  return POLICY_PRESETS.filter((p) => p.jurisdiction === jurisdiction).sort((a, b) => a.version - b.version);
}
