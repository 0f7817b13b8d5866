/**
 * Merging shard results: the same requests recorded in one result and split across shards give,
 * after the merge, identical histogram encodings, summaries, counts, timelines and events.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/schedule/index.js';
import { mergeShards } from '../../src/result/merge/index.js';
import { mergeHistograms, mergedSummary } from '../../src/result/merge/histograms.js';
import { encodeHistogram, newHistogram, recordMs, summarize } from '../../src/result/histogram.js';
import type { ShardInput } from '../../src/result/merge/index.js';
import type { Result, RunResult } from '../../src/result/result.js';
import type { Outcome } from '../../src/targets/target.js';
import { simProfile, simulate, stripe } from './shard-fixtures.js';
import type { SimRequest } from './shard-fixtures.js';

/** A lambda-like mix: warm, cold (with init), proactive, errors, throttles. */
function outcomeOf(u: number, v: number, j: number): Outcome {
  const report = { type: 'report' as const, durationMs: 3 + v * 40, billedDurationMs: Math.ceil(3 + v * 40), memorySizeMB: 128, maxMemoryUsedMB: 60 + Math.round(v * 30) };
  if (u < 0.55) return { kind: 'ok', start: 'warm', report, requestId: `r${j}` };
  if (u < 0.7) return { kind: 'ok', start: 'cold', report: { ...report, initDurationMs: 150 + v * 900 }, requestId: `r${j}` };
  if (u < 0.75) return { kind: 'ok', start: 'proactive', report: { ...report, initDurationMs: 200 }, requestId: `r${j}` };
  if (u < 0.85) return { kind: 'error', errorClass: v < 0.5 ? 'function-error:Unhandled' : 'timeout', start: 'warm', report };
  if (u < 0.93) return { kind: 'throttled', reason: v < 0.5 ? 'ReservedFunctionConcurrentInvocationLimitExceeded' : 'http-429' };
  return { kind: 'error', errorClass: 'connect-refused' };
}

function requests(count: number, seed: number, spacingMs = 3): SimRequest[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, (_, j) => {
    const u = random();
    const v = random();
    // Long tails (up to ~20 s) so the top buckets, where encodings round most, are exercised.
    const serviceMs = v < 0.02 ? 2000 + random() * 18_000 : 1 + random() * random() * 300;
    return { plannedAt: j * spacingMs, lagMs: random() < 0.1 ? random() * 5 : 0, serviceMs, outcome: outcomeOf(u, v, j) };
  });
}

function shardsOf(all: readonly SimRequest[], count: number, lambda = true, pick = stripe): ShardInput[] {
  const loaded = simProfile(all.length * 3, all.length, lambda);
  return Array.from({ length: count }, (_, i) => {
    const shard = { index: i + 1, count };
    return { source: `shard-${i + 1}.json`, result: simulate(pick(all, shard), loaded, shard) };
  });
}

const SUMMARY_PATHS = ['latency.all', 'latency.ok', 'latency.warm', 'latency.cold', 'serviceTime', 'scheduleLag', 'init', 'billed', 'memoryUsedMB', 'overhead.warm', 'overhead.cold'];
const get = (r: object, path: string): unknown => path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], r);

function expectSameAsOne(merged: Result, single: RunResult): void {
  expect(merged.histograms).toEqual(single.histograms);
  for (const path of SUMMARY_PATHS) expect(get(merged, path), path).toEqual(get(single, path));
  expect(merged.counts).toEqual(single.counts);
  expect(merged.errors).toEqual(single.errors);
  expect(merged.throttles).toEqual(single.throttles);
  expect(merged.coldStartRate).toEqual(single.coldStartRate);
  const counts = (r: Result) => r.timeline.map(({ t, sent, ok, errors, throttles, dropped, cold }) => ({ t, sent, ok, errors, throttles, dropped, cold }));
  expect(counts(merged)).toEqual(counts(single));
  const events = (r: Result) => [...r.coldStarts].sort((a, b) => a.t - b.t || String(a.requestId).localeCompare(String(b.requestId)));
  expect(events(merged)).toEqual(events(single));
  if (single.cost !== null) {
    expect(merged.cost!.invocations).toBe(single.cost.invocations);
    expect(merged.cost!.gbSeconds).toBeCloseTo(single.cost.gbSeconds, 9);
    expect(merged.cost!.per1M).toBeCloseTo(single.cost.per1M, 9);
  }
}

