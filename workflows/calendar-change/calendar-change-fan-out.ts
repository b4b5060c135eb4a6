import {
  ApplicationFailure,
  continueAsNew,
  defineQuery,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { createDeadlineActivities } from '../../activities/deadlines/deadline-activities';
import { calendarChangedSignal } from '../deadlines/working-day-deadline';

export interface CalendarChangeFanOutInput {
  year: number;
  /** The calendar version whose declaration this fan-out announces. */
  version: number;
  /** Workflows read and signalled per page (default 500). */
  pageSize?: number;
  /** Where a run continued as new picks up: the cursor and the counts so far. */
  resume?: { after: string; notified: number; skipped: number; failed: string[] };
}

export interface CalendarChangeProgress {
  year: number;
  version: number;
  /** Workflows that received the signal. */
  notified: number;
  /** Workflows listed with an open deadline that had closed before the signal reached them. */
  skipped: number;
  /** Workflows the signal did not reach after every attempt. */
  failed: string[];
  done: boolean;
}

export const calendarChangeProgressQuery = defineQuery<CalendarChangeProgress>('calendarChangeProgress');

export const DEFAULT_FAN_OUT_PAGE_SIZE = 500;
const MAX_FAN_OUT_PAGE_SIZE = 1000;
/** Waits before each further attempt at workflows a signal did not reach (not-found aside). */
const SIGNAL_RETRY_DELAYS = ['5s', '30s'] as const;

const activities = proxyActivities<ReturnType<typeof createDeadlineActivities>>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
});

/**
 * Tells every running workflow whose open deadline a year's new calendar may move to recompute it
 * (`calendarChanged`). Reads the open deadlines page by page, so the admin's request only starts
 * it; a workflow that has closed meanwhile is counted as skipped, one the signal cannot reach is
 * tried again after the rest of its page and, failing that, reported. Continues as new when the
 * history grows long, carrying the cursor and the counts.
 */
export async function calendarChangeFanOut(
  input: CalendarChangeFanOutInput,
): Promise<CalendarChangeProgress> {
  const progress: CalendarChangeProgress = {
    year: input.year,
    version: input.version,
    notified: input.resume?.notified ?? 0,
    skipped: input.resume?.skipped ?? 0,
    failed: [...(input.resume?.failed ?? [])],
    done: false,
  };
  setHandler(calendarChangeProgressQuery, () => ({ ...progress, failed: [...progress.failed] }));
  const limit = Math.min(
    Math.max(1, Math.floor(input.pageSize ?? DEFAULT_FAN_OUT_PAGE_SIZE)),
    MAX_FAN_OUT_PAGE_SIZE,
  );
  let after = input.resume?.after;
  for (;;) {
    const page = await activities.openDeadlineWorkflowsPage({ year: input.year, after, limit });
    await signalPage(page.workflowIds, input.year, progress);
    if (page.next === undefined) break;
    after = page.next;
    if (workflowInfo().continueAsNewSuggested) {
      const { notified, skipped, failed } = progress;
      await continueAsNew<typeof calendarChangeFanOut>({
        ...input,
        resume: { after, notified, skipped, failed },
      });
    }
  }
  progress.done = true;
  return progress;
}

/** Signals a page of workflows; those the signal could not reach are tried again, a few times. */
async function signalPage(
  workflowIds: string[],
  year: number,
  progress: CalendarChangeProgress,
): Promise<void> {
  let pending = workflowIds;
  for (let attempt = 0; pending.length > 0; attempt++) {
    const outcomes = await Promise.all(pending.map((id) => signalOne(id, year)));
    pending = pending.filter((_, i) => outcomes[i] === 'unreached');
    progress.notified += outcomes.filter((o) => o === 'notified').length;
    progress.skipped += outcomes.filter((o) => o === 'closed').length;
    if (pending.length === 0) return;
    if (attempt >= SIGNAL_RETRY_DELAYS.length) {
      progress.failed.push(...pending);
      return;
    }
    await sleep(SIGNAL_RETRY_DELAYS[attempt]);
  }
}

async function signalOne(workflowId: string, year: number): Promise<'notified' | 'closed' | 'unreached'> {
  try {
    await getExternalWorkflowHandle(workflowId).signal(calendarChangedSignal, { years: [year] });
    return 'notified';
  } catch (err) {
    return isWorkflowNotFound(err) ? 'closed' : 'unreached';
  }
}

/** How the SDK reports a signal to a workflow that does not run (any more). */
function isWorkflowNotFound(err: unknown): boolean {
  return err instanceof ApplicationFailure && err.type === 'ExternalWorkflowExecutionNotFound';
}
