/**
 * The one clock every server timer runs on (workflow timers, activity and workflow-task timeouts,
 * retry back-offs, run timeouts). In normal mode it follows wall time; under time skipping
 * (TestService) it can jump forward to the next due item when nothing is running.
 */
interface Scheduled {
  id: number;
  at: number;
  fn: () => void;
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

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Runs `fn` once the clock reaches `at` (ms since epoch). Returns a handle for cancel(). */
  schedule(at: number, fn: () => void): number {
    const id = this.nextId++;
    this.items.set(id, { id, at, fn });
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
    if (delta > 0) this.offsetMs += delta;
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
    for (const item of due) {
      if (!this.items.has(item.id)) continue;
      this.items.delete(item.id);
      try {
        item.fn();
      } catch (err) {
        this.onError?.(err);
      }
    }
    if (due.length > 0) this.onFired?.();
    this.arm();
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
