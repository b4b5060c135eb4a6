/**
 * Who is told what: the recipients and channels every procedure uses. Pure, so the workflows
 * build their notices here and hand them to the `notify` activity; the notification entity
 * imports the channel type from here (workflows depend on nothing outside themselves).
 */

/** How a notification reaches its recipient. */
export type NotificationChannel = 'internal' | 'sms' | 'email' | 'wechat' | 'letter';
export const NOTIFICATION_CHANNELS: readonly NotificationChannel[] = [
  'internal',
  'sms',
  'email',
  'wechat',
  'letter',
];

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

/** `2026-10-09T15:59:59.999Z` → `2026年10月9日` (the date in Asia/Shanghai, which has no DST). */
export function chineseDate(instant: string): string {
  const local = new Date(Date.parse(instant) + 8 * 3600 * 1000);
  return `${local.getUTCFullYear()}年${local.getUTCMonth() + 1}月${local.getUTCDate()}日`;
}

export interface MilestoneNotice {
  kind: string;
  recipients: string[];
  title: string;
  body: string;
  /** The case file's line for it. */
  summary: string;
}

/**
 * The reminder (to the assignee), the overdue notice (督办: assignee and the department's
 * supervisor) and the second-level escalation (also the jurisdiction's credit office) of a step.
 */
export function milestoneNotice(input: {
  milestone: 'remind' | 'due' | 'second-level';
  /** `objection` → notice kinds `objection.step.reminder` … */
  procedure: string;
  /** How the case is named in a sentence, e.g. `异议案件XZ-2026-000001`. */
  caseLabel: string;
  /** The step's Chinese name, or undefined for the whole case. */
  stepName: string | undefined;
  assignee: string;
  supervisorDepartment: string;
  jurisdiction: string;
  due: string;
}): MilestoneNotice {
  const what = input.stepName === undefined ? '案件办理' : `“${input.stepName}”环节`;
  const due = chineseDate(input.due);
  const { caseLabel, procedure } = input;
  switch (input.milestone) {
    case 'remind':
      return {
        kind: `${procedure}.step.reminder`,
        recipients: [input.assignee],
        title: `【到期提醒】${caseLabel}`,
        body: `${caseLabel}的${what}将于${due}到期，请在期限内办结。`,
        summary: `${what}将于${due}到期，已提醒办理人`,
      };
    case 'due':
      return {
        kind: `${procedure}.step.overdue`,
        recipients: [input.assignee, supervisorOf(input.supervisorDepartment)],
        title: `【逾期督办】${caseLabel}`,
        body: `${caseLabel}的${what}已于${due}到期仍未办结，已标记为逾期并提请负责人督办。`,
        summary: `${what}已逾期（期限${due}），已提请负责人督办`,
      };
    case 'second-level':
      return {
        kind: `${procedure}.step.escalated`,
        recipients: [
          input.assignee,
          supervisorOf(input.supervisorDepartment),
          creditOfficeOf(input.jurisdiction),
        ],
        title: `【逾期升级】${caseLabel}`,
        body: `${caseLabel}的${what}逾期（期限${due}）仍未办结，已升级至信用主管部门督办。`,
        summary: `${what}逾期未办结，已升级至信用主管部门督办`,
      };
  }
}
