import type { Msg } from '../proto';
import { ConcurrencyError, type RunMutation } from './storage';

/**
 * The checks every implementation makes on a commit before writing anything: event ids contiguous
 * from `historyFrom`, no gap after what storage holds, and the execution's next event id following
 * the events written. (The check against the stored next event id is the implementation's own.)
 */
export function checkMutations(mutations: RunMutation[]): void {
  const keys = new Set<string>();
  for (const m of mutations) {
    if (keys.has(m.runKey)) throw new Error(`run ${m.runKey} appears twice in one commit`);
    keys.add(m.runKey);
    if (m.historyFrom > m.expectedNextEventId) {
      throw new ConcurrencyError(`run ${m.runKey}: history would have a gap at ${m.expectedNextEventId}`);
    }
    const ids = m.newEvents.map((e) => e.eventId as number);
    if (ids.some((id, i) => id !== m.historyFrom + i)) {
      throw new ConcurrencyError(`run ${m.runKey}: event ids must be contiguous from ${m.historyFrom}`);
    }
    if (m.execution.nextEventId !== m.historyFrom + m.newEvents.length) {
      throw new ConcurrencyError(`run ${m.runKey}: next event id does not follow the events written`);
    }
  }
}

const BYTES = '$bytes';

/**
 * JSON for stored state that holds protocol messages: their byte fields (payload data, tokens)
 * become `{"$bytes": base64}` and come back as Buffers.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, replaced: unknown) {
    // `this[key]` is the value before Buffer#toJSON replaced it.
    const raw = this[key];
    if (raw instanceof Uint8Array) return { [BYTES]: Buffer.from(raw).toString('base64') };
    return replaced;
  });
}

export function fromJson(text: string): Msg {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const bytes = (value as Record<string, unknown>)[BYTES];
      if (typeof bytes === 'string' && Object.keys(value).length === 1) return Buffer.from(bytes, 'base64');
    }
    return value;
  }) as Msg;
}
