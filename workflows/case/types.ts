import type { Limit } from '../policies/types';

/**
 * What every long-running procedure's case has in common (the case kit). Pure types: imported
 * inside Temporal's workflow sandbox, by the activities that publish a case and by the API.
 */

/**
 * The detail a validator puts on a refusal for now (`kit.refuseForNow`): the case will accept the
 * action shortly, so the API does not keep the refusal as the Idempotency-Key's answer.
 */
export const TRY_LATER = 'try-later';

/** Escalation levels of an overdue step: 0 none, 1 supervisor (督办), 2 the next level (信用办). */
export type EscalationLevel = 0 | 1 | 2;

/** The milestones of a step with a time limit: a reminder, the due time (level 1), level 2. */
export type Milestone = 'remind' | 'due' | 'second-level';

/** When a step's milestones fall, on the calendar in force. */
export interface StepPlan {
  due: string;
  provisional: boolean;
  /** Absent when the limit is too short to remind before it, or the step has no escalation. */
  remindAt?: string;
  /** Absent when the step has no escalation (e.g. the applicant's time for 补正). */
  secondLevelAt?: string;
}

/** A step's deadline as the case file and the supervisor see it. */
export interface StepDeadline<Step extends string = string> {
  step: Step;
  /** Who must act: a user (sub), `provider@<department>`, `applicant` … */
  assignee: string;
  /** Department responsible for the step. */
  department: string;
  startedAt: string;
  /** The policy's limit for the step. */
  limit: Limit;
  /** Working days added by extensions (延期). */
  extendedBy: number;
  /** Empty while the step has no plan of its own yet (it is then due with the whole case). */
  due: string;
  provisional: boolean;
  remindAt?: string;
  secondLevelAt?: string;
  remindedAt?: string;
  overdueAt?: string;
  escalationLevel: EscalationLevel;
}

/** One entry of a case's timeline (案卷记录). Append-only; `seq` is 1, 2, 3 … within the case. */
export interface TimelineEntry<Kind extends string = string> {
  seq: number;
  at: string;
  kind: Kind;
  actor: string;
  summary: string;
  detail?: Record<string, unknown>;
}

/**
 * A step whose clock has ended because the step was done (or the case moved past it), as the
 * supervisor's figures read it: when it closed and whether that was within its limit.
 */
export interface ClosedStep {
  step: string;
  /** The step's Chinese name (absent for the whole case's limit). */
  name?: string;
  department: string;
  assignee: string;
  startedAt: string;
  /** The due instant in force when it closed; empty when the step never had a plan of its own. */
  due: string;
  closedAt: string;
  /** Closed by its due time and never overdue. */
  metLimit: boolean;
  /** Staff steps (with escalation) count for the department; a party's own time does not. */
  escalates: boolean;
  escalationLevel: EscalationLevel;
}

/** The fields the kit itself reads and writes on a procedure's case state. */
export interface CaseBase<Status extends string = string, Kind extends string = string> {
  caseId: string;
  caseNo: string;
  /** Grows with every change: the read model keeps only the newest. */
  revision: number;
  status: Status;
  jurisdiction: string;
  /** The current step, or a step of the case, is past its time limit. */
  overdue: boolean;
  /** Highest escalation the case has reached. */
  escalationLevel: EscalationLevel;
  /**
   * Steps closed so far, in order (written by the kit when a step's clock ends; absent on cases
   * whose earlier steps closed before the kit kept them).
   */
  closedSteps?: ClosedStep[];
  timeline: TimelineEntry<Kind>[];
}

/** A case as it is published and answered: the state without its timeline. */
export type CaseView<S extends CaseBase> = Omit<S, 'timeline'> & {
  /** How many timeline entries the case has (the entries themselves are published once each). */
  timelineLength: number;
};

/**
 * What the `publishCase` activity receives: the newest state without its timeline, and only
 * the timeline entries not published before. History grows with the timeline, not its square.
 */
export interface PublishCaseInput<V = unknown> {
  /** The procedure (`objection`, `commitment` …): picks the read-model writer. */
  procedure: string;
  caseId: string;
  revision: number;
  view: V;
  entries: TimelineEntry[];
}

/** The kit's own activities, implemented in activities/case. */
export interface CaseActivities {
  /** Upserts the case's read-model row when `revision` is newer; appends entries by `seq`. */
  publishCase(input: PublishCaseInput): Promise<void>;
}
