import type { Msg } from '../proto';
import { ConcurrencyError } from '../storage/storage';

/**
 * The engine's working copy of each run's history, read synchronously while serving tasks and
 * history pages. Appends are checked against the run's next event id. Durability is not its job:
 * every change is also written through `Storage` (see persistence.ts).
 */
export interface HistoryStore {
  /** Appends `events` whose ids must start at `expectedNextEventId`; throws on a mismatch. */
  append(runKey: string, expectedNextEventId: number, events: Msg[]): void;
  /** Events with ids in [fromEventId, toEventId), in order. */
  read(runKey: string, fromEventId?: number, toEventId?: number): Msg[];
  length(runKey: string): number;
  /** Drops the events from `fromEventId` on (a speculative workflow task that left no trace). */
  truncate(runKey: string, fromEventId: number): void;
}

export class InMemoryHistoryStore implements HistoryStore {
  private readonly histories = new Map<string, Msg[]>();

  append(runKey: string, expectedNextEventId: number, events: Msg[]): void {
    let history = this.histories.get(runKey);
    if (!history) {
      history = [];
      this.histories.set(runKey, history);
    }
    if (history.length + 1 !== expectedNextEventId) {
      throw new ConcurrencyError(
        `history of ${runKey} is at ${history.length + 1}, not ${expectedNextEventId}`,
      );
    }
    events.forEach((event, i) => {
      if (event.eventId !== expectedNextEventId + i)
        throw new ConcurrencyError('event ids must be contiguous');
      history!.push(event);
    });
  }

  read(runKey: string, fromEventId = 1, toEventId?: number): Msg[] {
    const history = this.histories.get(runKey) ?? [];
    return history.slice(fromEventId - 1, toEventId === undefined ? undefined : toEventId - 1);
  }

  length(runKey: string): number {
    return this.histories.get(runKey)?.length ?? 0;
  }

  truncate(runKey: string, fromEventId: number): void {
    this.histories.get(runKey)?.splice(fromEventId - 1);
  }
}
