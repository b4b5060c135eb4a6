import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type Workflow,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair, UpdateDefinition } from '@temporalio/common';
import { Mutex } from 'async-mutex';
import type { createNotificationActivities } from '../../activities/notifications/notifications';
import type { ClockStop } from '../calendar/types';
import type { EscalationPolicy, Limit } from '../policies/types';
import {
  applicantChannel,
  chineseDate,
  milestoneNotice,
  supervisorOf,
  type NotificationChannel,
} from './notices';
import { startStepTimer, type PlanReason, type StepTimer } from './step-clock';
import { nextStatus, type TransitionTable } from './transitions';
import { TRY_LATER } from './types';
import type {
  CaseActivities,
  CaseBase,
  CaseView,
  ClosedStep,
  EscalationLevel,
  Milestone,
  StepDeadline,
  StepPlan,
  TimelineEntry,
} from './types';

const { notify, publishCase } = proxyActivities<
  Pick<ReturnType<typeof createNotificationActivities>, 'notify'> & CaseActivities
>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', maximumInterval: '5m' },
});

/**
 * Patch id: a notice to several staff members is sent as concurrent activities (one workflow task
 * for all of them) instead of one after the other (docs/workflow-versioning.md).
 */
export const STAFF_NOTICES_TOGETHER_PATCH = 'case-kit-staff-notices-together';

/** A deep copy for answers and the read model (the sandbox has no structuredClone). */
export const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Refusal codes of a procedure's updates (the API maps them to HTTP statuses). */
export interface RefusalCodes {
  /** The case has ended. */
  ended: string;
  /** The action does not fit the case's status, or another action is being carried out. */
  wrongStatus: string;
  /** Well-formed but unacceptable input. */
  invalidInput: string;
}

/** An action the procedure carries out after the update is accepted (forwarding, withdrawal …). */
export interface PendingAction<Action extends string = string> {
  action: Action;
  actor: string;
  at: string;
}

export interface CaseKitOptions<S extends CaseBase, Action extends string> {
  /** `objection`, `commitment` …: names the read-model writer and notice kinds. */
  procedure: string;
  /** The case in a sentence, e.g. `异议案件XZ-2026-000001`. */
  label: string;
  state: S;
  transitions: TransitionTable<S['status'], Action>;
  actionNames: Record<Action, string>;
  statusNames: Record<S['status'], string>;
  /** Statuses in which the case has ended (nothing but queries is accepted). */
  ended: readonly S['status'][];
  refusals: RefusalCodes;
  /** The department whose supervisor is told of overdue steps (督办). */
  supervisorDepartment: string;
  /** Search attributes of the case, upserted with every publication. */
  searchAttributes(s: S): SearchAttributeUpdatePair[];
  /**
   * The state was carried over from an earlier run (continue-as-new), which had published all of
   * it: publication goes on from there, without sending the timeline again.
   */
  resumed?: boolean;
}

export interface StepSpec<Step extends string = string> {
  /** Unique within the case: the open deadline's key and part of the notices' keys. */
  key: Step | 'case';
  /** Chinese name for notices; undefined for the whole case's limit. */
  name: string | undefined;
  startsAt: string;
  limit: Limit;
  /** Reminder and escalation; without it the step only falls due (and `onDue` decides). */
  escalation?: EscalationPolicy;
  /**
   * A step without escalation (a party's own time) may still remind: at `remindBefore` the kit
   * calls `alsoTell('remind', deadline)`, which tells the party and puts it on file.
   */
  remindBefore?: Limit;
  assignee: string;
  department: string;
  isDone(): boolean;
  /** Working days granted by extensions so far. */
  extendedBy(): number;
  clockStops?(): ClockStop[];
  /** The step's deadline changed (plan or milestone): show it on the case (synchronous). */
  show(deadline: StepDeadline<Step>, reason: PlanReason | Milestone): void;
  /** A step without escalation fell due (e.g. the applicant's 补正 lapses); synchronous. */
  onDue?(): void;
  /** Milestones whose notice another clock already gives (the case limit equal to the step's). */
  quiet?(plan: StepPlan): boolean;
  /** Put a re-planned deadline on the case file when a calendar change moved it. */
  announceRecompute?: boolean;
  /**
   * The step's deadline as an earlier run left it (continue-as-new): milestones it records as
   * reached (reminded, overdue, second level) are not reached again.
   */
  previous?: StepDeadline<Step>;
  /** A milestone of a step with escalation was reached (synchronous, before its notice). */
  onMilestone?(milestone: Milestone, deadline: StepDeadline<Step>): void;
  /** Further notices of a milestone beyond the assignee and supervisors (e.g. the signer). */
  alsoTell?(milestone: Milestone, deadline: StepDeadline<Step>): Promise<void>;
}

