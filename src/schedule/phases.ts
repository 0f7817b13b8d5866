/**
 * One phase at a time: how long it lasts, how many arrivals it plans, and their offsets in
 * milliseconds from the phase's own start (non-decreasing, each < the phase's duration).
 */
import type { Phase } from '../profile/types.js';
import { rampCount, rampInstantSec, sineCount, sineInstantSec, wholeArrivals } from './math.js';
import { exponentialGap, mulberry32 } from './prng.js';
import { replayCount, replayDurationMs, replayOffsets } from './replay.js';

type PhaseOf<K extends Phase['kind']> = Extract<Phase, { kind: K }>;

export function phaseDurationMs(phase: Phase): number {
  switch (phase.kind) {
    case 'steps':
      return phase.count * phase.stepMs;
    case 'burst':
      return 0;
    case 'replay':
      return replayDurationMs(phase);
    case 'constant':
    case 'ramp':
    case 'sine':
    case 'poisson':
    case 'idle':
      return phase.durationMs;
  }
}

/** Exact planned count; a poisson phase is counted by drawing its gaps (no array is built). */
export function phaseCount(phase: Phase): number {
  switch (phase.kind) {
    case 'constant':
      return wholeArrivals((phase.ratePerSec * phase.durationMs) / 1000);
    case 'ramp':
      return rampCount(phase.fromPerSec, phase.toPerSec, phase.durationMs / 1000);
    case 'steps': {
      let total = 0;
      for (let i = 0; i < phase.count; i++) total += wholeArrivals((stepRate(phase, i) * phase.stepMs) / 1000);
      return total;
    }
    case 'sine':
      if (phase.meanPerSec <= 0) return 0;
      return sineCount(phase.meanPerSec, phase.amplitudePerSec, phase.periodMs / 1000, phase.durationMs / 1000);
    case 'poisson': {
      let total = 0;
      for (const _ of poissonOffsets(phase)) total++;
      return total;
    }
    case 'burst':
      return Math.max(0, Math.floor(phase.count));
    case 'replay':
      return replayCount(phase);
    case 'idle':
      return 0;
  }
}

/** Offsets in ms from the phase start, lazily. */
export function* phaseOffsets(phase: Phase): Generator<number> {
  switch (phase.kind) {
    case 'constant':
      yield* constantOffsets(phase.ratePerSec, phase.durationMs);
      return;
    case 'ramp':
      yield* rampOffsets(phase);
      return;
    case 'steps':
      for (let i = 0; i < phase.count; i++) {
        for (const offsetMs of constantOffsets(stepRate(phase, i), phase.stepMs)) yield i * phase.stepMs + offsetMs;
      }
      return;
    case 'sine':
      yield* sineOffsets(phase);
      return;
    case 'poisson':
      yield* poissonOffsets(phase);
      return;
    case 'burst':
      for (let i = 0; i < phaseCount(phase); i++) yield 0;
      return;
    case 'replay':
      yield* replayOffsets(phase);
      return;
    case 'idle':
      return;
  }
}

/** Rate of step i: `count` rates spaced evenly from `fromPerSec` to `toPerSec`, both included. */
export function stepRate(phase: PhaseOf<'steps'>, index: number): number {
  if (phase.count <= 1) return phase.fromPerSec;
  return phase.fromPerSec + ((phase.toPerSec - phase.fromPerSec) * index) / (phase.count - 1);
}

/** N(t) = r t, so t_n = n / r: in ms, n * 1000 / r (one division, no accumulated error). */
function* constantOffsets(ratePerSec: number, durationMs: number): Generator<number> {
  const count = wholeArrivals((ratePerSec * durationMs) / 1000);
  for (let n = 0; n < count; n++) yield (n * 1000) / ratePerSec;
}

function* rampOffsets(phase: PhaseOf<'ramp'>): Generator<number> {
  const durationSec = phase.durationMs / 1000;
  const count = rampCount(phase.fromPerSec, phase.toPerSec, durationSec);
  for (let n = 0; n < count; n++) {
    const instantSec = rampInstantSec(n, phase.fromPerSec, phase.toPerSec, durationSec);
    yield Math.min(instantSec * 1000, phase.durationMs);
  }
}

function* sineOffsets(phase: PhaseOf<'sine'>): Generator<number> {
  const count = phaseCount(phase);
  const periodSec = phase.periodMs / 1000;
  for (let n = 0; n < count; n++) {
    const instantSec = sineInstantSec(n, phase.meanPerSec, phase.amplitudePerSec, periodSec);
    yield Math.min(instantSec * 1000, phase.durationMs);
  }
}

/**
 * A Poisson process: gaps are exponential with mean 1 / rate, the first one counted from the
 * phase start; arrivals continue while they fall before the phase's end.
 */
function* poissonOffsets(phase: PhaseOf<'poisson'>): Generator<number> {
  if (!(phase.ratePerSec > 0)) return;
  const random = mulberry32(phase.seed);
  const meanGapMs = 1000 / phase.ratePerSec;
  for (let offsetMs = exponentialGap(random, meanGapMs); offsetMs < phase.durationMs; ) {
    yield offsetMs;
    offsetMs += exponentialGap(random, meanGapMs);
  }
}
