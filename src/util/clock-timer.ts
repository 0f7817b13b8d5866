/**
 * A timer that never fires before its delay has passed on a clock. Node counts a timer's delay
 * in whole milliseconds of the event loop's time, so `setTimeout(f, ms)` can run `f` up to a
 * millisecond before performance.now() (or Date.now()) has moved by `ms`. Where the delay is a
 * promise the emulator makes (a function's timeout, an idle environment's life), the timer reads
 * the clock when it fires and waits out the rest.
 */
import { performance } from 'node:perf_hooks';

/** The longest delay setTimeout takes (a longer one fires after 1 ms); longer waits re-arm. */
const MAX_TIMER_MS = 2_147_483_647;

export interface ClockTimer {
  /** Starts the delay again from now (the same timer, the same callback). */
  refresh(): void;
  /** Cancels the timer; idempotent. */
  clear(): void;
}

/** Calls `fire` once at least `delayMs` after now on `now` (performance.now() by default). */
export function clockTimer(fire: () => void, delayMs: number, now: () => number = () => performance.now()): ClockTimer {
  let handle: NodeJS.Timeout | undefined;
  let dueMs = 0;
  const arm = (waitMs: number): void => {
    handle = setTimeout(check, Math.min(Math.max(0, waitMs), MAX_TIMER_MS));
  };
  const check = (): void => {
    handle = undefined;
    const leftMs = dueMs - now();
    if (leftMs > 0) return arm(Math.ceil(leftMs));
    fire();
  };
  const timer: ClockTimer = {
    refresh: () => {
      clearTimeout(handle);
      dueMs = now() + delayMs;
      arm(delayMs);
    },
    clear: () => {
      clearTimeout(handle);
      handle = undefined;
    },
  };
  timer.refresh();
  return timer;
}
