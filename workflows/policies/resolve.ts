import type { PolicyVersion } from './types';

/** The version in force on a Beijing date (YYYY-MM-DD): the latest effective on or before it. */
export function policyInForceAt(versions: PolicyVersion[], date: string): PolicyVersion | undefined {
  return versions
    .filter((v) => v.effectiveFrom <= date)
    .sort((a, b) =>
      a.effectiveFrom === b.effectiveFrom
        ? b.version - a.version
        : b.effectiveFrom.localeCompare(a.effectiveFrom),
    )[0];
}
