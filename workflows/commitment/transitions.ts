import type { TransitionTable } from '../case/transitions';
import type { CommitmentStatus } from './types';

/**
 * The commitment's statuses as one table (信用承诺):
 *
 * checking ──核查通过──> in-force;  checking ──不予适用──> refused
 * in-force ──全部履约 / 核查属实 / 有效期届满──> kept
 * in-force ──逾期未补交 / 核查不实 / 确认违诺──> breached
 * in-force ──撤回申请──> withdrawn (容缺受理、告知承诺, before any deadline has passed)
 * Supplying an item, an extension, a verification or a reported breach keep the status.
 */
export const COMMITMENT_ACTIONS = [
  'admit',
  'refuse',
  'supplyItem',
  'extendItem',
  'recordVerification',
  'reportBreach',
  'decideBreach',
  'withdraw',
  'keep',
  'breach',
] as const;
export type CommitmentAction = (typeof COMMITMENT_ACTIONS)[number];

export const COMMITMENT_TRANSITIONS: TransitionTable<CommitmentStatus, CommitmentAction> = {
  admit: { from: ['checking'], to: 'in-force' },
  refuse: { from: ['checking'], to: 'refused' },
  supplyItem: { from: ['in-force'], to: 'same' },
  extendItem: { from: ['in-force'], to: 'same' },
  recordVerification: { from: ['in-force'], to: 'same' },
  reportBreach: { from: ['in-force'], to: 'same' },
  decideBreach: { from: ['in-force'], to: 'same' },
  withdraw: { from: ['in-force'], to: 'withdrawn' },
  keep: { from: ['in-force'], to: 'kept' },
  breach: { from: ['in-force'], to: 'breached' },
};

export const COMMITMENT_ACTION_NAMES_ZH: Record<CommitmentAction, string> = {
  admit: '准予适用',
  refuse: '不予适用',
  supplyItem: '登记补交材料',
  extendItem: '延长补交期限',
  recordVerification: '登记核查结果',
  reportBreach: '登记违诺线索',
  decideBreach: '认定违诺线索',
  withdraw: '撤回申请',
  keep: '确认履约',
  breach: '认定违约',
};
