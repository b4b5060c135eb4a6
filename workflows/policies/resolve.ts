import { presetVersions } from './presets';
import {
  SUSPENSION_MODES,
  type Limit,
  type NationalTier,
  type PolicyVersion,
  type SuspensionMode,
  type TierPeriods,
} from './types';

/**
 * The version in force on a Beijing date (YYYY-MM-DD): the latest version effective on or before
 * it that has not ended (effectiveTo, inclusive). Given a jurisdiction id instead of versions, it
 * resolves among the presets.
 */
export function policyInForceAt(versions: PolicyVersion[] | string, date: string): PolicyVersion | undefined {
  const candidates = typeof versions === 'string' ? presetVersions(versions) : versions;
  return candidates
    .filter((v) => v.effectiveFrom <= date && (!v.effectiveTo || date <= v.effectiveTo))
    .sort((a, b) =>
      a.effectiveFrom === b.effectiveFrom
        ? b.version - a.version
        : b.effectiveFrom.localeCompare(a.effectiveFrom),
    )[0];
}

/**
 * Compares two durations: negative when `a` is shorter. Months and years convert exactly; working
 * and calendar days compare only with their own unit (how many working days a month holds depends
 * on the calendar). Undefined when not comparable.
 */
export function compareLimits(a: Limit, b: Limit): number | undefined {
  const inMonths = (l: Limit) =>
    l.unit === 'years' ? l.value * 12 : l.unit === 'months' ? l.value : undefined;
  if (a.unit === b.unit) return a.value - b.value;
  const [ma, mb] = [inMonths(a), inMonths(b)];
  if (ma === undefined || mb === undefined) return undefined;
  return ma - mb;
}

/** Which version a value of a case comes from, and why. */
export interface ChosenRule<T> {
  value: T;
  version: number;
  reason: 'in-force-at-start' | 'later-rule-more-favourable';
}

export interface CaseRules {
  suspension: ChosenRule<SuspensionMode>;
  personalNegativeRetention: ChosenRule<Limit>;
  /** Present when the case concerns a record with a local tier name. */
  tier?: ChosenRule<TierPeriods & { nationalTier: NationalTier }>;
}

function tierOf(
  version: PolicyVersion,
  localTier: string,
): (TierPeriods & { nationalTier: NationalTier }) | undefined {
  const nationalTier = version.document.tierMapping[localTier];
  const periods = nationalTier ? version.document.tiers[nationalTier] : undefined;
  return nationalTier && periods ? { ...periods, nationalTier } : undefined;
}

/**
 * Whether the later tier is more favourable to the subject: no longer minimum or maximum
 * publicity, not less repairable, and better in at least one of them. A mix (shorter minimum but
 * longer maximum) or periods that do not compare leave the rule in force at the start.
 */
function laterTierIsFavourable(started: TierPeriods, later: TierPeriods): boolean {
  if (started.repairable && !later.repairable) return false;
  const min = compareLimits(later.minPublicity, started.minPublicity);
  const max = compareLimits(later.maxPublicity, started.maxPublicity);
  if (min === undefined || max === undefined) return false;
  if (min > 0 || max > 0) return false;
  return min < 0 || max < 0 || (later.repairable && !started.repairable);
}

/**
 * The rules a case follows (domain rule 4): the version in force when it started, except where a
 * later version is more favourable to the subject and that is expressible — shorter publicity
 * periods or newly repairable (the whole tier, never a mix of two versions), a shorter retention
 * of personal negative records, a stronger protection while an objection is verified. Step time
 * limits are procedure: they always stay as they were when the case started.
 */
export function rulesForCase(started: PolicyVersion, current: PolicyVersion, localTier?: string): CaseRules {
  const keep = <T>(value: T): ChosenRule<T> => ({
    value,
    version: started.version,
    reason: 'in-force-at-start',
  });
  const later = <T>(value: T): ChosenRule<T> => ({
    value,
    version: current.version,
    reason: 'later-rule-more-favourable',
  });
  const s = started.document;
  const c = current.document;
  const sameJurisdiction = started.jurisdiction === current.jurisdiction && current.version > started.version;

  const suspension =
    sameJurisdiction &&
    SUSPENSION_MODES.indexOf(c.objection.suspension) > SUSPENSION_MODES.indexOf(s.objection.suspension)
      ? later(c.objection.suspension)
      : keep(s.objection.suspension);

  const retentionOrder = compareLimits(c.personalNegativeRetention, s.personalNegativeRetention);
  const personalNegativeRetention =
    sameJurisdiction && retentionOrder !== undefined && retentionOrder < 0
      ? later(c.personalNegativeRetention)
      : keep(s.personalNegativeRetention);

  const rules: CaseRules = { suspension, personalNegativeRetention };
  if (localTier !== undefined) {
    const startedTier = tierOf(started, localTier);
    const laterTier = tierOf(current, localTier);
    if (startedTier) {
      rules.tier =
        sameJurisdiction && laterTier && laterTierIsFavourable(startedTier, laterTier)
          ? later(laterTier)
          : keep(startedTier);
    }
  }
  return rules;
}
