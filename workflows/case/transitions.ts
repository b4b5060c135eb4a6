/**
 * A procedure's statuses as one explicit transition table (as workflows/registry/record-lifecycle
 * does for records): every action names the statuses it may start from and the status it leads
 * to. The case kit checks it in every update's validator and applies it in the handler, before
 * any await, so what a validator reads already says what an accepted update promised.
 */
export interface Transition<Status extends string> {
  from: readonly Status[];
  /** The status after the action; `same` for actions that keep it (an extension). */
  to: Status | 'same';
}

export type TransitionTable<Status extends string, Action extends string> = Record<
  Action,
  Transition<Status>
>;

/** The status an action leads to from `status`, or undefined when the table does not allow it. */
export function nextStatus<Status extends string, Action extends string>(
  table: TransitionTable<Status, Action>,
  status: Status,
  action: Action,
): Status | undefined {
  const rule = table[action];
  if (!rule.from.includes(status)) return undefined;
  return rule.to === 'same' ? status : rule.to;
}
