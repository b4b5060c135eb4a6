import type { Msg } from '../proto';
import { ConcurrencyError, type Storage } from '../storage/storage';

/** Default number of runs whose whole history is kept in memory. */
export const DEFAULT_HISTORY_CACHE_SIZE = 10_000;

interface Entry {
  /** The first event id held in memory; the events before it are in storage. */
  from: number;
  /** Events with ids from `from` on, in order. */
  events: Msg[];
  /** Storage holds the events before this id (commits confirmed). */
  durableNext: number;
}

/**
 * The engine's view of each run's history. Histories live in storage; memory holds, per run, the
 * events not yet confirmed written (they are what the next commit carries) and, for the most
 * recently used runs (an LRU of `capacity` runs), the whole history, so that a busy workflow is
 * served without reading storage. An idle run that fell out of the LRU keeps no events in memory;
 * its history is read back from storage when a worker or a client needs it.
 *
 * Appends are checked against the run's next event id. Durability is not its job: every change is
 * also written through `Storage` (see persistence.ts), which reports back with `durable`.
 */
export class HistoryCache {
  private readonly entries = new Map<string, Entry>();
  /** Runs whose whole history is in memory, least recently used first. */
  private readonly whole = new Set<string>();

  constructor(
    private readonly storage: Storage,
    readonly capacity = DEFAULT_HISTORY_CACHE_SIZE,
  ) {}

  /** A run whose history storage holds up to `nextEventId` (loaded after a restart, or on demand). */
  adopt(runKey: string, nextEventId: number): void {
    if (this.entries.has(runKey)) return;
    this.entries.set(runKey, { from: nextEventId, events: [], durableNext: nextEventId });
  }

  /** Appends `events` whose ids must start at `expectedNextEventId`; throws on a mismatch. */
  append(runKey: string, expectedNextEventId: number, events: Msg[]): void {
    let entry = this.entries.get(runKey);
    if (!entry) {
      if (expectedNextEventId !== 1) throw new ConcurrencyError(`history of ${runKey} is not known here`);
      entry = { from: 1, events: [], durableNext: 1 };
      this.entries.set(runKey, entry);
      this.use(runKey);
    }
    const next = entry.from + entry.events.length;
    if (next !== expectedNextEventId) {
      throw new ConcurrencyError(`history of ${runKey} is at ${next}, not ${expectedNextEventId}`);
    }
    events.forEach((event, i) => {
      if (event.eventId !== expectedNextEventId + i)
        throw new ConcurrencyError('event ids must be contiguous');
      entry.events.push(event);
    });
    if (this.whole.has(runKey)) this.use(runKey);
  }

  /** Whether events from `fromEventId` on are in memory (then `read` answers without storage). */
  inMemory(runKey: string, fromEventId = 1): boolean {
    const entry = this.entries.get(runKey);
    return entry !== undefined && fromEventId >= entry.from;
  }

  /**
   * Events with ids in [fromEventId, toEventId), in order, from memory: only for events known to be
   * there (those not yet written, or a run just used). Anything else goes through `readAsync`.
   */
  read(runKey: string, fromEventId = 1, toEventId?: number): Msg[] {
    const entry = this.entries.get(runKey);
    if (!entry) return [];
    if (fromEventId < entry.from) {
      throw new Error(`history of ${runKey} before event ${entry.from} is not in memory`);
    }
    return slice(entry, fromEventId, toEventId);
  }

  /** Events with ids in [fromEventId, toEventId): from memory, the rest from storage. */
  async readAsync(runKey: string, fromEventId = 1, toEventId?: number): Promise<Msg[]> {
    const entry = this.entries.get(runKey);
    if (entry && fromEventId >= entry.from) {
      if (this.whole.has(runKey)) this.use(runKey);
      return slice(entry, fromEventId, toEventId);
    }
    if (!entry) return this.storage.readHistory(runKey, fromEventId, toEventId);
    // Events from `entry.from` on may not be written yet: they come from memory (taken now, before
    // the read, as a later commit confirmation may drop them from memory).
    const memoryFrom = entry.from;
    const inMemory = slice(entry, memoryFrom, toEventId);
    const storedTo = toEventId === undefined ? memoryFrom : Math.min(toEventId, memoryFrom);
    const stored = await this.storage.readHistory(runKey, fromEventId, storedTo);
    const events = [...stored, ...inMemory];
    // A whole history read: keep it (as the most recently used), if nothing moved meanwhile.
    if (
      fromEventId === 1 &&
      storedTo === memoryFrom &&
      stored.length === memoryFrom - 1 &&
      this.entries.get(runKey) === entry &&
      entry.from === memoryFrom
    ) {
      entry.events = [...stored, ...entry.events];
      entry.from = 1;
      this.use(runKey);
    }
    return events;
  }

  /** Storage now holds the run's events before `nextEventId`: memory may let them go. */
  durable(runKey: string, nextEventId: number): void {
    const entry = this.entries.get(runKey);
    if (!entry) return;
    entry.durableNext = Math.min(nextEventId, entry.from + entry.events.length);
    if (!this.whole.has(runKey)) trim(entry);
  }

  /** Drops the events from `fromEventId` on (a speculative workflow task that left no trace). */
  truncate(runKey: string, fromEventId: number): void {
    const entry = this.entries.get(runKey);
    if (!entry) return;
    if (fromEventId >= entry.from) {
      entry.events.splice(fromEventId - entry.from);
    } else {
      // Storage still has the dropped events until the next commit replaces them.
      entry.events = [];
      entry.from = fromEventId;
      this.whole.delete(runKey);
    }
    entry.durableNext = Math.min(entry.durableNext, fromEventId);
  }

  /** The run left memory (a closed run, written and no longer used). */
  forget(runKey: string): void {
    this.entries.delete(runKey);
    this.whole.delete(runKey);
  }

  /** Runs whose whole history is in memory now. */
  get cachedRuns(): number {
    return this.whole.size;
  }

  private use(runKey: string): void {
    this.whole.delete(runKey);
    this.whole.add(runKey);
    while (this.whole.size > this.capacity) {
      const oldest = this.whole.values().next().value as string;
      this.whole.delete(oldest);
      const entry = this.entries.get(oldest);
      if (entry) trim(entry);
    }
  }
}

function slice(entry: Entry, fromEventId: number, toEventId: number | undefined): Msg[] {
  const start = Math.max(0, fromEventId - entry.from);
  const end = toEventId === undefined ? undefined : Math.max(start, toEventId - entry.from);
  return entry.events.slice(start, end);
}

/** Keeps in memory only the events storage does not hold yet. */
function trim(entry: Entry): void {
  const written = entry.durableNext - entry.from;
  if (written <= 0) return;
  entry.events = entry.events.slice(written);
  entry.from = entry.durableNext;
}
