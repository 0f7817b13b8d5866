/**
 * The replay phase: planned instants that hold the trace's counts per minute exactly, seeded and
 * repeatable, sped up, scaled, and mixed with the other phases.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Phase, ReplayPhase } from '../../src/profile/types.js';
import { phaseDurationMs, plannedCount, plannedOffsets } from '../../src/schedule/index.js';
import { shardOffsets, shardShareOf } from '../../src/schedule/shard.js';
import { readTrace, traceWindow } from '../../src/trace/index.js';

const SAMPLE = readFileSync(resolve(import.meta.dirname, '../../profiles/examples/traces/azure-functions-2019-sample/invocations.csv'), 'utf8');

function sampleReplay(fn: string, extra: Partial<ReplayPhase> = {}, fromMs = 0, durationMs?: number): ReplayPhase {
  const trace = readTrace(SAMPLE, 'azure-functions-2019', fn);
  if (!trace.ok) throw new Error(trace.problem.message);
  const window = traceWindow(trace.value, fromMs, durationMs);
  if (!window.ok) throw new Error(window.problem.message);
  return { kind: 'replay', trace: window.value, speedup: 1, scale: 1, spread: 'poisson', seed: 1, label: fn, ...extra };
}

/** Planned arrivals counted per minute of trace time. */
function perMinute(phase: ReplayPhase, offsets: number[]): number[] {
  const minuteMs = 60_000 / phase.speedup;
  const counts = new Array<number>(phase.trace.windowMs / 60_000).fill(0);
  for (const t of offsets) counts[Math.floor(t / minuteMs)]! += 1;
  return counts;
}

const countsOf = (phase: ReplayPhase): number[] => (phase.trace.kind === 'per-minute' ? phase.trace.counts : []);

describe('replay of counts per minute', () => {
  it.each(['poisson', 'even'] as const)('plans exactly the trace\'s count in every minute of every sample function (%s)', (spread) => {
    const functions = SAMPLE.trim().split('\n').slice(1).map((line) => line.split(',')[2]!);
    expect(functions).toHaveLength(100);
    for (const fn of functions) {
      const phase = sampleReplay(fn, { spread, speedup: 60 });
      const offsets = [...plannedOffsets([phase])];
      expect(perMinute(phase, offsets), fn).toEqual(countsOf(phase));
      expect(plannedCount([phase])).toBe(offsets.length);
    }
  });

  it('spreads a minute evenly, the first arrival at the minute\'s start', () => {
    const phase: ReplayPhase = { kind: 'replay', trace: { kind: 'per-minute', counts: [4, 0, 1], windowMs: 180_000 }, speedup: 2, scale: 1, spread: 'even', seed: 1, label: '' };
    expect([...plannedOffsets([phase])]).toEqual([0, 7500, 15_000, 22_500, 60_000]);
    expect(phaseDurationMs(phase)).toBe(90_000);
  });

  it('draws Poisson instants from the seed: the same seed repeats them, another moves them', () => {
    const a = [...plannedOffsets([sampleReplay('6ebf3ebd28', { seed: 5 }, 0, 30 * 60_000)])];
    const b = [...plannedOffsets([sampleReplay('6ebf3ebd28', { seed: 5 }, 0, 30 * 60_000)])];
    const c = [...plannedOffsets([sampleReplay('6ebf3ebd28', { seed: 6 }, 0, 30 * 60_000)])];
    expect(a).toEqual(b);
    expect(c).toHaveLength(a.length);
    expect(c).not.toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
  });

  it('places Poisson instants uniformly inside their minute', () => {
    const phase: ReplayPhase = { kind: 'replay', trace: { kind: 'per-minute', counts: [20_000], windowMs: 60_000 }, speedup: 1, scale: 1, spread: 'poisson', seed: 3, label: '' };
    const offsets = [...plannedOffsets([phase])];
    const tenths = new Array<number>(10).fill(0);
    for (const t of offsets) tenths[Math.floor(t / 6000)]! += 1;
    // 2,000 expected per tenth; a binomial standard deviation is 42: 5 sd is 212.
    for (const n of tenths) expect(Math.abs(n - 2000)).toBeLessThan(212);
  });

  it('scales with cumulative rounding: the total is floor(scale x total), never drifting', () => {
    const phase: ReplayPhase = { kind: 'replay', trace: { kind: 'per-minute', counts: [1, 1, 1, 1, 1, 1, 3], windowMs: 420_000 }, speedup: 1, scale: 0.5, spread: 'even', seed: 1, label: '' };
    expect(perMinute(phase, [...plannedOffsets([phase])])).toEqual([0, 1, 0, 1, 0, 1, 1]);
    expect(plannedCount([{ ...phase, scale: 2.5 }])).toBe(22);
    expect(perMinute(phase, [...plannedOffsets([{ ...phase, scale: 2 }])])).toEqual([2, 2, 2, 2, 2, 2, 6]);
  });
});

describe('replay of timestamps', () => {
  const phase: ReplayPhase = { kind: 'replay', trace: { kind: 'timestamps', offsetsMs: [0, 1000, 1000, 4000], windowMs: 5000 }, speedup: 2, scale: 1, spread: 'poisson', seed: 1, label: '' };

  it('sends each instant divided by the speedup', () => {
    expect([...plannedOffsets([phase])]).toEqual([0, 500, 500, 2000]);
    expect(phaseDurationMs(phase)).toBe(2500);
  });

  it('thins or copies arrivals by the scale', () => {
    expect([...plannedOffsets([{ ...phase, scale: 0.5 }])]).toEqual([500, 2000]);
    expect([...plannedOffsets([{ ...phase, scale: 1.5 }])]).toEqual([0, 500, 500, 500, 2000, 2000]);
  });
});

describe('a replay among other phases', () => {
  it('starts where the previous phase ends and lets the next start after it', () => {
    const replay: ReplayPhase = { kind: 'replay', trace: { kind: 'per-minute', counts: [2, 1], windowMs: 120_000 }, speedup: 60, scale: 1, spread: 'even', seed: 1, label: '' };
    const phases: Phase[] = [{ kind: 'burst', count: 1 }, { kind: 'idle', durationMs: 500 }, replay, { kind: 'constant', ratePerSec: 2, durationMs: 1000 }];
    expect([...plannedOffsets(phases)]).toEqual([0, 500, 1000, 1500, 2500, 3000]);
    expect(plannedCount(phases)).toBe(6);
  });
});

describe('a replay split into shards', () => {
  it('gives each of N shards every N-th planned arrival, and their union is the one-machine plan', () => {
    const phases: Phase[] = [{ kind: 'burst', count: 2 }, sampleReplay('6ebf3ebd28', { speedup: 60 }, 0, 60 * 60_000)];
    const full = [...plannedOffsets(phases)];
    const count = 3;
    const shards = [1, 2, 3].map((index) => [...shardOffsets(phases, { index, count })]);
    shards.forEach((own, k) => expect(own).toEqual(full.filter((_, j) => j % count === k)));
    expect(shards.map((own) => own.length)).toEqual([1, 2, 3].map((index) => shardShareOf(full.length, { index, count })));
    const union = shards.flat().sort((a, b) => a - b);
    expect(union).toEqual(full);
    // Every minute of the trace is still sent exactly, now across three machines.
    const replay = phases[1] as ReplayPhase;
    expect(perMinute(replay, union.slice(2).map((t) => t))).toEqual(countsOf(replay));
  });
});
