import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Phase, Profile } from '../../src/profile/types.js';
import { plannedCount, plannedOffsets } from '../../src/schedule/index.js';
import { shardOffsets, shardPlannedCount, shardProfile, shardSeq, splitEvenly } from '../../src/schedule/shard.js';

const MIXED: Phase[] = [
  { kind: 'constant', ratePerSec: 100, durationMs: 1000 },
  { kind: 'ramp', fromPerSec: 50, toPerSec: 400, durationMs: 2000 },
  { kind: 'burst', count: 37 },
  { kind: 'idle', durationMs: 5000 },
  { kind: 'poisson', ratePerSec: 300, durationMs: 1500, seed: 9 },
  { kind: 'sine', meanPerSec: 80, amplitudePerSec: 40, periodMs: 1000, durationMs: 2000 },
  { kind: 'steps', fromPerSec: 10, toPerSec: 90, count: 3, stepMs: 500 },
];

/** Every shard's arrivals, tagged with the shard, merged back in time order (ties by shard). */
function union(phases: Phase[], count: number): { at: number; shard: number }[] {
  const all: { at: number; shard: number; k: number }[] = [];
  for (let index = 1; index <= count; index++) {
    let k = 0;
    for (const at of shardOffsets(phases, { index, count })) all.push({ at, shard: index, k: k++ });
  }
  return all.sort((a, b) => a.at - b.at || a.k - b.k || a.shard - b.shard);
}

describe('splitting the open schedule into shards', () => {
  it.each([1, 2, 3, 4, 7])('the union of %i shards is the one-machine schedule: ramps, poisson, bursts, idle', (count) => {
    const whole = [...plannedOffsets(MIXED)];
    const merged = union(MIXED, count);
    expect(merged.map((a) => a.at)).toEqual(whole);
    // ...and arrival j went to shard (j mod N) + 1, so consecutive arrivals go to different shards.
    expect(merged.map((a) => a.shard)).toEqual(whole.map((_, j) => (j % count) + 1));
  });

  it('shards interleave instead of firing in lockstep', () => {
    const constant: Phase[] = [{ kind: 'constant', ratePerSec: 100, durationMs: 1000 }];
    const second = [...shardOffsets(constant, { index: 2, count: 4 })];
    expect(second.slice(0, 3)).toEqual([10, 50, 90]);
    expect(second).toHaveLength(25);
  });

  it('a burst is split across the shards at its one instant', () => {
    const burst: Phase[] = [{ kind: 'idle', durationMs: 100 }, { kind: 'burst', count: 10 }];
    expect([1, 2, 3, 4].map((index) => [...shardOffsets(burst, { index, count: 4 })])).toEqual([
      [100, 100, 100], [100, 100, 100], [100, 100], [100, 100],
    ]);
  });

  it('each shard counts its own planned arrivals; together they are the plan (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 3000 }), (count, burst, rate) => {
        const phases: Phase[] = [{ kind: 'constant', ratePerSec: rate, durationMs: 700 }, { kind: 'burst', count: burst }];
        let total = 0;
        for (let index = 1; index <= count; index++) {
          const planned = shardPlannedCount(phases, { index, count });
          expect(planned).toBe([...shardOffsets(phases, { index, count })].length);
          total += planned;
        }
        expect(total).toBe(plannedCount(phases));
      }),
    );
  });

  it('request numbers ({{seq}}) never collide between shards and equal the arrival index', () => {
    const seqs = [1, 2, 3].flatMap((index) => Array.from({ length: 5 }, (_, n) => shardSeq(n, { index, count: 3 })));
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, j) => j));
    expect(shardSeq(4, undefined)).toBe(4);
  });
});

describe('splitting whole quantities', () => {
  it('gives floor(total / N) to each shard and the remainder to the first shards', () => {
    expect([1, 2, 3, 4].map((index) => splitEvenly(10, { index, count: 4 }))).toEqual([3, 3, 2, 2]);
    expect([1, 2, 3].map((index) => splitEvenly(9, { index, count: 3 }))).toEqual([3, 3, 3]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 100_000 }), (count, total) => {
        const parts = Array.from({ length: count }, (_, i) => splitEvenly(total, { index: i + 1, count }));
        expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
        expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
      }),
    );
  });

  const http: Profile = {
    name: 'p',
    target: { kind: 'http', url: 'http://127.0.0.1/', method: 'GET', headers: {}, timeoutMs: 1000, connections: 10 },
    load: { model: 'open', maxInFlight: 7, phases: MIXED },
    thresholds: [],
  };

  it('splits maxInFlight and connections of the open model', () => {
    const { profile, problems } = shardProfile(http, { index: 3, count: 3 });
    expect(problems).toEqual([]);
    expect(profile.load).toMatchObject({ model: 'open', maxInFlight: 2, shard: { index: 3, count: 3 } });
    expect(profile.target).toMatchObject({ connections: 3 });
  });

  it('splits the workers and iterations of the closed model', () => {
    const closed: Profile = { ...http, load: { model: 'closed', concurrency: 5, iterations: 1001 } };
    const parts = [1, 2].map((index) => shardProfile(closed, { index, count: 2 }).profile.load);
    expect(parts).toEqual([
      { model: 'closed', concurrency: 3, iterations: 501, shard: { index: 1, count: 2 } },
      { model: 'closed', concurrency: 2, iterations: 500, shard: { index: 2, count: 2 } },
    ]);
  });

  it('refuses what cannot be split: fewer than one per shard, a local emulator', () => {
    expect(shardProfile(http, { index: 1, count: 8 }).problems.map((p) => p.field)).toEqual(['load.maxInFlight']);
    const local: Profile = {
      ...http,
      target: { kind: 'lambda', function: 'f', timeoutMs: 1000, local: { baseDir: '/', accountConcurrency: 10, functions: {} } },
    };
    const problems = shardProfile(local, { index: 1, count: 2 }).problems;
    expect(problems[0]?.field).toBe('target.local');
    expect(problems[0]?.message).toContain('cannot be split across machines');
  });
});
