import {
  CancellationScope,
  condition,
  defineSignal,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createDeadlineActivities } from '../../activities/deadlines/deadline-activities';
import {
  addWorkingDays,
  CalendarData,
  ClockStop,
  DeadlineResult,
  dateToDayNumber,
  dayNumberToDate,
  endOfShanghaiDay,
  shanghaiDate,
  yearsSpanned,
} from '../calendar';
import type { EscalationPolicy, Limit } from '../policies/types';
import type { Milestone, StepPlan } from './types';

/** Sent when a year's holiday arrangement changes: open deadlines are recomputed and re-armed. */
export const calendarChangedSignal = defineSignal<[{ years: number[] }]>('calendarChanged');

const activities = proxyActivities<ReturnType<typeof createDeadlineActivities>>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
});

// Module state is per workflow execution in Temporal's sandbox.
let calendarVersion = 0;
let listening = false;

function listenForCalendarChanges(): void {
  if (listening) return;
  listening = true;
  setHandler(calendarChangedSignal, () => {
    calendarVersion++;
  });
}

export interface DeadlineSpec {
  /** Name of the step, unique within the workflow (e.g. `verify`). */
  step: string;
  /** When the step's clock started (receipt, forwarding ...). */
  startsAt: string;
  workingDays: number;
  clockStops?: ClockStop[];
}

/** The deadline of a step on the calendar in force now (loaded through an activity). */
export async function computeDeadline(spec: DeadlineSpec): Promise<DeadlineResult> {
  const calendar = await activities.loadCalendar(yearsSpanned(spec.startsAt, spec.workingDays));
  return addWorkingDays(spec.startsAt, spec.workingDays, calendar, { clockStops: spec.clockStops });
}

/**
 * Waits until `isDone()` or until the step's working-day deadline passes, whichever is first.
 * The deadline is recorded as open (so calendar changes reach this workflow) and recomputed, with
 * its timer re-armed, whenever the calendar changes. `onDue` may report the current deadline.
 */
export async function waitForStep(
  spec: DeadlineSpec,
  isDone: () => boolean,
  onDeadline: (deadline: DeadlineResult) => void = () => undefined,
): Promise<'done' | 'due'> {
  listenForCalendarChanges();
  const workflowId = workflowInfo().workflowId;
  for (;;) {
    const seen = calendarVersion;
    const deadline = await computeDeadline(spec);
    onDeadline(deadline);
    await activities.recordDeadline({ workflowId, ...spec, ...deadline });
    const remaining = Date.parse(deadline.due) - Date.now();
    const woke = await condition(() => isDone() || calendarVersion !== seen, Math.max(remaining, 1));
    if (isDone()) {
      await activities.clearDeadline({ workflowId, step: spec.step });
      return 'done';
    }
    if (woke) continue; // the calendar changed: recompute and re-arm
    await activities.clearDeadline({ workflowId, step: spec.step });
    return 'due';
  }
}

export type { Milestone, StepPlan } from './types';
const MILESTONE_ORDER: readonly Milestone[] = ['remind', 'due', 'second-level'];

export interface StepTimerSpec {
  /** Name of the step, unique within the workflow (e.g. `verify`, `case`). */
  step: string;
  startsAt: string;
  limit: Limit;
  /** Reminder and escalation levels; without it the step has only its due time (e.g. a lapse). */
  escalation?: EscalationPolicy;
  /**
   * A reminder for a step without escalation (a party's own deadline, e.g. the subject's time to
   * rectify): the plan gets `remindAt`, and nothing becomes overdue. Ignored with `escalation`.
   */
  remindBefore?: Limit;
  /** Milestones already reached in an earlier run (continue-as-new): not fired again. */
  fired?: Milestone[];
}

/** Adds a limit to an instant: working days on the calendar; other units on the Beijing date. */
export function addLimit(
  from: string,
  limit: Limit,
  calendar: CalendarData,
  clockStops: ClockStop[] = [],
): DeadlineResult {
  if (limit.unit === 'working-days') return addWorkingDays(from, limit.value, calendar, { clockStops });
  const start = shanghaiDate(from);
  const stopped = clockStops.reduce((days, stop) => {
    if (!stop.to) return days;
    return days + dateToDayNumber(shanghaiDate(stop.to)) - dateToDayNumber(shanghaiDate(stop.from)) + 1;
  }, 0);
  if (limit.unit === 'calendar-days') {
    return {
      due: endOfShanghaiDay(dayNumberToDate(dateToDayNumber(start) + limit.value + stopped)),
      provisional: false,
    };
  }
  const [y, m, d] = start.split('-').map(Number);
  const months = limit.unit === 'months' ? limit.value : limit.value * 12;
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  const date = target.toISOString().slice(0, 10);
  return { due: endOfShanghaiDay(dayNumberToDate(dateToDayNumber(date) + stopped)), provisional: false };
}

