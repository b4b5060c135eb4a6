import { AuditEvent } from './audit-event.entity';
import { Notification } from './notification.entity';

/** Every TypeORM entity of the service. Add new ones here (one line each). */
export const ENTITIES = [AuditEvent, Notification];

export { AuditEvent, Notification };
