import { condition } from '@temporalio/workflow';
import { openCommitmentCase } from './commitment-case';
import { registerCommitmentHandlers } from './handlers';
import { signAndCheck } from './intake';
import { recordBreach, recordKept } from './outcome';
import { startClocks, verdict } from './tracking';
import type { CommitmentStart, CommitmentView } from './types';

/** Continue as new past this many history events unless the start says otherwise. */
const HISTORY_LIMIT = 2000;

/**
 * 信用承诺: one signed commitment from the credit check at intake to kept or breached, on the
 * case kit. sign + 逢办必查 → admitted (or refused) → every promised item, the verification or
 * the validity tracked by step clocks, reported breaches reviewed → kept (positive record) or
 * breached (record, publicity, platform, measures, fast-track bar); withdrawal ends it without
 * breach. A commitment may run for years: it continues as new, carrying its state, when its
 * history grows long. See workflows/commitment/transitions.ts and docs/commitment-procedure.md.
 */
export async function commitment(start: CommitmentStart): Promise<CommitmentView> {
  const c = openCommitmentCase(start);
  const { kit, s } = c;
  registerCommitmentHandlers(c);
  kit.start();

  if (!start.resume && !(await signAndCheck(c))) return kit.finish();
  if (!kit.ended()) {
    startClocks(c);
    const limit = start.historyLimit ?? HISTORY_LIMIT;
    await condition(() => kit.ended() || verdict(s) !== undefined || kit.historyFull(limit));
    if (!kit.ended()) {
      const v = verdict(s);
      if (v?.kind === 'breach') await recordBreach(c, v);
      else if (v?.kind === 'kept') await recordKept(c, v);
      else {
        return kit.continueAsNew<typeof commitment>(() => [{ ...start, resume: { ...s, run: s.run + 1 } }]);
      }
    }
  }
  return kit.finish();
}