/** Calendar years a step plan may touch. */
function yearsOfPlan(spec: StepTimerSpec, extendedBy: number, clockStops: ClockStop[]): number[] {
  const span =
    (spec.limit.unit === 'working-days' ? spec.limit.value : Math.ceil(spec.limit.value / 1.4)) +
    extendedBy +
    (spec.escalation?.secondLevelAfter.value ?? 0) +
    clockStops.length * 30;
  return yearsSpanned(spec.startsAt, span);
}

/** The step's due time, reminder time and second-level time on the given calendar (pure). */
export function planStep(
  spec: StepTimerSpec,
  calendar: CalendarData,
  extendedBy: number,
  clockStops: ClockStop[],
): StepPlan {
  const limit: Limit =
    spec.limit.unit === 'working-days' || extendedBy === 0
      ? { ...spec.limit, value: spec.limit.value + (spec.limit.unit === 'working-days' ? extendedBy : 0) }
      : spec.limit;
  let { due, provisional } = addLimit(spec.startsAt, limit, calendar, clockStops);
  if (extendedBy > 0 && spec.limit.unit !== 'working-days') {
    // Extensions are granted in working days, counted from the step's own due time.
    const extended = addWorkingDays(due, extendedBy, calendar, { clockStops });
    due = extended.due;
    provisional = provisional || extended.provisional;
  }
  const plan: StepPlan = { due, provisional };
  if (!spec.escalation) {
    if (spec.remindBefore) {
      const remindAt = reminderTime(spec.startsAt, limit, due, spec.remindBefore, calendar, clockStops);
      if (remindAt) plan.remindAt = remindAt;
    }
    return plan;
  }
  plan.secondLevelAt = addLimit(due, spec.escalation.secondLevelAfter, calendar, clockStops).due;
  const remindAt = reminderTime(
    spec.startsAt,
    limit,
    due,
    spec.escalation.remindBefore,
    calendar,
    clockStops,
  );
  if (remindAt) plan.remindAt = remindAt;
  return plan;
}

/** `before` ahead of the due time, or undefined when the limit is too short to remind before it. */
function reminderTime(
  startsAt: string,
  limit: Limit,
  due: string,
  before: Limit,
  calendar: CalendarData,
  clockStops: ClockStop[],
): string | undefined {
  if (limit.unit === 'working-days' && before.unit === 'working-days' && limit.value > before.value) {
    return addWorkingDays(startsAt, limit.value - before.value, calendar, { clockStops }).due;
  }
  if (limit.unit !== 'working-days' || before.unit !== 'working-days') {
    const days = before.unit === 'working-days' || before.unit === 'calendar-days' ? before.value : 0;
    const at = Date.parse(due) - days * 24 * 3600 * 1000;
    if (days > 0 && at > Date.parse(startsAt)) return new Date(at).toISOString();
  }
  return undefined;
}

export type PlanReason = 'start' | 'extension' | 'clock' | 'calendar';

export interface StepTimerHooks {
  /** True when the step is finished (the timer stops and clears its open deadline). */
  isDone(): boolean;
  /** Working days granted by extensions so far. */
  extendedBy(): number;
  /** Clock stops so far; one without `to` holds the timer until it ends. */
  clockStops(): ClockStop[];
  /** A new or changed plan (start, extension, clock stop, calendar change). */
  onPlan(plan: StepPlan, reason: PlanReason): Promise<void>;
  /** A milestone was reached (at most once per plan; again if a later plan moves it ahead). */
  onMilestone(milestone: Milestone, plan: StepPlan): Promise<void>;
}

/** A running step clock, as its case sees it. */
export interface StepTimer {
  /** Resolves when the step is done (or its scope is cancelled). */
  done: Promise<void>;
  /**
   * True when the plan on file reflects every extension and clock stop given so far (or the
   * clock is stopped, or the step is done): an update that extended a step waits for this.
   */
  settled(): boolean;
}

/**
 * Runs the clock of one step: computes its plan on the calendar in force, records the open
 * deadline (so calendar changes reach this workflow), and calls `onMilestone` for the reminder,
 * the due time (first escalation) and the second escalation level as they come. Extensions,
 * clock stops and calendar changes re-plan; a milestone that moves into the future (an extended
 * step is no longer overdue) fires again at its new time. `done` resolves when `isDone()`.
 */
