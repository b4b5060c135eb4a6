import type { PlatformEventType, RecordStatus } from './types';

/**
 * The lifecycle of a credit record as one explicit transition table. `disputed` and `hidden` are
 * suspensions: they remember the status they interrupted (a stack, since a disputed record may
 * also be hidden while the objection runs) and `resolve-dispute` / `unhide` return to it.
 * `repair` remembers the status it ended, so that `revoke-repair` (the repair was obtained with
 * false materials: 撤销信用修复) returns the record to it — 正常 or 已更正.
 * Every other action sets a final-content status and ends any suspension.
 */
export const RECORD_ACTIONS = [
  'dispute',
  'resolve-dispute',
  'hide',
  'unhide',
  'correct',
  'revoke',
  'repair',
  'revoke-repair',
  'expire',
  'delete',
] as const;
export type RecordAction = (typeof RECORD_ACTIONS)[number];

interface TransitionRule {
  from: readonly RecordStatus[];
  /** The new status, or 'resume': back to the status the suspension interrupted. */
  to: RecordStatus | 'resume';
  /** Suspensions push the current status; everything else clears the stack. */
  suspends?: boolean;
  /** Keeps the status it ends (alone on the stack), for the action that undoes it. */
  remembers?: boolean;
  /** Change the shared credit platform must learn (written to platform_outbox). */
  platformEvent?: PlatformEventType;
}

export const RECORD_TRANSITIONS: Record<RecordAction, TransitionRule> = {
  dispute: { from: ['active', 'corrected'], to: 'disputed', suspends: true },
  'resolve-dispute': { from: ['disputed'], to: 'resume' },
  hide: { from: ['active', 'corrected', 'disputed'], to: 'hidden', suspends: true },
  unhide: { from: ['hidden'], to: 'resume' },
  correct: {
    from: ['active', 'corrected', 'disputed', 'hidden'],
    to: 'corrected',
    platformEvent: 'record.corrected',
  },
  revoke: {
    from: ['active', 'corrected', 'disputed', 'hidden'],
    to: 'revoked',
    platformEvent: 'record.revoked',
  },
  repair: {
    from: ['active', 'corrected'],
    to: 'repaired',
    remembers: true,
    platformEvent: 'record.repaired',
  },
  'revoke-repair': { from: ['repaired'], to: 'resume', platformEvent: 'record.repair-revoked' },
  expire: {
    from: ['active', 'corrected', 'disputed', 'hidden'],
    to: 'expired',
    platformEvent: 'record.expired',
  },
  delete: {
    from: ['active', 'corrected', 'revoked', 'repaired', 'expired'],
    to: 'deleted',
    platformEvent: 'record.deleted',
  },
};

export const RECORD_ACTION_NAMES_ZH: Record<RecordAction, string> = {
  dispute: '标注异议',
  'resolve-dispute': '异议办结（维持原记录）',
  hide: '暂停公示',
  unhide: '恢复公示',
  correct: '更正',
  revoke: '撤销',
  repair: '信用修复',
  'revoke-repair': '撤销信用修复',
  expire: '公示期满停止公示',
  delete: '删除',
};

export type TransitionOutcome =
  | { allowed: true; to: RecordStatus; resumeStack: RecordStatus[]; platformEvent?: PlatformEventType }
  | { allowed: false; allowedFrom: readonly RecordStatus[] };

/** Applies one action to a status and its suspension stack; pure. */
export function nextRecordState(
  status: RecordStatus,
  resumeStack: readonly RecordStatus[],
  action: RecordAction,
): TransitionOutcome {
  const rule = RECORD_TRANSITIONS[action];
  if (!rule.from.includes(status)) return { allowed: false, allowedFrom: rule.from };
  if (rule.to === 'resume') {
    const stack = [...resumeStack];
    const previous = stack.pop() ?? 'active';
    return { allowed: true, to: previous, resumeStack: stack, platformEvent: rule.platformEvent };
  }
  return {
    allowed: true,
    to: rule.to,
    resumeStack: rule.suspends ? [...resumeStack, status] : rule.remembers ? [status] : [],
    platformEvent: rule.platformEvent,
  };
}

/** Statuses in which a record is shown in the public view (if published and within its period). */
export const PUBLICLY_VISIBLE_STATUSES: readonly RecordStatus[] = ['active', 'corrected', 'disputed'];