export interface UpdateSpec<S extends CaseBase, Action extends string, I> {
  /** The table's action; its `from` statuses are checked in the validator. */
  action: Action | ((input: I) => Action);
  /** Further checks of the input (refuse with `kit.invalid`). */
  validate?(input: I): void;
  /**
   * The accepted update's change of state, synchronous. For an action the table leads to a new
   * status, the kit sets it first — unless `carriedOut` is set: the procedure carries the action
   * out (and sets the status) and `settle`s it; until then it is pending and refuses others.
   */
  accept?(input: I, state: S): TimelineEntry | void;
  carriedOut?: boolean;
  /** Waits (not under the case's lock) for what the answer must show. */
  until?(input: I): boolean;
  /** Awaited work of the handler (notices), serialised with the other handlers' work. */
  after?(input: I, accepted: TimelineEntry | void): Promise<void>;
}

type Outcome = { ok: true } | { ok: false; code: string; message: string };

/**
 * The case kit: one case of a long-running procedure as one state object with an explicit
 * transition table, a timeline with sequence numbers, message handlers that change state before
 * any await, working-day step clocks with reminders and escalation, notices, and publication
 * of the newest revision to the read model (only new timeline entries are sent each time).
 *
 * A procedure creates one kit, registers its updates with `update`, calls `start`, composes its
 * steps, and returns `finish()`.
 */
export class CaseKit<S extends CaseBase, Action extends string> {
  readonly s: S;
  private readonly o: CaseKitOptions<S, Action>;
  private readonly lock = new Mutex();
  private readonly clocks = new Map<string, { deadline?: StepDeadline; timer: StepTimer }>();
  private readonly requests = new Map<Action, { input: unknown; outcome?: Outcome }>();
  private publishedRevision = 0;
  private publishedEntries = 0;
  private dirty = false;
  private closing = false;
  private publisher?: Promise<void>;
  /** Milestones whose record and notices are being given (continue-as-new waits for them). */
  private milestonesInFlight = 0;

  constructor(options: CaseKitOptions<S, Action>) {
    this.o = options;
    this.s = options.state;
    if (options.resumed) {
      this.publishedRevision = this.s.revision;
      this.publishedEntries = this.s.timeline.length;
    }
  }

  // ------------------------------------------------------------------ state and timeline

  /** Marks a change: the next publication carries it. Returns the new revision. */
  touch(): number {
    this.s.overdue =
      !this.ended() && [...this.clocks.values()].some((c) => c.deadline?.overdueAt !== undefined);
    this.s.revision++;
    this.dirty = true;
    return this.s.revision;
  }

  record(
    kind: S['timeline'][number]['kind'],
    actor: string,
    summary: string,
    detail?: Record<string, unknown>,
  ) {
    const entry: TimelineEntry<typeof kind> = {
      seq: this.s.timeline.length + 1,
      at: new Date().toISOString(),
      kind,
      actor,
      summary,
    };
    if (detail) entry.detail = detail;
    (this.s.timeline as TimelineEntry<typeof kind>[]).push(entry);
    this.touch();
    return entry;
  }

  raise(level: EscalationLevel): void {
    if (level > this.s.escalationLevel) this.s.escalationLevel = level;
  }

  ended(): boolean {
    return this.o.ended.includes(this.s.status);
  }

