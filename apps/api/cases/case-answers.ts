import type { Client } from '@temporalio/client';
import type { Repository } from 'typeorm';
import { rowWhen, runCaseUpdate } from './case-workflows';

/**
 * Read-your-writes, for every action of every procedure: an action answers the case as the
 * caller's next GET reads it — the same view, from the same read model — never the workflow's
 * own state object (which has another shape: no timeline, no `stepDueAt`).
 *
 * The case kit answers an update only once `publishCase` has written the revision it answers
 * (workflows/case/case-kit.ts), and `runCaseUpdate` waits until the row holds that revision
 * (`readModelAt`): the read that follows sees the action and all it led to before the answer.
 * A repeated request (same Idempotency-Key) is answered by Temporal with the first result: its
 * revision is already there, and the read shows the case as it is now.
 */
export async function answerAfterUpdate<View extends { revision: number }, Input extends object, Answer>(
  temporal: Client,
  update: Parameters<typeof runCaseUpdate<View, Input>>[1],
  read: () => Promise<Answer>,
): Promise<Answer> {
  await runCaseUpdate<View, Input>(temporal, update);
  return read();
}

/**
 * For an action another workflow carries out (the provider's reply to the objection's
 * verification child, which the case workflow then applies): the update's answer has no revision
 * of the case, so the action waits until the case row shows what the action leads to (`ready`),
 * at most `timeoutMs`, and answers the read of it.
 */
export async function answerWhen<Row extends { id: string }, Answer>(
  repo: Repository<Row>,
  id: string,
  ready: (row: Row) => boolean,
  read: (row: Row) => Promise<Answer>,
  timeoutMs: number,
): Promise<Answer> {
  return read(await rowWhen(repo, id, ready, timeoutMs));
}
