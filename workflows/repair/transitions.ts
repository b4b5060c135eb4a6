import type { TransitionTable } from '../case/transitions';
import type { RepairStatus } from './types';

/**
 * The repair's statuses as one table (信用修复):
 *
 * received ──补正──> awaiting-materials ──材料收到──> received ──受理──> accepted
 * accepted ──准予修复──> approved ──修复承诺期满──> closed;  approved ──撤销修复──> revoked
 * received ──不符合条件 / accepted ──不予修复──> refused;  awaiting-materials ──逾期──> lapsed
 * received / awaiting-materials / accepted ──撤回──> withdrawn; materials may be added until the decision
 */
export const REPAIR_ACTIONS = [
  'requestMaterials',
  'materialsReceived',
  'supplyMaterials',
  'lapse',
  'accept',
  'approve',
  'refuse',
  'withdraw',
  'revoke',
  'close',
] as const;
export type RepairAction = (typeof REPAIR_ACTIONS)[number];

export const REPAIR_TRANSITIONS: TransitionTable<RepairStatus, RepairAction> = {
  requestMaterials: { from: ['received'], to: 'awaiting-materials' },
  materialsReceived: { from: ['awaiting-materials'], to: 'received' },
  supplyMaterials: { from: ['received', 'awaiting-materials', 'accepted'], to: 'same' },
  lapse: { from: ['awaiting-materials'], to: 'lapsed' },
  accept: { from: ['received'], to: 'accepted' },
  approve: { from: ['accepted'], to: 'approved' },
  refuse: { from: ['received', 'accepted'], to: 'refused' },
  withdraw: { from: ['received', 'awaiting-materials', 'accepted'], to: 'withdrawn' },
  revoke: { from: ['approved'], to: 'revoked' },
  close: { from: ['approved'], to: 'closed' },
};

export const REPAIR_ACTION_NAMES_ZH: Record<RepairAction, string> = {
  requestMaterials: '要求补正材料',
  materialsReceived: '补正材料齐全',
  supplyMaterials: '登记申请材料',
  lapse: '逾期未补正终止',
  accept: '受理',
  approve: '准予修复',
  refuse: '不予修复',
  withdraw: '撤回申请',
  revoke: '撤销信用修复',
  close: '办结',
};
