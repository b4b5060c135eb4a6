import { shanghaiDate } from '../calendar/working-days';
import { nextDay, periodEnd } from '../case/periods';
import { NATIONAL_REPAIR } from '../policies/presets';
import { policyInForceAt, rulesForCase } from '../policies/resolve';
import type { PolicyVersion, RepairPolicy } from '../policies/types';
import type { CompletedRectification } from '../rectification/activities-contract';
import { RECORD_STATUS_NAMES_ZH, type RecordKind } from '../registry/types';
import {
  BASE_REPAIR_MATERIALS,
  type RepairEvidence,
  type RepairEligibility,
  type RepairMaterial,
  type RepairRecord,
} from './types';

/** Records of dishonesty (失信信息) that credit repair is for. */
export const REPAIRABLE_KINDS: readonly RecordKind[] = [
  'administrative-penalty',
  'dishonesty-list-entry',
  'commitment-breach',
];

/** A repair of the subject revoked earlier: no new application before `until`. */
export interface RepairBar {
  caseNo: string;
  until: string;
}

/** The policy's repair rules, or the national defaults for a version without them. */
export const repairRules = (policy: PolicyVersion): RepairPolicy => ({
  ...NATIONAL_REPAIR,
  ...policy.document.repair,
});

/**
 * Whether a record can be repaired today (pure; the workflow's intake and the API's pre-check
 * both use it):
 * - only dishonesty records, still standing and published (active or corrected);
 * - the tier of the record under the version in force at its decision, or a later version where
 *   that is more favourable to the subject (workflows/policies/resolve.ts rulesForCase);
 * - the tier must be repairable, and its minimum publicity period (from the decision or the
 *   publication, as the policy says) must have elapsed;
 * - a subject whose earlier repair was revoked is barred until the bar ends;
 * - a rectification of the record verified as done (完成信用整改) is shown as evidence the office
 *   holds already: the material `rectification` needs no document from the applicant.
 */
export function repairEligibility(input: {
  record: RepairRecord;
  policies: PolicyVersion[];
  bars: RepairBar[];
  today: string;
  rectifications?: CompletedRectification[];
}): RepairEligibility {
  const { record, policies, bars, today } = input;
  const reasons: string[] = [];
  let retryFrom: string | undefined;
  const later = (day: string) => {
    if (!retryFrom || day > retryFrom) retryFrom = day;
  };
  const refuse = (
    reason: string,
    required: RepairMaterial[] = [...BASE_REPAIR_MATERIALS],
  ): RepairEligibility => ({
    eligible: false,
    reasons: [reason],
    required,
  });

  if (!REPAIRABLE_KINDS.includes(record.kind)) {
    return refuse('该信息不属于失信信息，无需申请信用修复。');
  }
  if (record.status === 'disputed' || record.status === 'hidden') {
    return refuse(`该记录${RECORD_STATUS_NAMES_ZH[record.status]}，请待异议处理完毕后再申请信用修复。`);
  }
  if (record.status !== 'active' && record.status !== 'corrected') {
    return refuse(`该记录${RECORD_STATUS_NAMES_ZH[record.status]}，不再公示，无需申请信用修复。`);
  }
  const atDecision = policyInForceAt(policies, record.decisionDate) ?? policyInForceAt(policies, today);
  const current = policyInForceAt(policies, today);
  if (!atDecision || !current) return refuse('未找到适用的信用修复政策，请联系信用主管部门。');
  if (!record.severityTier) {
    return refuse('该记录未标明失信程度，无法确定修复条件；请认定部门先行更正。');
  }
  const rules = rulesForCase(atDecision, current, record.severityTier);
  const tier = rules.tier;
  if (!tier) {
    return refuse(`失信程度“${record.severityTier}”在适用的政策中没有对应等级，请联系信用主管部门。`);
  }
  const version = policies.find((p) => p.version === tier.version) ?? current;
  const required: RepairMaterial[] = [
    ...BASE_REPAIR_MATERIALS,
    ...(repairRules(current).extraMaterials[tier.value.nationalTier] ?? []),
  ];
  const evidence = rectificationEvidence(input.rectifications ?? []);
  const base = {
    tier: tier.value.nationalTier,
    policyVersion: tier.version,
    required,
    ...(evidence.length > 0 ? { evidence } : {}),
  };
  if (!tier.value.repairable) {
    return {
      ...base,
      eligible: false,
      reasons: [`该记录属于“${tier.value.nationalTier}”失信，依规定不予信用修复。`],
    };
  }
  const from =
    version.document.publicity?.periodStartsFrom === 'publication' && record.publicityStart
      ? record.publicityStart
      : record.decisionDate;
  const minPublicityEnd = periodEnd(from, tier.value.minPublicity);
  if (today <= minPublicityEnd) {
    reasons.push(
      `该记录属于“${tier.value.nationalTier}”失信，最短公示期自${from}起算，至${minPublicityEnd}届满，届满后方可申请信用修复。`,
    );
    later(nextDay(minPublicityEnd));
  }
  for (const bar of bars) {
    if (bar.until < today) continue;
    reasons.push(
      `该主体的信用修复（${bar.caseNo}）因提供虚假材料或违背修复承诺被撤销，${bar.until}前不得再次申请。`,
    );
    later(nextDay(bar.until));
  }
  return reasons.length === 0
    ? { ...base, eligible: true, reasons, minPublicityEnd }
    : { ...base, eligible: false, reasons, minPublicityEnd, ...(retryFrom ? { retryFrom } : {}) };
}

/** Required materials neither submitted nor proven by the service's own records. */
export function materialsMissing(
  eligibility: RepairEligibility | undefined,
  submitted: readonly { kind: RepairMaterial }[],
): RepairMaterial[] {
  const have = new Set<RepairMaterial>(submitted.map((m) => m.kind));
  for (const proof of eligibility?.evidence ?? []) have.add(proof.material);
  return (eligibility?.required ?? []).filter((m) => !have.has(m));
}

/** 完成信用整改 as evidence: each verified rectification, named with its case and department. */
function rectificationEvidence(done: CompletedRectification[]): RepairEvidence[] {
  return done.map((r) => ({
    material: 'rectification',
    caseNo: r.caseNo,
    department: r.department,
    at: r.rectifiedAt,
    note: `已完成信用整改：${r.department}于${shanghaiDate(r.rectifiedAt)}核实整改到位（${r.caseNo}）${
      r.opinion ? `，意见：${r.opinion}` : ''
    }。`,
  }));
}
