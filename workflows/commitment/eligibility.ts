import { nextDay, periodEnd, yearsAfter } from '../case/periods';
import type { CommitmentPolicy } from '../policies/types';
import { RECORD_KIND_NAMES_ZH } from '../registry/types';
import type { EligibilityFacts, NegativeRecordFact } from './activities-contract';
import { FAST_TRACK_KINDS, type CommitmentKind } from './types';

/**
 * 逢办必查 at intake (pure): whether the subject may use the kind of commitment, from what the
 * registry knows. The fast track (容缺受理, 告知承诺) is closed to a subject
 * - on a blacklist (黑名单);
 * - in breach of an earlier commitment, for the policy's bar period from the breach record's
 *   decision, or until that record is repaired (a repaired or revoked record no longer counts);
 * - without the clean record the policy requires (新郑: three years without bad records).
 * Voluntary commitments (主动/自律承诺) are open to every subject.
 */
export interface EligibilityDecision {
  eligible: boolean;
  reasons: string[];
  /** The earliest day a new application could succeed, when the refusal has an end. */
  retryFrom?: string;
}

const describe = (r: NegativeRecordFact): string =>
  `${RECORD_KIND_NAMES_ZH[r.kind]}“${r.title}”（${r.documentNo}，${r.decisionDate}）`;

/** The first day negative records count for the green channel, for a check on `today`. */
export function badRecordsSince(rules: CommitmentPolicy, today: string): string {
  return rules.cleanRecordYears > 0 ? yearsAfter(today, -rules.cleanRecordYears) : today;
}

export function decideEligibility(
  kind: CommitmentKind,
  facts: EligibilityFacts,
  rules: CommitmentPolicy,
  today: string,
): EligibilityDecision {
  if (!FAST_TRACK_KINDS.includes(kind)) return { eligible: true, reasons: [] };
  const reasons: string[] = [];
  let retryFrom: string | undefined;
  let open = false; // a refusal without an end date (a blacklist)
  const later = (date: string) => {
    if (!retryFrom || date > retryFrom) retryFrom = date;
  };

  if (facts.blacklists.length > 0) {
    open = true;
    reasons.push(
      `该主体已被列入${facts.blacklists.map((b) => `${b.domain}领域${b.listName}`).join('、')}，不适用容缺受理、告知承诺等便利措施。`,
    );
  }
  for (const breach of facts.breaches) {
    const until = periodEnd(breach.decisionDate, rules.fastTrackBar);
    if (until < today) continue;
    reasons.push(
      `该主体有${describe(breach)}，${until}前（或该违约记录完成信用修复前）不适用容缺受理、告知承诺。`,
    );
    later(nextDay(until));
  }
  if (rules.cleanRecordYears > 0) {
    const since = badRecordsSince(rules, today);
    const bad = facts.badRecords.filter((r) => r.decisionDate >= since);
    if (bad.length > 0) {
      reasons.push(
        `绿色通道要求连续${rules.cleanRecordYears}年无不良信用记录，该主体有${bad.map(describe).join('、')}。`,
      );
      // Clean for the whole period again once the newest bad record is that many years old.
      const newest = bad
        .map((r) => r.decisionDate)
        .sort()
        .at(-1)!;
      later(nextDay(yearsAfter(newest, rules.cleanRecordYears)));
    }
  }
  if (reasons.length === 0) return { eligible: true, reasons };
  return open || !retryFrom ? { eligible: false, reasons } : { eligible: false, reasons, retryFrom };
}
