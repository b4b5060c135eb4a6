import { compileSpec, parseCron } from '../schedules/spec';

/**
 * The cron schedule of a workflow start (`cronSchedule`), read with the schedules' parser. Next
 * times as robfig/cron gives them to the real server: calendars in the cron's time zone
 * (`CRON_TZ=`), `@every` counted from the time it is asked after, whole seconds.
 */
export class CronSchedule {
  private readonly next: (afterMs: number) => number | undefined;

  constructor(text: string) {
    const parsed = parseCron(text);
    if (parsed.interval) {
      const every = Math.max(1000, Math.floor(Number(parsed.interval.interval?.seconds ?? 0)) * 1000);
      this.next = (after) => after - (after % 1000) + every;
    } else {
      const { compiled } = compileSpec({ cronString: [text] });
      this.next = (after) => compiled.next('', after)?.nominal;
    }
  }

  /**
   * `backoff.GetBackoffForNextSchedule`: from the run's scheduled (execution) time, the first cron
   * time not before `now`; the wait rounded up to whole seconds; undefined when there is none.
   */
  backoffMs(scheduledMs: number, nowMs: number): number | undefined {
    let next: number | undefined;
    if (nowMs < scheduledMs) next = scheduledMs;
    else {
      next = this.next(scheduledMs);
      for (let i = 0; next !== undefined && next < nowMs && i < 1_000_000; i++) next = this.next(next);
    }
    if (next === undefined) return undefined;
    return Math.ceil((next - nowMs) / 1000) * 1000;
  }
}

/** The cron schedule, or an error message as the real server's (`invalid CronSchedule.`). */
export function parseCronSchedule(text: string): CronSchedule {
  const fields = text
    .replace(/^(CRON_TZ|TZ)=\S+\s+/, '')
    .replace(/#.*$/, '')
    .trim()
    .split(/\s+/);
  if (!fields[0]?.startsWith('@') && fields.length !== 5) throw new Error('invalid CronSchedule.');
  let schedule: CronSchedule;
  try {
    schedule = new CronSchedule(text);
  } catch {
    throw new Error('invalid CronSchedule.');
  }
  if (schedule.backoffMs(Date.now(), Date.now()) === undefined) {
    throw new Error('invalid CronSchedule, no time can be found to satisfy the schedule');
  }
  return schedule;
}
