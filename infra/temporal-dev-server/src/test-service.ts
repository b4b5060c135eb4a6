import type { Engine } from './engine/engine';
import { durationMs, fromTimestamp, toTimestamp } from './proto';
import type { Handler } from './service';

/** TestService: the time-skipping controls @temporalio/testing's createTimeSkipping() uses. */
export function testServiceHandlers(engine: Engine): Record<string, Handler> {
  return {
    LockTimeSkipping: () => {
      engine.timeSkipping.lock();
      return {};
    },
    UnlockTimeSkipping: () => {
      engine.timeSkipping.unlock();
      return {};
    },
    GetCurrentTime: () => ({ time: toTimestamp(engine.clock.now()) }),
    Sleep: async (req) => {
      await engine.timeSkipping.sleepUntil(engine.clock.now() + (durationMs(req.duration) ?? 0));
      return {};
    },
    SleepUntil: async (req) => {
      await engine.timeSkipping.sleepUntil(fromTimestamp(req.timestamp) ?? engine.clock.now());
      return {};
    },
    UnlockTimeSkippingWithSleep: async (req) => {
      const target = engine.clock.now() + (durationMs(req.duration) ?? 0);
      engine.timeSkipping.unlock();
      try {
        await engine.timeSkipping.sleepUntil(target);
      } finally {
        engine.timeSkipping.lock();
      }
      return {};
    },
  };
}
