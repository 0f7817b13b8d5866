import { describe, expect, it } from 'vitest';
import type { Phase } from '../../src/profile/types.js';
import {
  mulberry32,
  phaseAt,
  phaseCount,
  plannedCount,
  plannedOffsets,
  peakRate,
  scheduleDurationMs,
  targetRate,
} from '../../src/schedule/index.js';
import { sineCumulative } from '../../src/schedule/math.js';

function take(phases: Phase[], limit = Number.POSITIVE_INFINITY): number[] {
  const out: number[] = [];
  for (const offsetMs of plannedOffsets(phases)) {
    if (out.length >= limit) break;
    out.push(offsetMs);
  }
  return out;
}

const constant = (ratePerSec: number, durationMs: number): Phase => ({ kind: 'constant', ratePerSec, durationMs });
const ramp = (fromPerSec: number, toPerSec: number, durationMs: number): Phase => ({ kind: 'ramp', fromPerSec, toPerSec, durationMs });

describe('planned counts', () => {
  it.each<[string, Phase, number]>([
    ['constant 50/s for 30s', constant(50, 30_000), 1500],
    ['constant 2.5/s for 1s keeps whole arrivals', constant(2.5, 1000), 2],
    ['constant 0.29/s for 100s despite float rounding', constant(0.29, 100_000), 29],
    ['ramp 50 -> 500 over 1m', ramp(50, 500, 60_000), 16_500],
    ['ramp 0 -> 10 over 10s', ramp(0, 10, 10_000), 50],
    ['ramp 10 -> 0 over 10s', ramp(10, 0, 10_000), 50],
    ['steps 10 -> 50 in 5 steps of 10s', { kind: 'steps', fromPerSec: 10, toPerSec: 50, count: 5, stepMs: 10_000 }, 1500],
    ['a single step runs at from', { kind: 'steps', fromPerSec: 7, toPerSec: 99, count: 1, stepMs: 1000 }, 7],
    ['sine over whole periods plans mean * d', { kind: 'sine', meanPerSec: 100, amplitudePerSec: 50, periodMs: 30_000, durationMs: 120_000 }, 12_000],
    // N(7.5) = 75 + (5 * 30 / 2pi)(1 - cos(pi/2)) = 75 + 23.87
    ['sine over a quarter period', { kind: 'sine', meanPerSec: 10, amplitudePerSec: 5, periodMs: 30_000, durationMs: 7500 }, 98],
    ['burst', { kind: 'burst', count: 200 }, 200],
    ['idle', { kind: 'idle', durationMs: 720_000 }, 0],
  ])('%s', (_name, phase, expected) => {
    expect(phaseCount(phase)).toBe(expected);
    expect(take([phase]).length).toBe(expected);
  });
});

describe('exact instants', () => {
  it.each<[string, Phase, Record<number, number>]>([
    ['constant 50/s: t_n = n / r', constant(50, 30_000), { 0: 0, 1: 20, 2: 40, 1499: 29_980 }],
    ['constant 3/s', constant(3, 1000), { 1: 1000 / 3, 2: 2000 / 3 }],
    // N(t) = t^2 / 2, so t_n = sqrt(2n) s
    ['ramp 0 -> 10 over 10s', ramp(0, 10, 10_000), { 0: 0, 2: 2000, 8: 4000, 18: 6000, 32: 8000 }],
    // N(t) = 10 t - t^2 / 2, so t_n = 10 - sqrt(100 - 2n) s
    ['ramp 10 -> 0 over 10s', ramp(10, 0, 10_000), { 1: (10 - Math.sqrt(98)) * 1000, 32: 4000, 42: 6000, 49: (10 - Math.sqrt(2)) * 1000 }],
    ['a flat ramp is a constant', ramp(5, 5, 10_000), { 1: 200, 7: 1400, 49: 9800 }],
    ['steps restart at each step', { kind: 'steps', fromPerSec: 10, toPerSec: 50, count: 5, stepMs: 10_000 }, { 99: 9900, 100: 10_000, 101: 10_050, 300: 20_000 }],
  ])('%s', (_name, phase, expected) => {
    const offsets = take([phase]);
    for (const [n, offsetMs] of Object.entries(expected)) {
      expect(offsets[Number(n)]).toBeCloseTo(offsetMs, 6);
    }
  });

  it.each([
    { meanPerSec: 100, amplitudePerSec: 50, periodMs: 30_000, durationMs: 120_000 },
    { meanPerSec: 20, amplitudePerSec: 20, periodMs: 4000, durationMs: 10_000 }, // the rate touches 0
    { meanPerSec: 3, amplitudePerSec: 0, periodMs: 1000, durationMs: 10_000 },
  ])('sine instants invert N(t) = n: %o', (shape) => {
    const phase: Phase = { kind: 'sine', ...shape };
    const offsets = take([phase]);
    offsets.forEach((offsetMs, n) => {
      const cumulative = sineCumulative(offsetMs / 1000, shape.meanPerSec, shape.amplitudePerSec, shape.periodMs / 1000);
      expect(Math.abs(cumulative - n)).toBeLessThan(1e-6);
      expect(offsetMs).toBeLessThan(shape.durationMs);
    });
  });
});