export function startStepTimer(spec: StepTimerSpec, hooks: StepTimerHooks): StepTimer {
  listenForCalendarChanges();
  const inputs = () => `${hooks.extendedBy()}|${JSON.stringify(hooks.clockStops())}`;
  let plannedFor: string | undefined;
  let stopped = false;
  const done = runStepTimerLoop(spec, hooks, inputs, (state) => {
    if (state.plannedFor !== undefined) plannedFor = state.plannedFor;
    stopped = state.stopped;
  });
  return {
    done,
    settled: () => hooks.isDone() || stopped || plannedFor === inputs(),
  };
}

/** Runs a step clock to its end (see startStepTimer). */
export function runStepTimer(spec: StepTimerSpec, hooks: StepTimerHooks): Promise<void> {
  return startStepTimer(spec, hooks).done;
}

async function runStepTimerLoop(
  spec: StepTimerSpec,
  hooks: StepTimerHooks,
  inputs: () => string,
  report: (state: { plannedFor?: string; stopped: boolean }) => void,
): Promise<void> {
  const workflowId = workflowInfo().workflowId;
  const fired = new Set<Milestone>(spec.fired ?? []);
  let last: StepPlan | undefined;
  let lastExtension = hooks.extendedBy();
  let lastStops = JSON.stringify(hooks.clockStops());
  let seenCalendar = calendarVersion;
  try {
    while (!hooks.isDone()) {
      // A copy: the case's own list grows when 补正 is requested, which may happen while the
      // calendar loads below; planning on the live list would then meet an open stop and fail the
      // workflow task on every retry (the case stuck). The change makes the loop plan again.
      const stops = hooks.clockStops().map((stop) => ({ ...stop }));
      if (stops.some((s) => !s.to)) {
        // The clock is stopped (补正): nothing is due until it runs again.
        report({ stopped: true });
        const frozen = inputs();
        await condition(() => hooks.isDone() || inputs() !== frozen);
        continue;
      }
      report({ stopped: false });
      // What this plan is for is read together with its inputs, before any await: an extension
      // arriving while the calendar loads must make the loop plan again, not be taken as planned.
      const planned = inputs();
      const extendedBy = hooks.extendedBy();
      const calendar = await activities.loadCalendar(yearsOfPlan(spec, extendedBy, stops));
      const calendarChanged = seenCalendar !== calendarVersion;
      seenCalendar = calendarVersion;
      const plan = planStep(spec, calendar, extendedBy, stops);
      if (!last || JSON.stringify(plan) !== JSON.stringify(last)) {
        const reason: PlanReason = !last
          ? 'start'
          : extendedBy !== lastExtension
            ? 'extension'
            : JSON.stringify(stops) !== lastStops
              ? 'clock'
              : calendarChanged
                ? 'calendar'
                : 'clock';
        const now = Date.now();
        for (const m of MILESTONE_ORDER) {
          const at = timeOf(plan, m);
          if (fired.has(m) && at !== undefined && Date.parse(at) > now) fired.delete(m);
        }
        await activities.recordDeadline({
          workflowId,
          step: spec.step,
          startsAt: spec.startsAt,
          workingDays: spec.limit.unit === 'working-days' ? spec.limit.value + extendedBy : 0,
          due: plan.due,
          provisional: plan.provisional,
          horizon: plan.secondLevelAt ?? plan.due,
        });
        last = plan;
        await hooks.onPlan(plan, reason);
      }
      report({ plannedFor: planned, stopped: false });
      lastExtension = extendedBy;
      lastStops = JSON.stringify(stops);
      const changedSince = () => hooks.isDone() || calendarVersion !== seenCalendar || inputs() !== planned;
      const next = MILESTONE_ORDER.find((m) => !fired.has(m) && timeOf(plan, m) !== undefined);
      if (!next) {
        await condition(changedSince);
        continue;
      }
      const remaining = Date.parse(timeOf(plan, next)!) - Date.now();
      if (remaining > 0 && (await condition(changedSince, remaining))) continue;
      if (changedSince()) continue;
      fired.add(next);
      await hooks.onMilestone(next, plan);
    }
  } finally {
    // Also when the step is cancelled (a withdrawn case): the open deadline must not linger.
    if (last) {
      await CancellationScope.nonCancellable(() => activities.clearDeadline({ workflowId, step: spec.step }));
    }
  }
}

function timeOf(plan: StepPlan, milestone: Milestone): string | undefined {
  return milestone === 'remind' ? plan.remindAt : milestone === 'due' ? plan.due : plan.secondLevelAt;
}
