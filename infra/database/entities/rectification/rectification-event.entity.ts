import { Entity, Unique } from 'typeorm';
import { CaseEventColumns } from '../case/case-event-columns';

/** One entry of a rectification's timeline (责令整改, 报告, 核实, 约谈, 后续措施 …), append-only. */
@Entity({ name: 'rectification_event' })
@Unique(['caseId', 'seq'])
export class RectificationEvent extends CaseEventColumns {}
