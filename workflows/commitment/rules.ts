import { NATIONAL_COMMITMENT } from '../policies/presets';
import type { CommitmentPolicy, PolicyVersion } from '../policies/types';

/** The policy's commitment rules, or the national defaults for a version without them (pure). */
export function commitmentRules(policy: PolicyVersion): CommitmentPolicy {
  return { ...NATIONAL_COMMITMENT, ...policy.document.commitment };
}
