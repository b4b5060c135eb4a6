import type { TransitionTable } from '../case/transitions';
import type { ObjectionStatus } from './types';

/**
 * The objection's statuses as one table (异议处理):
 *
 * received ──补正──> awaiting-materials ──材料收到──> received ──转办──> forwarded
 * forwarded ──核查答复──> verified ──书面告知──> closed
 * received / awaiting-materials / forwarded ──撤回──> withdrawn;  awaiting-materials ──逾期──> lapsed;
 * forwarded ──核查流程失败──> aborted.
 */
export const OBJECTION_ACTIONS = [
  'requestMaterials',
  'materialsReceived',
  'lapse',
  'forward',
  'extend',
  'withdraw',
  'verify',
  'abort',
  'issueReply',
] as const;
export type ObjectionAction = (typeof OBJECTION_ACTIONS)[number];

export const OBJECTION_TRANSITIONS: TransitionTable<ObjectionStatus, ObjectionAction> = {
  requestMaterials: { from: ['received'], to: 'awaiting-materials' },
  materialsReceived: { from: ['awaiting-materials'], to: 'received' },
  lapse: { from: ['awaiting-materials'], to: 'lapsed' },
  forward: { from: ['received'], to: 'forwarded' },
  extend: { from: ['received', 'forwarded', 'verified'], to: 'same' },
  withdraw: { from: ['received', 'awaiting-materials', 'forwarded'], to: 'withdrawn' },
  verify: { from: ['forwarded'], to: 'verified' },
  abort: { from: ['forwarded'], to: 'aborted' },
  issueReply: { from: ['verified'], to: 'closed' },
};

export const OBJECTION_ACTION_NAMES_ZH: Record<ObjectionAction, string> = {
  requestMaterials: '要求补正',
  materialsReceived: '登记补正材料',
  lapse: '逾期未补正终止',
  forward: '转交信息提供单位',
  extend: '延期',
  withdraw: '撤回',
  verify: '登记核查结果',
  abort: '异常终止',
  issueReply: '出具书面告知',
};
