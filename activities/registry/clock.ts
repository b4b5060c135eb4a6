import { shanghaiDate } from '../../workflows/calendar/working-days';

/** Injected "now", so date rules (publicity, expiry, published measures) are testable. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** Today's Beijing calendar date (YYYY-MM-DD): lists, measures and publicity run on local dates. */
export function today(clock: Clock): string {
  return shanghaiDate(clock().toISOString());
}
