import { AuditEvent } from './audit-event.entity';

/** Every TypeORM entity of the service. Add new ones here (one line each). */
export const ENTITIES = [AuditEvent];

export { AuditEvent };
