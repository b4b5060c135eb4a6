import type { DataSource } from 'typeorm';
import { Clock, systemClock } from './clock';
import { CreditCheckService } from './credit-check';
import { ListExitService } from './list-exits';
import { ListService } from './lists';
import { MeasureService } from './measures';
import { RecordService } from './records';
import { SubjectService } from './subjects';

export * from './clock';
export * from './credit-check';
export * from './list-exits';
export * from './lists';
export * from './measures';
export * from './records';
export * from './registry-error';
export * from './subjects';

/** The registry's services over one DataSource: one object for the API module and the activities. */
export interface Registry {
  subjects: SubjectService;
  records: RecordService;
  lists: ListService;
  listExits: ListExitService;
  measures: MeasureService;
  checks: CreditCheckService;
}

export function createRegistry(dataSource: DataSource, clock: Clock = systemClock): Registry {
  return {
    subjects: new SubjectService(dataSource),
    records: new RecordService(dataSource, clock),
    lists: new ListService(dataSource, clock),
    listExits: new ListExitService(dataSource, clock),
    measures: new MeasureService(dataSource, clock),
    checks: new CreditCheckService(dataSource, clock),
  };
}
