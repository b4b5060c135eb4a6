import type { NotificationChannel } from '../../infra/database/entities/notification.entity';
import type { Milestone } from '../deadlines/working-day-deadline';
import { chineseDate } from './reply-letter';
import { STEP_NAMES_ZH, type ObjectionStepName } from './state';

/**
 * Texts the objection procedure sends (Simplified Chinese) and who receives them. Pure: used by
 * the workflows, which hand them to the `notify` activity.
 */

/** Recipients: users by `sub`, roles within a department or jurisdiction. */
export const supervisorOf = (department: string): string => `supervisor@${department}`;
export const providerOf = (department: string): string => `provider@${department}`;
/** The credit office (信用办) of the jurisdiction: the second escalation level. */
export const creditOfficeOf = (jurisdiction: string): string => `credit-office@${jurisdiction}`;

/** The channel an applicant's contact reaches: e-mail, SMS to a mobile number, otherwise a letter. */
export function applicantChannel(contact: string): NotificationChannel {
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(contact.trim())) return 'email';
  if (/^(\+?86)?1\d{10}$/.test(contact.replace(/[\s-]/g, ''))) return 'sms';
  return 'letter';
}

export interface MilestoneNotice {
  kind: string;
  recipients: string[];
  title: string;
  body: string;
  summary: string;
}

/** The reminder, overdue notice (督办) and second-level escalation of a step. */
export function milestoneNotice(input: {
  milestone: Milestone;
  caseNo: string;
  step: ObjectionStepName | 'case';
  assignee: string;
  officeDepartment: string;
  jurisdiction: string;
  due: string;
}): MilestoneNotice {
  const what = input.step === 'case' ? '案件办理' : `“${STEP_NAMES_ZH[input.step]}”环节`;
  const due = chineseDate(input.due);
  switch (input.milestone) {
    case 'remind':
      return {
        kind: 'objection.step.reminder',
        recipients: [input.assignee],
        title: `【到期提醒】异议案件${input.caseNo}`,
        body: `异议案件${input.caseNo}的${what}将于${due}到期，请在期限内办结。`,
        summary: `${what}将于${due}到期，已提醒办理人`,
      };
    case 'due':
      return {
        kind: 'objection.step.overdue',
        recipients: [input.assignee, supervisorOf(input.officeDepartment)],
        title: `【逾期督办】异议案件${input.caseNo}`,
        body: `异议案件${input.caseNo}的${what}已于${due}到期仍未办结，已标记为逾期并提请负责人督办。`,
        summary: `${what}已逾期（期限${due}），已提请负责人督办`,
      };
    case 'second-level':
      return {
        kind: 'objection.step.escalated',
        recipients: [
          input.assignee,
          supervisorOf(input.officeDepartment),
          creditOfficeOf(input.jurisdiction),
        ],
        title: `【逾期升级】异议案件${input.caseNo}`,
        body: `异议案件${input.caseNo}的${what}逾期（期限${due}）仍未办结，已升级至信用主管部门督办。`,
        summary: `${what}逾期未办结，已升级至信用主管部门督办`,
      };
  }
}