  /** The state without its timeline: what updates answer and the read model receives. */
  view(): CaseView<S> {
    const { timeline, ...rest } = copy(this.s);
    return { ...rest, timelineLength: timeline.length } as unknown as CaseView<S>;
  }

  // ------------------------------------------------------------------ publication

  /** Starts publishing: from now on every change reaches the read model, newest revision first. */
  start(): void {
    this.publisher ??= this.publishLoop();
  }

  private async publishLoop(): Promise<void> {
    for (;;) {
      await condition(() => this.dirty || this.closing);
      if (!this.dirty) return;
      this.dirty = false;
      const revision = this.s.revision;
      upsertSearchAttributes(this.o.searchAttributes(this.s));
      const entries = copy(this.s.timeline.slice(this.publishedEntries));
      await publishCase({
        procedure: this.o.procedure,
        caseId: this.s.caseId,
        revision,
        view: this.view(),
        entries,
      });
      this.publishedEntries += entries.length;
      this.publishedRevision = revision;
    }
  }

  /** Resolves once the read model holds this revision (or a newer one). */
  async published(revision = this.s.revision): Promise<void> {
    await condition(() => this.publishedRevision >= revision);
  }

  /** Marks a change and waits until the read model has it. */
  async publish(): Promise<void> {
    await this.published(this.touch());
  }

  /** The end of the procedure: every handler has finished and the last revision is published. */
  async finish(): Promise<CaseView<S>> {
    await condition(allHandlersFinished);
    this.closing = true;
    await this.publisher;
    return this.view();
  }

  // ------------------------------------------------------------------ continue-as-new

