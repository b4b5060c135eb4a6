import type { StepDeadline } from '../case/types';
import type { CommitmentState } from './types';

/**
 * The earliest open deadline of a commitment (an item not supplied, the verification without a
 * result, a reported breach not decided), or undefined. Pure: the read model uses it too.
 */
export function nextDeadline(
  s: Pick<CommitmentState, 'items' | 'verification' | 'reports'>,
): StepDeadline<string> | undefined {
  const open = [
    ...s.items.filter((i) => !i.suppliedAt).map((i) => i.deadline),
    s.verification && !s.verification.result ? s.verification.deadline : undefined,
    ...s.reports.filter((r) => r.status === 'reported').map((r) => r.deadline),
  ].filter((d): d is StepDeadline<string> => !!d?.due);
  return open.sort((a, b) => Date.parse(a.due) - Date.parse(b.due))[0];
}
