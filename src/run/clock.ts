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
  /** Lets I/O callbacks run, then resolves: the runner's sub-millisecond wait. */
  yield(): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleepTimer(ms, undefined, signal ? { signal } : undefined).catch(() => undefined),
  yield: () => yieldTimer(),
};

/**
 * Waits until `clock.now() >= at` without busy-waiting for long: timers cover the bulk of the
 * gap, and only the last stretch (timers in Node fire up to ~1 ms late) is covered by yielding
 * to the event loop, which still lets responses be processed.
 */
export const TIMER_SLACK_MS = 1.5;

export async function waitUntil(clock: Clock, at: number, signal?: AbortSignal): Promise<void> {
  let remaining = at - clock.now();
  if (remaining > TIMER_SLACK_MS) {
    await clock.sleep(remaining - TIMER_SLACK_MS, signal);
    remaining = at - clock.now();
  }
  if (remaining > 0) await clock.yield();
}