  /**
   * True when the case should continue as new: the server suggests it, or the history has more
   * than `limit` events. A case that lives for years stays small in history this way.
   */
  historyFull(limit?: number): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || (limit !== undefined && info.historyLength > limit);
  }

  /**
   * Continues the case as a new run at a quiet point: no handler running, no action pending, no
   * milestone being told, and the read model holding the newest revision and every entry. The
   * procedure passes its state as `resume` in `args` and opens the kit with `resumed: true`.
   */
  async continueAsNew<F extends Workflow>(args: () => Parameters<F>): Promise<never> {
    await condition(
      () =>
        allHandlersFinished() &&
        !this.pending() &&
        this.milestonesInFlight === 0 &&
        !this.dirty &&
        this.publishedRevision === this.s.revision &&
        this.publishedEntries === this.s.timeline.length,
    );
    return continueAsNew<F>(...args());
  }

  // ------------------------------------------------------------------ refusals and the table

  refuse(code: string, message: string): never {
    throw ApplicationFailure.create({ type: code, message, nonRetryable: true });
  }

  /**
   * Refuses for now what the case will accept shortly (an action or effect still being carried
   * out): the API answers it as a refusal the client may repeat with the same Idempotency-Key.
   */
  refuseForNow(code: string, message: string): never {
    throw ApplicationFailure.create({ type: code, message, nonRetryable: true, details: [TRY_LATER] });
  }

  invalid(message: string): never {
    this.refuse(this.o.refusals.invalidInput, message);
  }

  requireText(value: unknown, what: string): void {
    if (typeof value !== 'string' || value.trim().length === 0) this.invalid(`请填写${what}。`);
  }

  /** Refuses an action the case's status (or an action being carried out) does not allow. */
  check(action: Action): void {
    const { s, o } = this;
    const names = o.statusNames as Record<string, string>;
    // Status names often begin with 已 (已办结、已撤回): not "已已办结".
    if (this.ended())
      this.refuse(o.refusals.ended, `${o.label}已结束办理（${names[s.status]}），不能再办理。`);
    const pending = this.pending();
    if (pending) {
      this.refuseForNow(
        o.refusals.wrongStatus,
        `${o.label}正在办理“${o.actionNames[pending.action]}”，不能${o.actionNames[action]}，请稍后再试。`,
      );
    }
    if (nextStatus(o.transitions, s.status, action) === undefined) {
      const allowed = o.transitions[action].from.map((a) => `“${names[a]}”`).join('、');
      this.refuse(
        o.refusals.wrongStatus,
        `${o.label}当前为“${names[s.status]}”，不能${o.actionNames[action]}；只有${allowed}的案件可以。`,
      );
    }
  }

  /** Applies an action of the table to the status (checked: a procedure's own steps use it too). */
  transition(action: Action): void {
    const next = nextStatus(this.o.transitions, this.s.status, action);
    if (next === undefined) {
      throw new Error(`${this.o.procedure}: ${action} is not allowed from ${this.s.status}`);
    }
    this.s.status = next;
  }

  pending(): PendingAction<Action> | undefined {
    return (this.s as unknown as { pending?: PendingAction<Action> }).pending;
  }

  /** The input of an accepted action the procedure is to carry out, if one is pending. */
  requested<I>(action: Action): I | undefined {
    const request = this.requests.get(action);
    return request && !request.outcome ? (request.input as I) : undefined;
  }

  /** The pending action is carried out (its status set by the caller), or refused after all. */
  settle(action: Action, refusal?: { code: string; message: string }): void {
    const request = this.requests.get(action);
    if (!request) return;
    request.outcome = refusal ? { ok: false, ...refusal } : { ok: true };
    delete (this.s as unknown as { pending?: PendingAction }).pending;
    this.touch();
  }

  /**
   * Registers an update: the validator checks the transition table and the input; the handler
   * changes state synchronously, then waits for what its answer must show, runs its awaited
   * work under the case's lock, and answers once the read model has the change.
   */
  update<I extends { actor: string }>(
    definition: UpdateDefinition<CaseView<S>, [I]>,
    spec: UpdateSpec<S, Action, I>,
  ): void {
    const actionOf = (input: I) => (typeof spec.action === 'function' ? spec.action(input) : spec.action);
    setHandler(
      definition,
      async (input: I) => {
        const action = actionOf(input);
        if (spec.carriedOut) {
          this.requests.set(action, { input });
          (this.s as unknown as { pending?: PendingAction }).pending = {
            action,
            actor: input.actor,
            at: new Date().toISOString(),
          };
        } else {
          this.transition(action);
        }
        const accepted = spec.accept?.(input, this.s);
        this.touch();
        if (spec.carriedOut) {
          await condition(() => this.requests.get(action)?.outcome !== undefined);
          const outcome = this.requests.get(action)!.outcome!;
          this.requests.delete(action);
          if (!outcome.ok) this.refuse(outcome.code, outcome.message);
        }
        if (spec.until) await condition(() => spec.until!(input));
        if (spec.after) await this.lock.runExclusive(() => spec.after!(input, accepted));
        await this.published();
        return this.view();
      },
      {
        validator: (input: I) => {
          this.check(actionOf(input));
          this.requireText(input?.actor, '经办人');
          spec.validate?.(input);
        },
      },
    );
  }

  // ------------------------------------------------------------------ step clocks

  /**
   * Runs a step's clock: plan on the calendar in force, reminder, overdue (督办), second level,
   * each put on the case file and told; extensions, clock stops and calendar changes re-plan.
   */
  runStep<Step extends string>(spec: StepSpec<Step>): StepTimer {
    const entry: { deadline?: StepDeadline<Step>; timer: StepTimer } = {
      deadline: spec.previous ? copy(spec.previous) : undefined,
      timer: undefined as never,
    };
    const fired: Milestone[] = [];
    if (spec.previous?.remindedAt) fired.push('remind');
    if (spec.previous?.overdueAt) fired.push('due');
    if ((spec.previous?.escalationLevel ?? 0) >= 2) fired.push('second-level');
    const deadlineOf = (plan: StepPlan): StepDeadline<Step> => {
      const previous = entry.deadline;
      return {
        step: spec.key as Step,
        assignee: spec.assignee,
        department: spec.department,
        startedAt: spec.startsAt,
        limit: spec.limit,
        extendedBy: spec.extendedBy(),
        due: plan.due,
        provisional: plan.provisional,
        remindAt: plan.remindAt,
        secondLevelAt: plan.secondLevelAt,
        remindedAt: previous?.remindedAt,
        overdueAt: previous?.overdueAt,
        escalationLevel: previous?.escalationLevel ?? 0,
      };
    };
    entry.timer = startStepTimer(
      {
        step: spec.key,
        startsAt: spec.startsAt,
        limit: spec.limit,
        escalation: spec.escalation,
        ...(spec.remindBefore ? { remindBefore: spec.remindBefore } : {}),
        ...(fired.length > 0 ? { fired } : {}),
      },
      {
        isDone: spec.isDone,
        extendedBy: spec.extendedBy,
        clockStops: spec.clockStops ?? (() => []),
        onPlan: async (plan, reason) => {
          const deadline = deadlineOf(plan);
          if (Date.parse(plan.due) > Date.now()) {
            // An extension or a new calendar moved the due time ahead: no longer overdue.
            delete deadline.overdueAt;
            deadline.escalationLevel = 0;
          }
          entry.deadline = deadline;
          spec.show(deadline, reason);
          if (reason === 'calendar' && spec.announceRecompute !== false) {
            this.record(
              'deadlines-recomputed' as S['timeline'][number]['kind'],
              'system',
              `节假日安排调整，${spec.name ? `“${spec.name}”` : '案件'}期限重新计算为${chineseDate(plan.due)}`,
              { step: spec.key, due: plan.due },
            );
          }
          this.touch();
        },
        onMilestone: async (milestone, plan) => {
          this.milestonesInFlight++;
          try {
            await this.milestone(spec, entry, milestone, plan, deadlineOf);
          } finally {
            this.milestonesInFlight--;
          }
        },
      },
    );
    this.clocks.set(spec.key, entry);
    void entry.timer.done.then(
      () => {
        this.stepClosed(spec, entry.deadline);
        this.clockEnded(spec.key, entry);
      },
      () => this.clockEnded(spec.key, entry),
    );
    return entry.timer;
  }

  /** Keeps a done step on the case with whether it met its limit (the supervisor's figures). */
  private stepClosed<Step extends string>(
    spec: StepSpec<Step>,
    deadline: StepDeadline<Step> | undefined,
  ): void {
    const closedAt = new Date().toISOString();
    const due = deadline?.due ?? '';
    const closed: ClosedStep = {
      step: spec.key,
      ...(spec.name ? { name: spec.name } : {}),
      department: spec.department,
      assignee: spec.assignee,
      startedAt: spec.startsAt,
      due,
      closedAt,
      metLimit: deadline?.overdueAt === undefined && (due === '' || Date.parse(closedAt) <= Date.parse(due)),
      escalates: spec.escalation !== undefined,
      escalationLevel: deadline?.escalationLevel ?? 0,
    };
    (this.s.closedSteps ??= []).push(closed);
  }

  private clockEnded(key: string, entry: object): void {
    if (this.clocks.get(key) === entry) this.clocks.delete(key);
    this.touch();
  }

  /** The deadline on file of a running step clock. */
  deadline<Step extends string>(key: Step): StepDeadline<Step> | undefined {
    const deadline = this.clocks.get(key)?.deadline;
    return deadline ? (copy(deadline) as StepDeadline<Step>) : undefined;
  }

  /** True when every running clock's plan reflects the extensions and clock stops given so far. */
  clocksSettled(): boolean {
    return [...this.clocks.values()].every((c) => c.timer.settled());
  }

  private async milestone<Step extends string>(
    spec: StepSpec<Step>,
    entry: { deadline?: StepDeadline<Step> },
    milestone: Milestone,
    plan: StepPlan,
    deadlineOf: (plan: StepPlan) => StepDeadline<Step>,
  ): Promise<void> {
    const now = new Date().toISOString();
    const deadline = deadlineOf(plan);
    entry.deadline = deadline;
    if (!spec.escalation) {
      // A step without escalation (the applicant's time) is not overdue: it just falls due.
      if (milestone === 'remind') deadline.remindedAt = now;
      spec.show(deadline, milestone);
      if (milestone === 'due') spec.onDue?.();
      this.touch();
      if (milestone === 'remind') await spec.alsoTell?.(milestone, deadline);
      return;
    }
    if (milestone === 'remind') deadline.remindedAt = now;
    if (milestone === 'due') {
      deadline.overdueAt = now;
      deadline.escalationLevel = 1;
    }
    if (milestone === 'second-level') deadline.escalationLevel = 2;
    if (milestone === 'due') this.raise(1);
    if (milestone === 'second-level') this.raise(2);
    spec.show(deadline, milestone);
    spec.onMilestone?.(milestone, deadline);
    if (spec.quiet?.(plan)) {
      this.touch();
      return;
    }
    const notice = milestoneNotice({
      milestone,
      procedure: this.o.procedure,
      caseLabel: this.o.label,
      stepName: spec.name,
      assignee: spec.assignee,
      supervisorDepartment: this.o.supervisorDepartment,
      jurisdiction: this.s.jurisdiction,
      due: plan.due,
    });
    const kind = milestone === 'remind' ? 'reminder' : milestone === 'due' ? 'overdue' : 'escalated';
    this.record(kind as S['timeline'][number]['kind'], 'system', notice.summary, {
      step: spec.key,
      due: plan.due,
      level: milestone === 'remind' ? 0 : milestone === 'due' ? 1 : 2,
    });
    await this.tellStaff(`${spec.key}:${milestone}:${plan.due}`, notice.recipients, notice);
    await spec.alsoTell?.(milestone, deadline);
  }

  // ------------------------------------------------------------------ notices and effects

  /** Sends one notice; `key` makes it once per case (a retried activity finds the first). */
  async tell(
    key: string,
    to: { channel: NotificationChannel; recipient: string },
    notice: { kind: string; title: string; body: string },
  ): Promise<void> {
    await notify({
      dedupeKey: `${this.s.caseId}:${key}`,
      channel: to.channel,
      recipient: to.recipient,
      caseId: this.s.caseId,
      kind: notice.kind,
      title: notice.title,
      body: notice.body,
    });
  }

  /**
   * Tells a party outside the staff (applicant, signer, subject) by the channel its contact
   * reaches (e-mail, SMS, else a letter), once per key.
   */
  async tellContact(
    key: string,
    contact: string,
    notice: { kind: string; title: string; body: string },
  ): Promise<void> {
    await this.tell(key, { channel: applicantChannel(contact), recipient: contact }, notice);
  }

  /** Tells staff (internal channel), each recipient once per key. */
  async tellStaff(
    key: string,
    recipients: string[],
    notice: { kind: string; title: string; body: string },
  ): Promise<void> {
    const tell = (recipient: string) =>
      this.tell(`${key}:${recipient}`, { channel: 'internal', recipient }, notice);
    if (recipients.length > 1 && patched(STAFF_NOTICES_TOGETHER_PATCH)) {
      // All at once: one round trip for an overdue case's assignee and supervisor, not one each.
      await Promise.all(recipients.map(tell));
      return;
    }
    for (const recipient of recipients) await tell(recipient);
  }

  /**
   * Runs a side effect whose refusal (a registry rule, say) must not stop the case: a failure is
   * put on the case file and the supervisor is told to handle it by hand. Returns undefined then.
   */
  async effect<T>(what: string, work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (err) {
      if (isCancellation(err)) throw err;
      const cause = err instanceof ActivityFailure ? err.cause : err;
      const message = cause instanceof Error ? cause.message : String(cause);
      const entry = this.record(
        'effect-failed' as S['timeline'][number]['kind'],
        'system',
        `未能${what}：${message}`,
        {
          failed: what,
          code: cause instanceof ApplicationFailure ? cause.type : undefined,
        },
      );
      await this.tellStaff(`effect-failed:${entry.seq}`, [supervisorOf(this.o.supervisorDepartment)], {
        kind: `${this.o.procedure}.effect.failed`,
        title: `【需人工处理】${this.o.label}`,
        body: `${this.o.label}未能${what}：${message}。请核实并人工处理。`,
      });
      return undefined;
    }
  }
}
