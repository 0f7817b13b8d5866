/**
 * The replay phase's planned offsets: a pure function of the trace window (read when the
 * profile was loaded) and the phase's speedup, scale, spread and seed.
 *
 * Per-minute counts. With C_m the trace's cumulative count before minute m, minute m plans
 *   n_m = floor(s C_{m+1}) - floor(s C_m)
 * arrivals for a scale s: exactly the trace's counts when s = 1, and the rounding never drifts
 * (the first k minutes always hold floor(s C_k)). Inside a minute of length M = 60 s / speedup:
 * - even: the k-th of n at k M / n (as a constant rate would place them);
 * - poisson: a Poisson process that holds n arrivals in the minute places them as n independent
 *   uniform instants, sorted. Sorted uniforms are drawn without sorting: with E_1 ... E_{n+1}
 *   exponential and S_k their partial sums, (S_1, ..., S_n) / S_{n+1} has the joint law of n
 *   sorted uniforms on (0, 1) (the spacings of uniforms are exchangeable, Dirichlet(1, ..., 1)).
 *   Each minute has its own generator (seed, minute), so any minute can be planned alone.
 *
 * Timestamps. Arrival i becomes floor(s (i + 1)) - floor(s i) arrivals at its own instant
 * divided by speedup: s < 1 keeps an evenly spread share of them, s > 1 sends copies together,
 * as that many copies of the traffic would.
 */
import type { ReplayPhase } from '../profile/types.js';
import { wholeArrivals } from './math.js';
import { exponentialGap, mulberry32 } from './prng.js';

const MINUTE_MS = 60_000;

export function replayDurationMs(phase: ReplayPhase): number {
  return phase.trace.windowMs / phase.speedup;
}

/** Arrivals planned for each index of the trace (a minute, or a timestamp), after scaling. */
function scaled(counts: Iterable<number>, scale: number): number[] {
  const out: number[] = [];
  let cumulative = 0;
  let planned = 0;
  for (const count of counts) {
    cumulative += count;
    const upTo = wholeArrivals(scale * cumulative);
    out.push(upTo - planned);
    planned = upTo;
  }
  return out;
}

/** Arrivals per minute of the window after scaling (per-minute traces). */
export function replayCountsPerMinute(phase: ReplayPhase): number[] {
  if (phase.trace.kind !== 'per-minute') throw new Error('a timestamps trace has no counts per minute');
  return scaled(phase.trace.counts, phase.scale);
}

export function replayCount(phase: ReplayPhase): number {
  const total = phase.trace.kind === 'per-minute' ? phase.trace.counts.reduce((a, b) => a + b, 0) : phase.trace.offsetsMs.length;
  return wholeArrivals(phase.scale * total);
}

export function* replayOffsets(phase: ReplayPhase): Generator<number> {
  const { trace, speedup, scale } = phase;
  if (trace.kind === 'timestamps') {
    const copies = scaled(trace.offsetsMs.map(() => 1), scale);
    for (const [i, offsetMs] of trace.offsetsMs.entries()) {
      for (let c = 0; c < copies[i]!; c++) yield offsetMs / speedup;
    }
    return;
  }
  const minuteMs = MINUTE_MS / speedup;
  for (const [m, n] of replayCountsPerMinute(phase).entries()) {
    if (n === 0) continue;
    const startMs = m * minuteMs;
    const endMs = (m + 1) * minuteMs;
    for (const fraction of phase.spread === 'even' ? evenFractions(n) : uniformOrderStatistics(n, minuteSeed(phase.seed, m))) {
      // Never let rounding push an arrival into the next minute: the counts per minute are exact.
      yield Math.min(startMs + fraction * minuteMs, endMs - endMs * Number.EPSILON);
    }
  }
}

/** Peak arrivals per second over the phase (its busiest minute, or busiest second for timestamps). */
export function replayPeakRate(phase: ReplayPhase): number {
  if (phase.trace.kind === 'per-minute') {
    const busiest = Math.max(0, ...replayCountsPerMinute(phase));
    return (busiest * phase.speedup) / 60;
  }
  const perSecond = new Map<number, number>();
  for (const offsetMs of replayOffsets(phase)) {
    const second = Math.floor(offsetMs / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  }
  return Math.max(0, ...perSecond.values());
}

function* evenFractions(n: number): Generator<number> {
  for (let k = 0; k < n; k++) yield k / n;
}

function* uniformOrderStatistics(n: number, seed: number): Generator<number> {
  const random = mulberry32(seed);
  const gaps = new Float64Array(n + 1);
  let total = 0;
  for (let i = 0; i <= n; i++) {
    gaps[i] = exponentialGap(random, 1);
    total += gaps[i]!;
  }
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += gaps[k]!;
    yield sum / total;
  }
}

/** A generator seed per (phase seed, minute): golden-ratio multiples spread the minutes apart. */
function minuteSeed(seed: number, minute: number): number {
  return (seed ^ Math.imul(minute + 1, 0x9e3779b1)) >>> 0;
}
