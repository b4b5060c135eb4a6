import type { NotificationChannel } from '../../infra/database/entities/notification.entity';
import { maskPersonalData, maskRecipient } from '../../infra/logging/personal-data';

export interface OutgoingNotification {
  id: string;
  channel: NotificationChannel;
  recipient: string;
  title: string;
  body: string;
}

/**
 * Delivers a stored notification through one channel (SMS gateway, e-mail, WeChat template
 * message, printed letter queue). Throwing means "not delivered": the activity retries.
 */
export interface NotificationAdapter {
  deliver(notification: OutgoingNotification): Promise<void>;
}

/**
 * The embedded default: the notification row itself is the delivery (staff see it in their
 * in-app inbox and the case file), and a log line is written for operators — with the
 * applicant's mobile number, e-mail or postal address masked (infra/logging/personal-data.ts);
 * the full contact stays in the notification row.
 */
export class LogNotificationAdapter implements NotificationAdapter {
  constructor(private readonly log: (line: string) => void = (line) => console.log(line)) {}

  async deliver(n: OutgoingNotification): Promise<void> {
    this.log(maskPersonalData(`[通知] ${n.channel} → ${maskRecipient(n.recipient)}：${n.title}`));
  }
}