describe('concatenation', () => {
  it('puts a burst at the instant between two phases', () => {
    const phases: Phase[] = [constant(1, 3000), { kind: 'burst', count: 3 }, constant(1, 2000)];
    expect(take(phases)).toEqual([0, 1000, 2000, 3000, 3000, 3000, 3000, 4000]);
    expect(plannedCount(phases)).toBe(8);
    expect(scheduleDurationMs(phases)).toBe(5000);
  });

  it('leaves idle gaps empty', () => {
    const phases: Phase[] = [constant(2, 1000), { kind: 'idle', durationMs: 10_000 }, constant(2, 1000)];
    expect(take(phases)).toEqual([0, 500, 11_000, 11_500]);
    expect(scheduleDurationMs(phases)).toBe(12_000);
  });

  it('starts each phase at the previous one end and never goes backwards', () => {
    const phases: Phase[] = [
      ramp(0, 20, 5000),
      { kind: 'steps', fromPerSec: 5, toPerSec: 1, count: 3, stepMs: 2000 },
      { kind: 'sine', meanPerSec: 10, amplitudePerSec: 10, periodMs: 3000, durationMs: 7000 },
      { kind: 'poisson', ratePerSec: 30, durationMs: 4000, seed: 3 },
      { kind: 'burst', count: 4 },
    ];
    const offsets = take(phases);
    expect(offsets.length).toBe(plannedCount(phases));
    for (let i = 1; i < offsets.length; i++) expect(offsets[i]).toBeGreaterThanOrEqual(offsets[i - 1] ?? 0);
    expect(offsets.filter((t) => t >= 5000 && t < 11_000).length).toBe(10 + 6 + 2); // steps 5, 3, 1 per s
    expect(offsets.slice(-4)).toEqual([22_000, 22_000, 22_000, 22_000]);
    expect(scheduleDurationMs(phases)).toBe(22_000);
  });
});

describe('poisson', () => {
  const phase = (seed: number, ratePerSec = 100, durationMs = 30_000): Phase => ({ kind: 'poisson', ratePerSec, durationMs, seed });

  it('plans the same instants for the same seed, others for another seed', () => {
    const first = take([phase(7)]);
    expect(take([phase(7)])).toEqual(first);
    expect(take([phase(8)])).not.toEqual(first);
    expect(phaseCount(phase(7))).toBe(first.length);
  });

  it('has exponential gaps with mean 1 / rate over many samples', () => {
    const offsets = take([phase(1, 1000, 100_000)]); // about 100 000 arrivals
    const gaps = offsets.map((t, i) => t - (offsets[i - 1] ?? 0));
    const meanGapMs = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(meanGapMs).toBeGreaterThan(0.98);
    expect(meanGapMs).toBeLessThan(1.02);
    // Exponential: the share of gaps longer than the mean is e^-1.
    const longShare = gaps.filter((g) => g > 1).length / gaps.length;
    expect(Math.abs(longShare - Math.exp(-1))).toBeLessThan(0.01);
    expect(offsets.length).toBeGreaterThan(98_000);
    expect(offsets.length).toBeLessThan(102_000);
  });

  it('pins the generator, so a saved seed means the same schedule in every release', () => {
    const random = mulberry32(1);
    // The reference mulberry32 (Tommy Ettinger's constants) from seed 1.
    const firstWords = [random(), random(), random()].map((u) => Math.round(u * 4_294_967_296) - 1);
    expect(firstWords).toEqual([2_693_262_067, 11_749_833, 2_265_367_787]);
  });
});

describe('laziness', () => {
  it('yields the first offsets of an enormous schedule at once', () => {
    // 1e9/s for 1e6 s: 1e15 arrivals, which no array could hold.
    const iterator = plannedOffsets([constant(1e9, 1e9)]);
    expect(iterator.next().value).toBe(0);
    expect(iterator.next().value).toBeCloseTo(1e-6, 12);
    expect(plannedCount([constant(10_000, 600_000)])).toBe(6_000_000);
  });
});

describe('targetRate and phaseAt', () => {
  const phases: Phase[] = [constant(50, 30_000), { kind: 'idle', durationMs: 720_000 }, { kind: 'burst', count: 200 }, ramp(0, 100, 10_000)];

  it('divides the planned count by the time spent sending at a rate', () => {
    expect(targetRate(phases)).toBeCloseTo((1500 + 200 + 500) / 40, 9);
    expect(targetRate([{ kind: 'burst', count: 5 }])).toBe(0);
  });

  it.each([
    [-5, 0],
    [0, 0],
    [29_999, 0],
    [30_000, 1],
    [749_999, 1],
    [750_000, 2],
    [750_001, 3],
    [1_000_000, 3],
  ])('offset %d ms is in phase %d', (offsetMs, index) => {
    expect(phaseAt(phases, offsetMs)).toBe(index);
  });

  it.each<[string, Phase[], number]>([
    ['a constant', [constant(50, 1000)], 50],
    ['a ramp down', [ramp(300, 10, 1000)], 300],
    ['steps up', [{ kind: 'steps', fromPerSec: 10, toPerSec: 40, count: 4, stepMs: 1000 }], 40],
    ['a sine crest', [{ kind: 'sine', meanPerSec: 100, amplitudePerSec: 30, periodMs: 1000, durationMs: 2000 }], 130],
    ['poisson', [{ kind: 'poisson', ratePerSec: 70, durationMs: 1000, seed: 1 }], 70],
    ['the highest of several', phases, 100],
    ['bursts and idle only', [{ kind: 'burst', count: 500 }, { kind: 'idle', durationMs: 1000 }], 0],
  ])('peakRate of %s', (_name, list, peak) => {
    expect(peakRate(list)).toBe(peak);
  });

  it('has no phase in an empty schedule', () => {
    expect(phaseAt([], 0)).toBe(-1);
    expect(take([])).toEqual([]);
  });
});
