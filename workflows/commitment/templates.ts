import { chineseDate } from '../case/notices';
import type { Limit } from '../policies/types';
import { COMMITMENT_KIND_NAMES_ZH, type CommitmentKind } from './types';

/**
 * The commitment letters (信用承诺书), one versioned template per kind (seed 000 三(二):
 * "统一制定信用承诺模板"; seed 004 (一): "制定格式规范的信用承诺书模板"). A version, once used,
 * never changes: a signed commitment keeps the text it was signed with (it is stored with the
 * case); a new wording is a new version, chosen by the policy's `templateVersions`.
 */
export interface TemplateInput {
  subjectName: string;
  subjectCode: string;
  signerName: string;
  signerCapacity: string;
  matter: string;
  department: string;
  officeName: string;
  signedAt: string;
  items: { name: string; limit: Limit }[];
  validUntil?: string;
}

interface Template {
  title(i: TemplateInput): string;
  body(i: TemplateInput): string;
}

const UNIT_ZH: Record<Limit['unit'], string> = {
  'working-days': '个工作日',
  'calendar-days': '日',
  months: '个月',
  years: '年',
};

export const limitText = (l: Limit): string => `${l.value}${UNIT_ZH[l.unit]}`;

const common = (i: TemplateInput): string =>
  `本人/本单位对所作承诺的真实性负责，自愿接受${i.officeName}及有关行业主管部门的监督管理；` +
  `违背承诺约定的，自愿承担违约责任及相应法律责任，同意将违约信息记入信用记录、` +
  `归集至公共信用信息共享平台并依法依规公开，接受相应的失信约束措施。`;

const signature = (i: TemplateInput): string =>
  `\n\n承诺主体：${i.subjectName}（${i.subjectCode}）\n签署人：${i.signerName}（${i.signerCapacity}）\n签署日期：${chineseDate(i.signedAt)}`;

const TEMPLATES: Record<CommitmentKind, Record<number, Template>> = {
  repair: {
    1: {
      title: () => '信用修复承诺书',
      body: (i) =>
        `${i.department}：\n本人/本单位就“${i.matter}”申请信用修复，郑重承诺：已纠正失信行为、消除不良影响，` +
        `所提交的修复申请材料真实、准确、完整` +
        (i.validUntil ? `；自修复决定作出之日起至${chineseDate(i.validUntil)}，不再发生同类失信行为` : '') +
        `。如提供虚假材料或违背本承诺，自愿接受撤销信用修复决定、恢复公示失信信息并在规定期限内不得再次申请信用修复。` +
        common(i) +
        signature(i),
    },
  },
  'deferred-materials': {
    1: {
      title: () => '容缺受理信用承诺书',
      body: (i) =>
        `${i.department}：\n本人/本单位申请办理“${i.matter}”，部分申报材料暂不齐备，现申请容缺受理，并郑重承诺：` +
        `在下列期限内补齐以下材料（期限自本承诺书签署之日起计算）：\n` +
        i.items.map((it, n) => `${n + 1}. ${it.name}，${limitText(it.limit)}内提供；`).join('\n') +
        `\n逾期未提供的，视为违背承诺。` +
        common(i) +
        signature(i),
    },
  },
  'notice-commitment': {
    1: {
      title: () => '告知承诺书',
      body: (i) =>
        `${i.department}：\n本人/本单位申请办理“${i.matter}”，已知晓行政机关告知的全部条件和要求，郑重承诺：` +
        `本人/本单位符合上述条件，所提交的材料及所作说明真实、准确、完整，愿意接受行政机关的事后核查；` +
        `经核查与承诺不符的，视为违背承诺，行政机关可依法撤销相关决定。` +
        common(i) +
        signature(i),
    },
  },
  voluntary: {
    1: {
      title: () => '信用承诺书（主动型/自律型）',
      body: (i) =>
        `本人/本单位就“${i.matter}”向社会公开作出信用承诺：严格遵守国家法律、法规和规章，` +
        `诚实守信、依法经营，全面履行应尽的责任和义务` +
        (i.validUntil ? `；本承诺有效期至${chineseDate(i.validUntil)}` : '') +
        `。本承诺在信用承诺专栏公示，接受社会监督。` +
        common(i) +
        signature(i),
    },
  },
};

/** The newest template version of each kind (what a policy without `templateVersions` uses). */
export const LATEST_TEMPLATE_VERSION: Record<CommitmentKind, number> = {
  repair: 1,
  'deferred-materials': 1,
  'notice-commitment': 1,
  voluntary: 1,
};

/** Renders the letter of a kind in the given template version. */
export function renderCommitment(
  kind: CommitmentKind,
  version: number,
  input: TemplateInput,
): { templateVersion: number; title: string; body: string } {
  const template = TEMPLATES[kind][version];
  if (!template) {
    throw new Error(`${COMMITMENT_KIND_NAMES_ZH[kind]}模板没有第${version}版`);
  }
  return { templateVersion: version, title: template.title(input), body: template.body(input) };
}
