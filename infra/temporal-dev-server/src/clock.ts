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

/**
 * Pending items by (time, id), earliest on top; a cancelled item stays until it reaches the top
 * (lazy deletion), so arming and cancelling stay O(log n) with many runs' timers pending.
 */
class DueHeap {
  private readonly heap: Scheduled[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(item: Scheduled): void {
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  peek(): Scheduled | undefined {
    return this.heap[0];
  }

  pop(): Scheduled | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }

  clear(): void {
    this.heap.length = 0;
  }

  /** Only `live` items again (cancelled entries dropped). */
  rebuild(live: Iterable<Scheduled>): void {
    this.clear();
    for (const item of live) this.push(item);
  }
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.at < b.at || (a.at === b.at && a.id < b.id);
}

export class Clock {
  private offsetMs = 0;
  private items = new Map<number, Scheduled>();
  private readonly due = new DueHeap();
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
    const item = { id, at, fn, sequence };
    this.items.set(id, item);
    this.due.push(item);
    this.arm();
    return id;
  }

  cancel(id: number | undefined): void {
    if (id === undefined) return;
    const item = this.items.get(id);
    if (!item) return;
    this.items.delete(id);
    // The heap entry stays until it comes up; it must not keep what the item referred to.
    item.fn = () => undefined;
    item.sequence = undefined;
    if (this.due.size > 2 * this.items.size + 1024) this.due.rebuild(this.items.values());
  }

  /** The earliest pending item's time, if any. */
  nextDue(): number | undefined {
    for (let top = this.due.peek(); top; top = this.due.peek()) {
      if (this.items.get(top.id) === top) return top.at;
      this.due.pop();
    }
    return undefined;
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
    this.due.clear();
  }

  private fireDue(): void {
    const now = this.now();
    const due: Scheduled[] = [];
    for (let top = this.due.peek(); top && top.at <= now; top = this.due.peek()) {
      this.due.pop();
      if (this.items.get(top.id) === top) due.push(top);
    }
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
