import { condition } from '@temporalio/workflow';
import { closeUnrectified, proposeConsequence } from './consequence';
import { registerRectificationHandlers } from './handlers';
import { holdInterview } from './interviews';
import { openRectificationCase } from './rectification-case';
import { nextRung } from './rules';
import { order, termPassed } from './terms';
import type { RectificationStart, RectificationView } from './types';

/**
 * 限期整改 and 约谈 (seed 004 (十), 谁认定、谁约谈), on the case kit: the identifying department
 * orders the subject to rectify by a deadline → the subject reports, the department verifies →
 * rectified; a deadline passed unrectified → 提示约谈 (scheduled, held, recorded into the credit
 * record, a new deadline) → 警示约谈 likewise → the policy's consequence, proposed to the
 * supervisor, who confirms (applied) or rejects. The department may withdraw the order at any
 * time. See workflows/rectification/transitions.ts and docs/rectification-procedure.md.
 */
export async function rectification(start: RectificationStart): Promise<RectificationView> {
  const c = openRectificationCase(start);
  const { kit, s } = c;
  registerRectificationHandlers(c);
  kit.start();

  await order(c);
  for (;;) {
    await condition(() => termPassed(c));
    if (kit.ended()) break;
    const rung = nextRung(s.interviews.length, c.rules.consequence);
    if ('interview' in rung) {
      await holdInterview(c, rung.interview);
      continue;
    }
    if ('propose' in rung) await proposeConsequence(c);
    else await closeUnrectified(c);
    break;
  }
  return kit.finish();
}
