/**
 * The one clock every server timer runs on (workflow timers, activity and workflow-task timeouts,
 * retry back-offs, run timeouts). In normal mode it follows wall time; under time skipping
 * (TestService) it can jump forward to the next due item when nothing is running.
 */
interface Scheduled {
  id: number;
  at: number;
  fn: () => void;
  sequence?: TimerSequence;
}

/**
 * Items of one timer sequence (a run's user timers, a run's activity timeouts) that are due together
 * fire as the real server's timer task for that sequence does: all at once, at the place of the
 * earliest-armed of them, ordered by (time, key) — its (timeout time, event id, timeout type) —
 * and inside `batch` (which lets the engine schedule one workflow task after them all).
 */
export interface TimerSequence {
  group: string;
  key: number[];
  batch?: (fireAll: () => void) => void;
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export class Clock {
  private offsetMs = 0;
  private items = new Map<number, Scheduled>();
  private nextId = 1;
  private timer: NodeJS.Timeout | undefined;
  private armedFor: number | undefined;
  private stopped = false;
  /** Told after due items fired (time skipping re-checks whether it may jump again). */
  onFired: (() => void) | undefined;
  /** Told when a scheduled item throws: one broken item must not stop the clock or the server. */
  onError: ((err: unknown) => void) | undefined;

  /** The time of the current engine step (one synchronous turn), once read. */
  private stepNow: number | undefined;

  /**
   * The server time. Constant within one synchronous engine step — as the real server's
   * transaction, whose timers and timeouts started together fall due together.
   */
  now(): number {
    if (this.stepNow === undefined) {
      this.stepNow = Date.now() + this.offsetMs;
      queueMicrotask(() => (this.stepNow = undefined));
    }
    return this.stepNow;
  }

  /**
   * Runs `fn` once the clock reaches `at` (ms since epoch). Returns a handle for cancel(). Items
   * due at the same time fire in the order they were armed (the real server's timer task ids),
   * except within a `sequence` (see TimerSequence).
   */
  schedule(at: number, fn: () => void, sequence?: TimerSequence): number {
    const id = this.nextId++;
    this.items.set(id, { id, at, fn, sequence });
    this.arm();
    return id;
  }

  cancel(id: number | undefined): void {
    if (id === undefined) return;
    this.items.delete(id);
  }

  /** The earliest pending item's time, if any. */
  nextDue(): number | undefined {
    let min: number | undefined;
    for (const item of this.items.values()) if (min === undefined || item.at < min) min = item.at;
    return min;
  }

  /** Moves the clock forward (never back) and fires what became due. */
  advanceTo(at: number): void {
    const delta = at - this.now();
    if (delta > 0) {
      this.offsetMs += delta;
      this.stepNow = undefined;
    }
    this.fireDue();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.items.clear();
  }

  private fireDue(): void {
    const now = this.now();
    const due = [...this.items.values()]
      .filter((i) => i.at <= now)
      .sort((a, b) => a.at - b.at || a.id - b.id);
    const sequencesDone = new Set<string>();
    for (const item of due) {
      const sequence = item.sequence;
      if (!sequence) {
        this.fire(item);
        continue;
      }
      if (sequencesDone.has(sequence.group)) continue;
      sequencesDone.add(sequence.group);
      const members = due
        .filter((i) => i.sequence?.group === sequence.group)
        .sort((a, b) => a.at - b.at || compareKeys(a.sequence!.key, b.sequence!.key) || a.id - b.id);
      const fireAll = () => members.forEach((m) => this.fire(m));
      try {
        if (sequence.batch) sequence.batch(fireAll);
        else fireAll();
      } catch (err) {
        this.onError?.(err);
      }
    }
    if (due.length > 0) this.onFired?.();
    this.arm();
  }

  private fire(item: Scheduled): void {
    if (!this.items.has(item.id)) return;
    this.items.delete(item.id);
    try {
      item.fn();
    } catch (err) {
      this.onError?.(err);
    }
  }

  private arm(): void {
    if (this.stopped) return;
    const next = this.nextDue();
    if (next === undefined) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.armedFor = undefined;
      return;
    }
    if (this.timer && this.armedFor !== undefined && this.armedFor <= next) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = next;
    // setTimeout caps at ~24.8 days; re-arming on wake handles longer waits.
    const delay = Math.min(Math.max(0, next - this.now()), 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.armedFor = undefined;
      this.fireDue();
    }, delay);
  }
}
