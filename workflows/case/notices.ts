/**
 * Who is told what: the recipients and channels every procedure uses. Pure, so the workflows
 * build their notices here and hand them to the `notify` activity; the notification entity
 * imports the channel type from here (workflows depend on nothing outside themselves).
 */

/** How a notification reaches its recipient. */
export type NotificationChannel = 'internal' | 'sms' | 'email' | 'wechat' | 'letter';
export const NOTIFICATION_CHANNELS: readonly NotificationChannel[] = ['internal', 'sms', 'email', 'wechat', 'letter'];

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
