/**
 * Time for the runner. The real clock reads the monotonic high-resolution timer; the fake clock
 * (test/helpers) lets the runner be tested without waiting.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleepTimer, setImmediate as yieldTimer } from 'node:timers/promises';

export interface Clock {
  /** Monotonic milliseconds (fractional). */
  now(): number;
  /** Resolves after about `ms` milliseconds, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * The runner's sub-millisecond wait, `remainingMs` before an instant: lets I/O callbacks run,
   * then resolves. May first hold the thread for part of `remainingMs` (never past the instant).
   */
  yield(remainingMs: number): Promise<void>;
}

/** Holds the thread without using the CPU (a futex wait, with sub-millisecond precision). */
const pauseCell = new Int32Array(new SharedArrayBuffer(4));

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleepTimer(ms, undefined, signal ? { signal } : undefined).catch(() => undefined),
  yield: (remainingMs) => {
    const pauseMs = pauseBefore(remainingMs);
    if (pauseMs > 0) Atomics.wait(pauseCell, 0, 0, pauseMs);
    return yieldTimer();
  },
};

/**
 * Waits until `clock.now() >= at` without busy-waiting for long: timers cover the bulk of the
 * gap, and only the last stretch (timers in Node fire up to ~1 ms early or late: they count
 * whole milliseconds) is covered by turning the event loop over, which still lets responses be
 * processed.
 *
 * Turning the loop over alone (a turn every ~6 us here) kept a core fully busy from ~700
 * arrivals/s on, and 46% of one at 500/s. So in that stretch the real clock holds the thread
 * for PAUSE_SLICE_MS at a time between turns (a futex wait, which uses no CPU and wakes ~0.1 ms
 * after its time here) until PAUSE_MARGIN_MS before the instant, which turns alone cover. A
 * response that arrives during a pause is read at most ~0.3 ms late. The wait alone (`node
 * bench/clock-wait.mjs`; arrivals 10, 2 and 0.5 ms apart): 4.3%, 11.2% and 41.0% of a core
 * instead of 9.6%, 45.8% and 100%, mean lateness 63, 18 and 13 us (before: 61, 21, 21); p99 at
 * 0.5 ms apart 137 us (before: 96). See docs/benchmarks.md.
 */
export const TIMER_SLACK_MS = 1.5;
export const PAUSE_SLICE_MS = 0.2;
export const PAUSE_MARGIN_MS = 0.2;

/** How long the real clock holds the thread `remainingMs` before an instant: 0 within the margin. */
export function pauseBefore(remainingMs: number): number {
  return remainingMs > PAUSE_MARGIN_MS ? Math.min(PAUSE_SLICE_MS, remainingMs - PAUSE_MARGIN_MS) : 0;
}

/** Resolves once `clock.now() >= at`, or as soon as `signal` aborts. */
export async function waitUntil(clock: Clock, at: number, signal?: AbortSignal): Promise<void> {
  for (let remaining = at - clock.now(); remaining > 0 && signal?.aborted !== true; remaining = at - clock.now()) {
    if (remaining > TIMER_SLACK_MS) await clock.sleep(remaining - TIMER_SLACK_MS, signal);
    else await clock.yield(remaining);
  }
}
