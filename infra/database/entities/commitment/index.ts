export { CommitmentCase } from './commitment-case.entity';
export { CommitmentEvent } from './commitment-event.entity';
export { CommitmentItem } from './commitment-item.entity';
