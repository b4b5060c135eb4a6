import { AuditChainHead, AuditEvent } from './audit-event.entity';
import { CaseIndexRow } from './case/case-index.entity';
import { IdempotentActionAnswer } from './case/idempotent-action.entity';
import { CommitmentCase, CommitmentEvent, CommitmentItem } from './commitment';
import { RepairCase, RepairEvent } from './repair';
import { RectificationCase, RectificationEvent } from './rectification';
import { CalendarYearVersion } from './calendar/calendar-year-version.entity';
import { OpenDeadline } from './deadline/open-deadline.entity';
import { Notification } from './notification.entity';
import { ObjectionCase } from './objection/objection-case.entity';
import { ObjectionEvent } from './objection/objection-event.entity';
import { RestorationTask } from './objection/restoration-task.entity';
import { PolicyVersionRow } from './policy/policy-version.entity';
import { REGISTRY_ENTITIES } from './registry';
import { QuarterlyReport } from './supervision/quarterly-report.entity';

/** Every TypeORM entity of the service. Add new ones here (one line each). */
export const ENTITIES = [
  AuditEvent,
  AuditChainHead,
  Notification,
  CalendarYearVersion,
  PolicyVersionRow,
  ObjectionCase,
  ObjectionEvent,
  RestorationTask,
  CommitmentCase,
  CommitmentEvent,
  CommitmentItem,
  RepairCase,
  RepairEvent,
  RectificationCase,
  RectificationEvent,
  OpenDeadline,
  CaseIndexRow,
  IdempotentActionAnswer,
  QuarterlyReport,
  ...REGISTRY_ENTITIES,
];

export {
  AuditChainHead,
  AuditEvent,
  CalendarYearVersion,
  CaseIndexRow,
  CommitmentCase,
  CommitmentEvent,
  CommitmentItem,
  IdempotentActionAnswer,
  Notification,
  ObjectionCase,
  ObjectionEvent,
  OpenDeadline,
  PolicyVersionRow,
  QuarterlyReport,
  RectificationCase,
  RectificationEvent,
  RepairCase,
  RepairEvent,
  RestorationTask,
};
