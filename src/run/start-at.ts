/**
 * A synchronized start (--start-at): shards on different machines wait for the same wall-clock
 * instant. Wall clocks are what machines share (NTP keeps them within a few milliseconds);
 * the runner times requests on the monotonic clock, which never jumps. So the instant is
 * converted from one to the other once, shortly before it, and the last stretch is waited on the
 * monotonic clock like any planned instant.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleepTimer } from 'node:timers/promises';
import { StartMissedError, UsageError } from '../errors.js';

/** How late past the instant a shard may still start, unless --start-tolerance says otherwise. */
export const DEFAULT_START_TOLERANCE_MS = 100;

/**
 * The instant is converted this long before it. Until then the wait sleeps on the wall clock, so
 * an adjustment of the wall clock during a long wait (NTP slews it by up to 0.5 ms per second)
 * moves the start with the other machines' clocks instead of being frozen in at the beginning.
 */
const CONVERT_LEAD_MS = 1000;

/** Epoch milliseconds below this (March 1973) are taken for a mistake: epoch seconds, most likely. */
const MIN_EPOCH_MS = 1e11;

export interface WallAndMonotonic {
  /** Wall clock, epoch ms (Date.now()). */
  wallNow(): number;
  /** Monotonic clock, ms (the runner's clock). */
  monoNow(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClocks: WallAndMonotonic = {
  wallNow: () => Date.now(),
  monoNow: () => performance.now(),
  sleep: (ms, signal) => sleepTimer(ms, undefined, signal ? { signal } : undefined).catch(() => undefined),
};

/**
 * `2026-05-01T12:00:00Z` (an ISO time with Z or an offset: a time without one would be read in
 * each machine's own time zone) or epoch milliseconds (`1777636800000`).
 */
export function parseStartAt(text: string, flag = '--start-at'): number {
  const value = text.trim();
  if (/^\d+$/.test(value)) {
    const ms = Number(value);
    if (ms < MIN_EPOCH_MS) {
      throw new UsageError(`${flag} ${text}: expected epoch milliseconds, and this is before 1973 (epoch seconds?)`, 'pass milliseconds, e.g. $(date +%s%3N), or an ISO time such as 2026-05-01T12:00:00Z');
    }
    return ms;
  }
  const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/i;
  const ms = iso.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new UsageError(`${flag} ${text}: expected an ISO time with a time zone (2026-05-01T12:00:00Z) or epoch milliseconds`, 'every shard must read the same instant: give the zone (Z or +02:00)');
  }
  return ms;
}

/** Throws StartMissedError (exit 4) when `startAtMs` passed more than `toleranceMs` before `nowMs`. */
export function checkStartNotMissed(startAtMs: number, nowMs: number, toleranceMs: number): void {
  const lateMs = nowMs - startAtMs;
  if (lateMs <= toleranceMs) return;
  throw new StartMissedError(
    `the start instant ${new Date(startAtMs).toISOString()} (--start-at) passed ${formatLate(lateMs)} ago, more than the tolerance of ${toleranceMs} ms: nothing was sent`,
    'start every shard before the instant (set it further ahead), or raise --start-tolerance; a late shard would send its share late',
  );
}

function formatLate(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : `${Math.round(ms)} ms`;
}

/**
 * The monotonic time of wall-clock instant `epochMs`, read once. Date.now() counts whole
 * milliseconds, so the reading waits (at most about a millisecond, on the CPU) for its next
 * tick: the wall clock is then at the start of that millisecond, and the error is the few
 * microseconds between two readings instead of up to a millisecond.
 */
export function monotonicInstant(epochMs: number, clocks: WallAndMonotonic = realClocks): number {
  const first = clocks.wallNow();
  const limit = clocks.monoNow() + 2;
  let mono = clocks.monoNow();
  let wall = clocks.wallNow();
  while (wall === first && mono < limit) {
    mono = clocks.monoNow();
    wall = clocks.wallNow();
  }
  return mono + (epochMs - wall);
}

/**
 * Waits on the wall clock until shortly before `epochMs`, checks it was not missed, and returns
 * the instant on the monotonic clock, for the runner to wait out. A stop ends the wait early.
 */
export async function approachStart(epochMs: number, toleranceMs: number, opts: { clocks?: WallAndMonotonic; stop?: AbortSignal } = {}): Promise<number> {
  const clocks = opts.clocks ?? realClocks;
  checkStartNotMissed(epochMs, clocks.wallNow(), toleranceMs);
  for (let ahead = epochMs - clocks.wallNow(); ahead > CONVERT_LEAD_MS && opts.stop?.aborted !== true; ahead = epochMs - clocks.wallNow()) {
    // Sleep in slices: a timer is not woken by a change of the wall clock.
    await clocks.sleep(Math.min(ahead - CONVERT_LEAD_MS, 60_000), opts.stop);
  }
  return monotonicInstant(epochMs, clocks);
}
