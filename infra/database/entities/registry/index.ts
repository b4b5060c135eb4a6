import { AppliedMeasureEvent } from './applied-measure-event.entity';
import { AppliedMeasure } from './applied-measure.entity';
import { CreditCheck } from './credit-check.entity';
import { CreditRecordEvent } from './credit-record-event.entity';
import { CreditRecord } from './credit-record.entity';
import { CreditSubject } from './credit-subject.entity';
import { ListEntry } from './list-entry.entity';
import { ListExit } from './list-exit.entity';
import { Measure } from './measure.entity';
import { PlatformOutbox } from './platform-outbox.entity';
import { PlatformSink } from './platform-sink.entity';
import { SubjectPersonLink } from './subject-person-link.entity';

/** The credit registry's entities (subjects, records, lists and exits, measures, checks, platform outbox). */
export const REGISTRY_ENTITIES = [
  CreditSubject,
  SubjectPersonLink,
  CreditRecord,
  CreditRecordEvent,
  ListEntry,
  ListExit,
  Measure,
  AppliedMeasure,
  AppliedMeasureEvent,
  CreditCheck,
  PlatformOutbox,
  PlatformSink,
];

export {
  AppliedMeasure,
  AppliedMeasureEvent,
  CreditCheck,
  CreditRecord,
  CreditRecordEvent,
  CreditSubject,
  ListEntry,
  ListExit,
  Measure,
  PlatformOutbox,
  PlatformSink,
  SubjectPersonLink,
};