describe('merge is exact', () => {
  it('four shards of 3,000 requests merge into the result of one process', () => {
    const all = requests(3000, 7);
    const single = simulate(all, simProfile(9000, 3000, true));
    const merged = mergeShards(shardsOf(all, 4));
    expectSameAsOne(merged, single);
    expect(merged.status).toBe('completed');
    expect(merged.shards?.map((s) => s.index)).toEqual([1, 2, 3, 4]);
    expect(merged.rate.target).toBeCloseTo(single.rate.target!, 2);
    // The exact min and max, which a decoded histogram would round up to its bucket's end.
    expect(merged.latency.all.max).toBe(single.latency.all.max);
    expect(merged.latency.all.min).toBe(single.latency.all.min);
  });

  it('holds for any split: random requests, shard counts and assignments (property)', () => {
    const request = fc.record({
      u: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      v: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      serviceMs: fc.oneof(fc.double({ min: 0.001, max: 50, noNaN: true }), fc.double({ min: 50, max: 3_700_000, noNaN: true })),
      lagMs: fc.double({ min: 0, max: 30, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(request, { minLength: 1, maxLength: 120 }), fc.integer({ min: 1, max: 6 }), fc.array(fc.nat(), { minLength: 120, maxLength: 120 }), fc.boolean(), (raw, count, picks, striped) => {
        const all: SimRequest[] = raw.map((r, j) => ({ plannedAt: j * 4, lagMs: r.lagMs, serviceMs: r.serviceMs, outcome: outcomeOf(r.u, r.v, j) }));
        // Either arrival j to shard j mod N, as runs split, or any assignment at all.
        const pick = striped ? stripe : <T>(items: readonly T[], shard: { index: number; count: number }) => items.filter((_, j) => picks[j]! % shard.count === shard.index - 1);
        const single = simulate(all, simProfile(all.length * 4, all.length, true));
        const merged = mergeShards(shardsOf(all, count, true, pick));
        expect(merged.histograms).toEqual(single.histograms);
        for (const path of SUMMARY_PATHS) expect(get(merged, path), path).toEqual(get(single, path));
        expect(merged.counts).toEqual(single.counts);
        expect(merged.errors).toEqual(single.errors);
        expect(merged.throttles).toEqual(single.throttles);
      }),
      { numRuns: 6 },
    );
  }, 120_000);

  it('adds histograms exactly: any values, any split (property)', () => {
    const value = fc.oneof(fc.double({ min: 0, max: 5, noNaN: true }), fc.double({ min: 5, max: 4_000_000, noNaN: true }));
    fc.assert(
      fc.property(fc.array(fc.tuple(value, fc.nat()), { minLength: 1, maxLength: 400 }), fc.integer({ min: 1, max: 8 }), (samples, count) => {
        const one = newHistogram();
        const parts = Array.from({ length: count }, () => newHistogram());
        for (const [ms, pick] of samples) {
          recordMs(one, ms);
          recordMs(parts[pick % count]!, ms);
        }
        const shards = parts.map((h, i) => ({ source: `s${i}`, result: { histograms: { all: encodeHistogram(h) } } as unknown as Result }));
        const merged = mergeHistograms(shards, []);
        expect(encodeHistogram(merged.sums.get('all')!)).toBe(encodeHistogram(one));
        const summary = mergedSummary(merged.sums.get('all')!, merged.perShard.get('all')!, parts.map((h) => summarize(h)), 'latency.all', shards.map((s) => s.source));
        expect(summary).toEqual(summarize(one));
      }),
      { numRuns: 40 },
    );
  });

  it('shard results and merged results match the published schema', () => {
    const schema = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../docs/result.schema.json'), 'utf8'));
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    const shards = shardsOf(requests(200, 3), 2);
    const merged = mergeShards(shards);
    for (const doc of [shards[0]!.result, merged]) {
      const copy = JSON.parse(JSON.stringify(doc));
      ajv.validate(schema, copy);
      expect(ajv.errors ?? []).toEqual([]);
    }
    expect(merged.eventLoopDelay).toBeNull();
    expect(merged.timeline.some((b) => b.p99 === null)).toBe(true);
  });

  it('judges the profile thresholds on the merged result only', () => {
    const all = requests(600, 11);
    const shards = shardsOf(all, 3);
    // Each shard alone has fewer than 5 errors; the whole run has more.
    for (const s of shards) expect(s.result.thresholds).toEqual([]);
    const merged = mergeShards(shards);
    const rule = merged.thresholds.find((t) => t.rule === 'errors.count < 5')!;
    expect(rule.actual).toBe(merged.counts.errors);
    expect(rule.pass).toBe(false);
  });
});
