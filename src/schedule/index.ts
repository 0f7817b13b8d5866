/**
 * The schedule: a pure function from phases to planned start offsets (ms from the run's start).
 * Phases run back to back, each starting where the previous one ended; a burst takes no time
 * and puts its arrivals at its start instant. Nothing here reads a clock.
 */
import type { Phase } from '../profile/types.js';
import { phaseCount, phaseDurationMs, phaseOffsets } from './phases.js';
import { replayPeakRate } from './replay.js';

export { phaseCount, phaseDurationMs, phaseOffsets, stepRate } from './phases.js';
export { mulberry32 } from './prng.js';
export { replayCountsPerMinute } from './replay.js';

/**
 * Every planned offset in ms, non-decreasing, generated lazily: a long phase at a high rate
 * never becomes an array. (Float rounding cannot reorder them: each is clamped to at least the
 * previous one.)
 */
export function* plannedOffsets(phases: readonly Phase[]): Generator<number> {
  let phaseStartMs = 0;
  let previousMs = 0;
  for (const phase of phases) {
    for (const offsetMs of phaseOffsets(phase)) {
      previousMs = Math.max(previousMs, phaseStartMs + offsetMs);
      yield previousMs;
    }
    phaseStartMs += phaseDurationMs(phase);
  }
}

/** Exact number of planned arrivals (closed forms; poisson phases draw their gaps). */
export function plannedCount(phases: readonly Phase[]): number {
  let total = 0;
  for (const phase of phases) total += phaseCount(phase);
  return total;
}

/** Total length of the schedule in ms, idle phases included; bursts take no time. */
export function scheduleDurationMs(phases: readonly Phase[]): number {
  let total = 0;
  for (const phase of phases) total += phaseDurationMs(phase);
  return total;
}

/**
 * The average rate while load is applied: plannedCount / (time spent in phases that send at a
 * rate). Idle phases are left out of the time because they are pauses, not load (a 12-minute
 * idle gap would otherwise make a 500/s run read as 20/s); bursts take no time but their
 * arrivals count. Zero when no phase sends at a rate (only bursts and idle).
 */
export function targetRate(phases: readonly Phase[]): number {
  let loadMs = 0;
  for (const phase of phases) {
    if (phase.kind !== 'idle' && phase.kind !== 'burst') loadMs += phaseDurationMs(phase);
  }
  return loadMs > 0 ? plannedCount(phases) / (loadMs / 1000) : 0;
}

/**
 * The highest rate any phase reaches (requests/s): a ramp's or steps' larger end, a sine's crest.
 * Bursts and idle phases have no rate; zero when no phase sends at a rate.
 */
export function peakRate(phases: readonly Phase[]): number {
  let peak = 0;
  for (const phase of phases) peak = Math.max(peak, phasePeakRate(phase));
  return peak;
}

function phasePeakRate(phase: Phase): number {
  switch (phase.kind) {
    case 'constant':
    case 'poisson':
      return phase.ratePerSec;
    case 'ramp':
    case 'steps':
      return Math.max(phase.fromPerSec, phase.toPerSec);
    case 'sine':
      return phase.meanPerSec + phase.amplitudePerSec;
    case 'replay':
      return replayPeakRate(phase);
    case 'burst':
    case 'idle':
      return 0;
  }
}

/**
 * Index of the phase running at offsetMs (for progress): the first phase whose span
 * [start, end) holds the offset, where a burst holds exactly its own instant. Offsets before 0
 * map to the first phase, offsets at or after the end to the last; -1 when there are no phases.
 */
export function phaseAt(phases: readonly Phase[], offsetMs: number): number {
  let startMs = 0;
  for (const [index, phase] of phases.entries()) {
    const endMs = startMs + phaseDurationMs(phase);
    if (offsetMs < endMs || (endMs === startMs && offsetMs === startMs)) return index;
    startMs = endMs;
  }
  return phases.length - 1;
}
