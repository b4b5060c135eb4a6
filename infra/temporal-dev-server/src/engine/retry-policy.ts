import { RetryState } from '../enums';
import { durationMs, Msg, toDuration } from '../proto';

/** The real server's defaults for fields a retry policy leaves out. */
const DEFAULT_INITIAL_INTERVAL_MS = 1000;
const DEFAULT_BACKOFF_COEFFICIENT = 2;
const DEFAULT_MAXIMUM_INTERVAL_FACTOR = 100;

/** A retry policy with every field filled in as the real server does (activities and workflows). */
export function normalizeRetryPolicy(policy: Msg | undefined): Msg {
  const rp = policy ?? {};
  const initialMs = durationMs(rp.initialInterval) ?? DEFAULT_INITIAL_INTERVAL_MS;
  return {
    initialInterval: toDuration(initialMs),
    backoffCoefficient:
      rp.backoffCoefficient && rp.backoffCoefficient >= 1
        ? rp.backoffCoefficient
        : DEFAULT_BACKOFF_COEFFICIENT,
    maximumInterval: toDuration(
      durationMs(rp.maximumInterval) ?? initialMs * DEFAULT_MAXIMUM_INTERVAL_FACTOR,
    ),
    maximumAttempts: rp.maximumAttempts ?? 0,
    nonRetryableErrorTypes: rp.nonRetryableErrorTypes ?? [],
  };
}

export type RetryDecision = { retry: true; backoffMs: number } | { retry: false; state: number };

/**
 * Whether attempt `attempt`, which ended with `failure`, is retried, and after how long.
 * `deadline` (ms since epoch) is when retrying has to stop (schedule-to-close, execution timeout).
 */
export function decideRetry(
  policy: Msg,
  attempt: number,
  failure: Msg,
  now: number,
  deadline?: number,
): RetryDecision {
  const info = failure.applicationFailureInfo;
  if (info?.nonRetryable) return { retry: false, state: RetryState.NON_RETRYABLE_FAILURE };
  if (info?.type && (policy.nonRetryableErrorTypes as string[]).includes(info.type)) {
    return { retry: false, state: RetryState.NON_RETRYABLE_FAILURE };
  }
  const max = policy.maximumAttempts as number;
  if (max > 0 && attempt >= max) return { retry: false, state: RetryState.MAXIMUM_ATTEMPTS_REACHED };
  const initial = durationMs(policy.initialInterval)!;
  const maxInterval = durationMs(policy.maximumInterval)!;
  let backoffMs = Math.min(initial * Math.pow(policy.backoffCoefficient, attempt - 1), maxInterval);
  // The failure may ask for its own delay (ApplicationFailure nextRetryDelay).
  const nextDelay = durationMs(info?.nextRetryDelay);
  if (nextDelay) backoffMs = nextDelay;
  if (deadline !== undefined && now + backoffMs >= deadline)
    return { retry: false, state: RetryState.TIMEOUT };
  return { retry: true, backoffMs };
}
