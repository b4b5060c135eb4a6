export { RepairCase } from './repair-case.entity';
export { RepairEvent } from './repair-event.entity';
