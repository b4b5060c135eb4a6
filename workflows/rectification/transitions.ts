import type { TransitionTable } from '../case/transitions';
import type { RectificationStatus } from './types';

/**
 * The rectification's statuses as one table (限期整改、约谈):
 *
 * rectifying ──报告整改情况──> reported ──核实：已完成──> rectified
 *                                       ──核实：未完成/部分完成──> rectifying
 * rectifying ──期限届满未整改──> interview-pending (提示约谈, then 警示约谈)
 *                             or consequence-proposed (after the 警示约谈) or unrectified (no consequence)
 * interview-pending ──安排约谈──> interview-scheduled ──(改期)──> interview-scheduled
 * interview-scheduled ──登记约谈情况──> rectifying (a new deadline)
 * consequence-proposed ──确认──> sanctioned;  ──不予确认──> unrectified
 * any open status ──撤销整改要求──> cancelled
 */
export const RECTIFICATION_ACTIONS = [
  'report',
  'verifyDone',
  'verifyNotDone',
  'requireInterview',
  'propose',
  'closeUnrectified',
  'schedule',
  'reschedule',
  'recordInterview',
  'confirmConsequence',
  'rejectConsequence',
  'cancel',
] as const;
export type RectificationAction = (typeof RECTIFICATION_ACTIONS)[number];

const OPEN: RectificationStatus[] = [
  'rectifying',
  'reported',
  'interview-pending',
  'interview-scheduled',
  'consequence-proposed',
];

export const RECTIFICATION_TRANSITIONS: TransitionTable<RectificationStatus, RectificationAction> = {
  report: { from: ['rectifying'], to: 'reported' },
  verifyDone: { from: ['reported'], to: 'rectified' },
  verifyNotDone: { from: ['reported'], to: 'rectifying' },
  requireInterview: { from: ['rectifying'], to: 'interview-pending' },
  propose: { from: ['rectifying'], to: 'consequence-proposed' },
  closeUnrectified: { from: ['rectifying'], to: 'unrectified' },
  schedule: { from: ['interview-pending'], to: 'interview-scheduled' },
  reschedule: { from: ['interview-scheduled'], to: 'same' },
  recordInterview: { from: ['interview-scheduled'], to: 'rectifying' },
  confirmConsequence: { from: ['consequence-proposed'], to: 'sanctioned' },
  rejectConsequence: { from: ['consequence-proposed'], to: 'unrectified' },
  cancel: { from: OPEN, to: 'cancelled' },
};

export const RECTIFICATION_ACTION_NAMES_ZH: Record<RectificationAction, string> = {
  report: '报告整改情况',
  verifyDone: '核实整改情况',
  verifyNotDone: '核实整改情况',
  requireInterview: '启动约谈',
  propose: '提请实施后续措施',
  closeUnrectified: '未整改办结',
  schedule: '安排约谈',
  reschedule: '调整约谈安排',
  recordInterview: '登记约谈情况',
  confirmConsequence: '确认后续措施',
  rejectConsequence: '不予确认后续措施',
  cancel: '撤销整改要求',
};
