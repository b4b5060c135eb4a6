import { status } from '@grpc/grpc-js';
import { RpcError } from '../errors';
import { isClosed } from './run';
import type { Engine } from './engine';

/**
 * Time skipping (TestService): enabled in the test-server form. Starts locked; while unlocked
 * and no workflow or activity task is outstanding, the clock jumps to the next due item.
 */
export class TimeSkipping {
  private readonly state = { enabled: false, locks: 1, checkPending: false };

  constructor(private readonly e: Engine) {}

  enable(): void {
    this.state.enabled = true;
    this.e.clock.onFired = () => this.scheduleSkipCheck();
  }

  lock(): void {
    this.state.locks++;
  }

  unlock(): void {
    if (this.state.locks === 0) {
      throw new RpcError(status.FAILED_PRECONDITION, 'time skipping is not locked');
    }
    this.state.locks--;
    this.scheduleSkipCheck();
  }

  /** Resolves once the server clock reaches `at` (in virtual time when skipping is unlocked). */
  sleepUntil(at: number): Promise<void> {
    if (this.e.clock.now() >= at) return Promise.resolve();
    return new Promise((resolve) => {
      this.e.clock.schedule(at, resolve);
      this.scheduleSkipCheck();
    });
  }

  /** Called after anything that may have made the server idle. */
  scheduleSkipCheck(): void {
    const ts = this.state;
    if (!ts.enabled || ts.checkPending) return;
    ts.checkPending = true;
    setImmediate(() => {
      ts.checkPending = false;
      if (ts.locks > 0 || this.hasOutstandingTasks()) return;
      const next = this.e.clock.nextDue();
      if (next === undefined) return;
      this.e.clock.advanceTo(next);
      this.scheduleSkipCheck();
    });
  }

  private hasOutstandingTasks(): boolean {
    if (this.e.deferredSteps > 0) return true;
    for (const run of this.e.runsById.values()) {
      if (isClosed(run)) continue;
      if (run.wft) return true;
      for (const activity of run.activities.values()) {
        if (activity.queued || activity.startedTime !== undefined) return true;
      }
    }
    return false;
  }
}
