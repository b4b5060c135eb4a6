import { EventType } from '../enums';
import { durationMs, type Msg } from '../proto';
import { isClosed, type Run } from './run';
import type { Engine } from './engine';

/** Workflow timers: started → fired | canceled, on the server clock. */
export class Timers {
  /** While a workflow task's commands are applied: timers started there, armed after them. */
  private held: Array<() => void> | undefined;

  constructor(private readonly e: Engine) {}

  /**
   * Applies one workflow task's commands (`apply`) as the real server's transaction: its activity
   * timeout task is created before its user timer task, so the timers started there are armed
   * after the activities scheduled there (and fire after them when due at the same instant).
   */
  armedAfter(apply: () => void): void {
    if (this.held) return apply();
    const held: Array<() => void> = [];
    this.held = held;
    try {
      apply();
    } finally {
      this.held = undefined;
      for (const arm of held) arm();
    }
  }

  start(run: Run, a: Msg, completedEventId: number): void {
    const timerId: string = a.timerId;
    const ms = durationMs(a.startToFireTimeout) ?? 0;
    const started = this.e.events.append(run, EventType.TIMER_STARTED, {
      timerId,
      startToFireTimeout: a.startToFireTimeout,
      workflowTaskCompletedEventId: completedEventId,
    });
    const timer = { startedEventId: started.eventId, fireAt: this.e.clock.now() + ms, handle: 0 };
    run.timers.set(timerId, timer);
    if (!this.held) this.arm(run, timerId);
    // Unless canceled or closed in the same task.
    else this.held.push(() => run.timers.get(timerId) === timer && !isClosed(run) && this.arm(run, timerId));
  }

  /** Puts a pending timer on the server clock (when started, and again after a restart). */
  arm(run: Run, timerId: string): void {
    const timer = run.timers.get(timerId)!;
    timer.handle = this.e.clock.schedule(
      timer.fireAt,
      () => {
        if (run.timers.get(timerId) !== timer || isClosed(run)) return;
        run.timers.delete(timerId);
        this.e.events.append(run, EventType.TIMER_FIRED, { timerId, startedEventId: timer.startedEventId });
        this.e.workflowTasks.schedule(run);
      },
      // The real server's user timer sequence: timers due together fire by started event id.
      {
        group: `user-timers\u0000${run.key}`,
        key: [timer.startedEventId],
        batch: (fireAll) => this.e.workflowTasks.afterAll(run, fireAll),
      },
    );
  }

  cancel(run: Run, a: Msg, completedEventId: number): void {
    const timer = run.timers.get(a.timerId);
    if (!timer) return;
    this.e.clock.cancel(timer.handle);
    run.timers.delete(a.timerId);
    this.e.events.append(run, EventType.TIMER_CANCELED, {
      timerId: a.timerId,
      startedEventId: timer.startedEventId,
      workflowTaskCompletedEventId: completedEventId,
    });
  }
}
