import { dateToDayNumber, dayNumberToDate, shanghaiDate } from '../calendar';
import type { Limit } from '../policies/types';
import { addLimit } from './step-clock';

/**
 * Periods on Beijing dates (YYYY-MM-DD) for the rules of procedures (bars, publicity, clean
 * records), pure. Working days count on the statutory calendar (weekends and the holidays the law
 * fixes): a rule's period is not a step's deadline, which the step clock plans on the calendar
 * in force.
 */

/** The last day of a period that starts on `date` (a month after 31 January ends 28 February). */
export function periodEnd(date: string, period: Limit): string {
  return shanghaiDate(addLimit(`${date}T00:00:00+08:00`, period, {}).due);
}

export const nextDay = (date: string): string => dayNumberToDate(dateToDayNumber(date) + 1);

/** The same day `years` years later (negative: earlier); 29 February → 28 February. */
export function yearsAfter(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const target = new Date(Date.UTC(y + years, m - 1, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), m, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, last));
  return target.toISOString().slice(0, 10);
}

/** Today's date in Beijing (YYYY-MM-DD), by the workflow's clock inside a workflow. */
export const todayInBeijing = (): string => shanghaiDate(new Date().toISOString());
