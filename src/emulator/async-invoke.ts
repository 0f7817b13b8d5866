/**
 * Async (Event) invocations as Lambda runs them after the 202
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html):
 * - a function error or timeout is retried up to MaximumRetryAttempts times (default 2), "with a
 *   one-minute wait between the first two attempts, and two minutes between the second and third":
 *   the wait starts at `asyncRetryDelay` and doubles; every attempt keeps the request id and
 *   writes its own START / END / REPORT;
 * - a throttled attempt goes back to the queue, retried after 1 s, 2 s, 4 s ... up to 5 min,
 *   without using up a retry;
 * - an event older than MaximumEventAgeInSeconds (default 6 h) is discarded: a throttled event
 *   that reaches it is recorded once as `throttled`, and no retry is started past it.
 * The ground truth lists every attempt, with its number and when the event was accepted.
 */
import { clockTimer } from '../util/clock-timer.js';
import type { LocalFunctionConfig } from '../profile/types.js';
import type { EmulatorCore } from './core.js';
import {
  ASYNC_THROTTLE_FIRST_DELAY_MS,
  ASYNC_THROTTLE_MAX_DELAY_MS,
  DEFAULT_ASYNC_MAX_EVENT_AGE_MS,
  DEFAULT_ASYNC_RETRIES,
  DEFAULT_ASYNC_RETRY_DELAY_MS,
} from './defaults.js';
import type { FunctionPool } from './function-pool.js';

export interface AsyncPolicy {
  retries: number;
  retryDelayMs: number;
  maxEventAgeMs: number;
}

export interface AsyncState {
  /** The attempt about to run, 1-based. */
  attempt: number;
  /** The wait after the next throttle. */
  throttleDelayMs: number;
}

export type AsyncStep = { kind: 'stop' } | { kind: 'retry'; waitMs: number; state: AsyncState };

export type AttemptResult = 'success' | 'error' | 'throttled';

export function asyncPolicy(config: LocalFunctionConfig): AsyncPolicy {
  return {
    retries: config.asyncRetries ?? DEFAULT_ASYNC_RETRIES,
    retryDelayMs: config.asyncRetryDelayMs ?? DEFAULT_ASYNC_RETRY_DELAY_MS,
    maxEventAgeMs: config.asyncMaxEventAgeMs ?? DEFAULT_ASYNC_MAX_EVENT_AGE_MS,
  };
}

export const FIRST_ATTEMPT: AsyncState = { attempt: 1, throttleDelayMs: ASYNC_THROTTLE_FIRST_DELAY_MS };

/** Would a throttle now be the last one (the event too old for another try)? */
export function throttleIsFinal(policy: AsyncPolicy, state: AsyncState, ageMs: number): boolean {
  return ageMs + state.throttleDelayMs > policy.maxEventAgeMs;
}

/** What follows an attempt, given the event's age (ms since it was accepted) when it began. */
export function afterAttempt(policy: AsyncPolicy, state: AsyncState, result: AttemptResult, ageMs: number): AsyncStep {
  if (result === 'success') return { kind: 'stop' };
  if (result === 'throttled') {
    if (throttleIsFinal(policy, state, ageMs)) return { kind: 'stop' };
    return { kind: 'retry', waitMs: state.throttleDelayMs, state: { attempt: state.attempt, throttleDelayMs: Math.min(state.throttleDelayMs * 2, ASYNC_THROTTLE_MAX_DELAY_MS) } };
  }
  if (state.attempt > policy.retries) return { kind: 'stop' };
  const waitMs = policy.retryDelayMs * 2 ** (state.attempt - 1);
  if (ageMs + waitMs > policy.maxEventAgeMs) return { kind: 'stop' };
  return { kind: 'retry', waitMs, state: { attempt: state.attempt + 1, throttleDelayMs: ASYNC_THROTTLE_FIRST_DELAY_MS } };
}

export interface AsyncRequest {
  requestId: string;
  payload: Buffer;
  clientContext?: string;
}

/** Runs an accepted event in the background, with Lambda's retries; close() ends the waits. */
export function runAsync(core: EmulatorCore, pool: FunctionPool, request: AsyncRequest, acceptedAt: number): void {
  const policy = asyncPolicy(pool.config);
  const job = (async () => {
    let state = FIRST_ATTEMPT;
    while (!core.closed) {
      const ageMs = Date.now() - acceptedAt;
      const outcome = await pool.invoke({
        ...request,
        invocationType: 'Event',
        attempt: state.attempt,
        acceptedAt,
        recordThrottle: throttleIsFinal(policy, state, ageMs),
      });
      const result: AttemptResult = outcome.kind === 'throttled' ? 'throttled' : outcome.status === 'success' ? 'success' : 'error';
      const step = afterAttempt(policy, state, result, ageMs);
      if (step.kind === 'stop') return;
      state = step.state;
      await waitWallClock(step.waitMs, core.stopping.signal);
    }
  })();
  core.background.add(job);
  void job.finally(() => core.background.delete(job));
}

/** Waits at least `ms` on the wall clock the records carry (see clockTimer), or until `signal` aborts. */
function waitWallClock(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = clockTimer(done, ms, Date.now);
    function done(): void {
      timer.clear();
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
