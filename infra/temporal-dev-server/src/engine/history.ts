import { attributesKey } from '../enums';
import { encode, type Msg, toTimestamp, type } from '../proto';
import type { Run } from './run';
import type { Engine } from './engine';

const HISTORY_EVENT = type('temporal.api.history.v1.HistoryEvent');

/**
 * On a task handed to a poller: reads the history it carries, which may have to come from storage
 * (see HistoryCache). The poll handler awaits it before answering.
 */
export const READ_HISTORY = Symbol('read history');

/**
 * The one place that appends history events. While a workflow task is running, events from
 * outside (signals, activity results, timers firing) are buffered and written after the task's
 * completion, so the worker always sees Started → Completed back to back.
 */
export class EventLog {
  private taskIdSeq = 1;

  constructor(private readonly e: Engine) {}

  append(run: Run, eventType: number, attributes: Msg, options: { direct?: boolean } = {}): Msg {
    const event: Msg = {
      eventTime: toTimestamp(this.e.clock.now()),
      eventType,
      taskId: this.taskIdSeq++,
      [attributesKey(eventType)]: attributes,
    };
    // While a workflow task is running, new external events wait until it completes, so the
    // worker always sees Started → Completed back to back.
    if (!options.direct && run.wft?.startedEventId !== undefined) {
      run.buffered.push(event);
      this.e.persistence.touch(run);
      return event;
    }
    this.commit(run, event);
    return event;
  }

  /**
   * An event that is not part of history (yet): a transient workflow task's events, shown to the
   * worker with the ids they will have if the task completes.
   */
  build(run: Run, eventType: number, attributes: Msg, eventId: number): Msg {
    return {
      eventId,
      eventTime: toTimestamp(this.e.clock.now()),
      eventType,
      taskId: this.taskIdSeq++,
      [attributesKey(eventType)]: attributes,
    };
  }

  /** Writes an event made by `build`, which must be next in line. */
  appendBuilt(run: Run, event: Msg): void {
    if (event.eventId !== run.nextEventId) {
      throw new Error(`event ${event.eventId} is not next in the history of ${run.key} (${run.nextEventId})`);
    }
    this.commit(run, event);
  }

  private commit(run: Run, event: Msg): void {
    event.eventId = run.nextEventId;
    this.e.store.append(run.key, run.nextEventId, [event]);
    run.nextEventId++;
    run.historySizeBytes += encode(HISTORY_EVENT, event).length;
    this.e.persistence.touch(run, event.eventId);
    const waiters = run.historyWaiters.splice(0);
    for (const w of waiters) w();
  }

  flushBuffered(run: Run): boolean {
    if (run.buffered.length === 0) return false;
    for (const event of run.buffered.splice(0)) this.commit(run, event);
    return true;
  }

  /** Events in memory only (those not yet written, or of a run in the history cache). */
  read(run: Run, fromEventId = 1, toEventId?: number): Msg[] {
    return this.e.store.read(run.key, fromEventId, toEventId);
  }

  /** Events with ids in [fromEventId, toEventId), from memory or storage. */
  readAsync(run: Run, fromEventId = 1, toEventId?: number): Promise<Msg[]> {
    return this.e.store.readAsync(run.key, fromEventId, toEventId);
  }

  waitFor(run: Run, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      run.historyWaiters.push(done);
    });
  }
}
