import { EventType } from '../enums';
import { durationMs, type Msg } from '../proto';
import { isClosed, type Run } from './run';
import type { Engine } from './engine';

/** Workflow timers: started → fired | canceled, on the server clock. */
export class Timers {
  constructor(private readonly e: Engine) {}

  start(run: Run, a: Msg, completedEventId: number): void {
    const timerId: string = a.timerId;
    const ms = durationMs(a.startToFireTimeout) ?? 0;
    const started = this.e.events.append(run, EventType.TIMER_STARTED, {
      timerId,
      startToFireTimeout: a.startToFireTimeout,
      workflowTaskCompletedEventId: completedEventId,
    });
    run.timers.set(timerId, { startedEventId: started.eventId, fireAt: this.e.clock.now() + ms, handle: 0 });
    this.arm(run, timerId);
  }

  /** Puts a pending timer on the server clock (when started, and again after a restart). */
  arm(run: Run, timerId: string): void {
    const timer = run.timers.get(timerId)!;
    timer.handle = this.e.clock.schedule(timer.fireAt, () => {
      if (run.timers.get(timerId) !== timer || isClosed(run)) return;
      run.timers.delete(timerId);
      this.e.events.append(run, EventType.TIMER_FIRED, { timerId, startedEventId: timer.startedEventId });
      this.e.workflowTasks.schedule(run);
    });
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
