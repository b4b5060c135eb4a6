import { checkCompleteness } from './completeness';
import { endWithoutResult } from './endings';
import { registerObjectionHandlers } from './handlers';
import { receive } from './intake';
import { openObjectionCase, runCaseClock } from './objection-case';
import { applyOutcome } from './outcome';
import type { ObjectionView } from './state';
import type { ObjectionStart } from './types';
import { forwardAndVerify } from './verification';
import { issueWrittenReply } from './written-reply';

/**
 * 异议处理: one objection case from intake to the written reply, on the case kit.
 * intake (受理) → completeness (补正) → forward (转办) → verify (核查) → apply the outcome → written reply (书面告知);
 * withdrawal, lapse or a failed verification end it early with the record restored.
 * See workflows/objection/transitions.ts for the statuses and docs/objection-procedure.md.
 */
export async function objection(start: ObjectionStart): Promise<ObjectionView> {
  const c = openObjectionCase(start);
  registerObjectionHandlers(c);
  c.kit.start();

  await receive(c);
  const caseClock = runCaseClock(c);
  const intake = await checkCompleteness(c);
  const verification = intake === 'forward' ? await forwardAndVerify(c) : { kind: intake };
  if (verification.kind === 'replied') {
    await applyOutcome(c, verification.reply);
    await issueWrittenReply(c, verification.reply);
  } else {
    await endWithoutResult(c, verification);
  }
  await caseClock?.done;
  return c.kit.finish();
}
