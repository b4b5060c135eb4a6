import { AuditEvent1763856000000 } from './1763856000000-audit-event';
import { Notification1763856100000 } from './1763856100000-notification';
import { CalendarAndPolicy1763856200000 } from './1763856200000-calendar-and-policy';
import { ObjectionCase1763856300000 } from './1763856300000-objection-case';
import { OpenDeadline1763856400000 } from './1763856400000-open-deadline';
import { Registry1763856500000 } from './1763856500000-registry';
import { ObjectionReadModel1763856600000 } from './1763856600000-objection-read-model';
import { OpenDeadlineHorizon1763856700000 } from './1763856700000-open-deadline-horizon';
import { Commitment1763856800000 } from './1763856800000-commitment';
import { Repair1763856900000 } from './1763856900000-repair';
import { ListExit1763856950000 } from './1763856950000-list-exit';
import { Rectification1763857000000 } from './1763857000000-rectification';
import { AuditChain1763857100000 } from './1763857100000-audit-chain';
import { CaseIndex1763857200000 } from './1763857200000-case-index';
import { IdempotentAction1763857300000 } from './1763857300000-idempotent-action';
import { QuarterlyReport1763857500000 } from './1763857500000-quarterly-report';
import { SupervisionIndexes1763857600000 } from './1763857600000-supervision-indexes';
import { ListExitRecordDeleted1763857700000 } from './1763857700000-list-exit-record-deleted';
import { CaseCount1763857800000 } from './1763857800000-case-count';

/**
 * Every migration, in order. Schema changes happen only through migrations (never `synchronize`);
 * they run at start (`npm start`) and in tests. Add new ones at the end.
 */
export const MIGRATIONS = [
  AuditEvent1763856000000,
  Notification1763856100000,
  CalendarAndPolicy1763856200000,
  ObjectionCase1763856300000,
  OpenDeadline1763856400000,
  Registry1763856500000,
  ObjectionReadModel1763856600000,
  OpenDeadlineHorizon1763856700000,
  Commitment1763856800000,
  Repair1763856900000,
  ListExit1763856950000,
  Rectification1763857000000,
  AuditChain1763857100000,
  CaseIndex1763857200000,
  IdempotentAction1763857300000,
  QuarterlyReport1763857500000,
  SupervisionIndexes1763857600000,
  ListExitRecordDeleted1763857700000,
  CaseCount1763857800000,
];
