/**
 * What merge refuses (each a UsageError naming the file), what --allow-partial records, and how
 * fields it does not know by name merge (docs/distributed.md).
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { decodeHistogram, encodeHistogram, newHistogram, recordMs, summarize } from '../../src/result/histogram.js';
import { mergeShards } from '../../src/result/merge/index.js';
import type { ShardInput } from '../../src/result/merge/index.js';
import type { Result } from '../../src/result/result.js';
import { profileHash } from '../../src/result/shard.js';
import { mulberry32 } from '../../src/schedule/index.js';
import { simProfile, simulate } from './shard-fixtures.js';
import type { SimRequest } from './shard-fixtures.js';

function shards(count: number, perShard = 50): ShardInput[] {
  const loaded = simProfile(1000, count * perShard);
  return Array.from({ length: count }, (_, i) => {
    const reqs: SimRequest[] = Array.from({ length: perShard }, (_, n) => ({
      plannedAt: (n * count + i) * 5, lagMs: 0, serviceMs: 2 + ((n * 7 + i) % 13), outcome: n % 10 === 3 ? { kind: 'error', errorClass: 'timeout' } : { kind: 'ok' },
    }));
    return { source: `s${i + 1}.json`, result: simulate(reqs, loaded, { index: i + 1, count }) };
  });
}

function refusal(inputs: ShardInput[], allowPartial = false): string {
  try {
    mergeShards(inputs, { allowPartial });
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    return (err as Error).message;
  }
  throw new Error('merge did not refuse');
}

const edit = (input: ShardInput, change: (r: Result) => void): ShardInput => {
  const result = structuredClone(input.result);
  change(result);
  return { ...input, result };
};

describe('merge refuses what is not one run', () => {
  it('shards of different profiles', () => {
    const [a, b] = shards(2);
    const other = edit(b!, (r) => {
      r.profile = { ...(r.profile as object), name: 'other' };
      r.shard!.profileHash = profileHash(r.profile);
    });
    expect(refusal([a!, other])).toMatch(/s2\.json and s1\.json are shards of different profiles/);
  });

  it('shards of different starts', () => {
    const [a, b] = shards(2);
    expect(refusal([a!, edit(b!, (r) => (r.shard!.startAt = '2026-03-01T12:05:00.000Z'))])).toMatch(/s2\.json started at 2026-03-01T12:05:00\.000Z but s1\.json at/);
  });

  it('a missing shard, unless --allow-partial, which records it', () => {
    const [a, , c] = shards(3);
    expect(refusal([a!, c!])).toMatch(/shard 2\/3 is missing/);
    const merged = mergeShards([a!, c!], { allowPartial: true });
    expect(merged.status).toBe('partial');
    expect(merged.missingShards).toEqual([2]);
    expect(merged.counts.sent).toBe(a!.result.counts.sent + c!.result.counts.sent);
    expect(merged.warnings.join('\n')).toMatch(/shard 2\/3 is missing/);
  });

  it('a shard given twice', () => {
    const [a, b] = shards(2);
    expect(refusal([a!, b!, { ...b!, source: 'copy.json' }])).toMatch(/shard 2\/2 is there more than once: s2\.json, copy\.json/);
    expect(mergeShards([a!, b!, { ...b!, source: 'copy.json' }], { allowPartial: true }).missingShards).toEqual([2]);
  });

  it('a corrupt shard: no shard field, an edited profile, a bad histogram, counts that do not match', () => {
    const [a, b] = shards(2);
    expect(refusal([a!, edit(b!, (r) => delete r.shard)])).toMatch(/s2\.json is not a shard result/);
    expect(refusal([a!, edit(b!, (r) => ((r.profile as { name: string }).name = 'x'))])).toMatch(/s2\.json: its profile does not match its profileHash/);
    expect(refusal([a!, edit(b!, (r) => (r.histograms.all = 'bm90IGEgaGlzdG9ncmFt'))])).toMatch(/s2\.json: the all histogram is corrupt/);
    expect(refusal([a!, edit(b!, (r) => (r.latency.all.count += 1))])).toMatch(/s2\.json: latency\.all\.count is 51 but its histogram holds 50/);
    expect(refusal([a!, edit(b!, (r) => (r.shard!.startAt = null))])).toMatch(/s2\.json was not started with --start-at/);
  });

  it('histograms with other parameters', () => {
    const [a, b] = shards(2);
    const coarse = edit(b!, (r) => {
      const h = newHistogram();
      const other = new (h.constructor as new (l: number, hi: number, d: number) => typeof h)(1, 3_600_000_000, 2);
      for (let i = 0; i < 50; i++) other.recordValue(5000);
      r.histograms.all = encodeHistogram(other);
    });
    expect(refusal([a!, coarse])).toMatch(/s2\.json: the all histogram has parameters 1\.\.3600000000, 2 digits but s1\.json has 1\.\.3600000000, 3 digits/);
  });
});

describe('fields merged by the generic rules', () => {
  it('sums count maps and counts, recomputes summaries from histograms stored by path, and says what it cannot merge', () => {
    const inputs = shards(2).map((input, i) => edit(input, (r) => {
      const lag = newHistogram();
      const random = mulberry32(i + 1);
      for (let k = 0; k < 40; k++) recordMs(lag, random() * 900);
      const browse = newHistogram();
      for (let k = 0; k < 10 + i; k++) recordMs(browse, 3 + k);
      const extra = r as unknown as Record<string, unknown>;
      extra.logs = { source: 'cloudwatch', matched: 40, unmatched: i, lagMs: summarize(lag), complete: i === 0 };
      extra.startReasons = { 'REPORT Init Duration': 3 + i, 'header x-cold-start': 1 };
      extra.requests = { browse: { counts: { sent: 10 + i, ok: 10 + i }, latency: summarize(browse), errors: { timeout: i } } };
      extra.async = { queueDelay: summarize(lag), retries: 2, neverRan: i };
      r.histograms.logLag = encodeHistogram(lag); // the name the logs section stores it under (HISTOGRAM_OF)
      r.histograms['requests.browse.latency'] = encodeHistogram(browse);
    }));
    const merged = mergeShards(inputs) as unknown as Record<string, any>;
    expect(merged.logs).toMatchObject({ source: 'cloudwatch', matched: 80, unmatched: 1, complete: false });
    expect(merged.logs.lagMs.count).toBe(80);
    expect(merged.startReasons).toEqual({ 'REPORT Init Duration': 7, 'header x-cold-start': 2 });
    expect(merged.requests.browse.counts).toEqual({ sent: 21, ok: 21 });
    expect(merged.requests.browse.errors).toEqual({ timeout: 1 });
    expect(merged.requests.browse.latency).toMatchObject({ count: 21, min: 3, max: 13 });
    // async.queueDelay has no histogram of its own: never averaged, left out and said.
    expect(merged.async.queueDelay).toBeNull();
    expect(merged.async).toMatchObject({ retries: 4, neverRan: 1 });
    expect(merged.warnings.join("\n")).toMatch(/async\.queueDelay: no "queueDelay" histogram in every shard/);
  });

  it('accepts a checkpoint shard (status partial) and says so', () => {
    const [a, b] = shards(2);
    const merged = mergeShards([a!, edit(b!, (r) => (r.status = 'partial'))]);
    expect(merged.status).toBe('partial');
    expect(merged.warnings.join('\n')).toMatch(/shard 2\/2 is a checkpoint/);
  });

  it('adds timelines of 100 ms and 1 s buckets on the 1 s grid; quantiles only where one shard completed', () => {
    const [a, b] = shards(2);
    const fine = edit(a!, (r) => {
      r.timelineBucketMs = 100;
      r.timeline = [
        { t: 0, sent: 3, ok: 3, errors: 0, throttles: 0, dropped: 0, cold: 0, p50: 4, p99: 9 },
        { t: 0.7, sent: 2, ok: 1, errors: 1, throttles: 0, dropped: 0, cold: 0, p50: 5, p99: 8 },
        { t: 2.3, sent: 1, ok: 1, errors: 0, throttles: 0, dropped: 1, cold: 1, p50: 6, p99: 6 },
      ];
    });
    const coarse = edit(b!, (r) => {
      delete r.timelineBucketMs; // as in files written before 100 ms buckets: 1 s
      r.timeline = [
        { t: 0, sent: 10, ok: 9, errors: 0, throttles: 1, dropped: 0, cold: 0, p50: 3, p99: 7 },
        { t: 1, sent: 4, ok: 4, errors: 0, throttles: 0, dropped: 0, cold: 0, p50: 2, p99: 2 },
      ];
    });
    const merged = mergeShards([fine, coarse]);
    expect(merged.timelineBucketMs).toBe(1000);
    expect(merged.timeline).toEqual([
      { t: 0, sent: 15, ok: 13, errors: 1, throttles: 1, dropped: 0, cold: 0, p50: null, p99: null },
      { t: 1, sent: 4, ok: 4, errors: 0, throttles: 0, dropped: 0, cold: 0, p50: 2, p99: 2 },
      { t: 2, sent: 1, ok: 1, errors: 0, throttles: 0, dropped: 1, cold: 1, p50: null, p99: null },
    ]);
  });

  it('takes the longest wait, the checkpoints\' largest build, and a reading stopped early from one shard', () => {
    const inputs = shards(2).map((input, i) => edit(input, (r) => {
      const extra = r as unknown as Record<string, unknown>;
      extra.logs = { source: 'cloudwatch-logs', logGroup: `/aws/lambda/f${i}`, waitedMs: 1200 + 800 * i, stoppedEarly: i === 1 };
      r.checkpoints = { everyMs: 1000, written: 3 + i, buildMsTotal: 2 + i, buildMsMax: 1.5 - i };
    }));
    const merged = mergeShards(inputs) as unknown as Record<string, any>;
    expect(merged.logs).toMatchObject({ waitedMs: 2000, stoppedEarly: true });
    expect(merged.checkpoints).toEqual({ everyMs: 1000, written: 7, buildMsTotal: 5, buildMsMax: 1.5 });
    expect(merged.warnings.join('\n')).not.toMatch(/waitedMs|stoppedEarly|checkpoints/);
  });
});

describe('the logs section of shards that read one log group', () => {
  /** A shard's reading: every REPORT it read is claimed or unclaimed; runLevel counts those timed inside the run. */
  function reading(r: Result, l: { claimed: number; unclaimed: number; invocations: number; inits: number[]; skew: [number, number]; group?: string; host?: string }): void {
    const init = newHistogram();
    for (const ms of l.inits) recordMs(init, ms);
    const extra = r as unknown as Record<string, unknown>;
    extra.logs = {
      source: 'cloudwatch-logs', logGroup: l.group ?? '/aws/lambda/shared', matched: l.claimed, claimedReports: l.claimed, unclaimedReports: l.unclaimed,
      apiCalls: 10, events: l.claimed + l.unclaimed, waitedMs: 100, stoppedEarly: false, problems: [`seen by ${r.shard!.index}`, 'said by all'],
      clockSkewMs: { low: l.skew[0], high: l.skew[1] }, runLevel: { invocations: l.invocations, coldStarts: l.inits.length, init: summarize(init) },
    };
    r.histograms.runLevelInit = encodeHistogram(init);
    if (l.host !== undefined) r.shard!.host = l.host;
  }

  // 100 invocations in the run, 3 of them sent by another client. Shard 1 sent 60 and read all
  // 100 (its 40 unclaimed are shard 2's 37 and the 3 others); shard 2 sent 37 and stopped before
  // the last 5 lines.
  const both = (): ShardInput[] => {
    const [a, b] = shards(2);
    return [
      edit(a!, (r) => reading(r, { claimed: 60, unclaimed: 40, invocations: 100, inits: [300, 310, 320, 330], skew: [-2, 5] })),
      edit(b!, (r) => reading(r, { claimed: 37, unclaimed: 58, invocations: 95, inits: [300, 310, 320], skew: [-1, 7] })),
    ];
  };

  it('counts the group\'s lines once: run-level figures from the fullest reading, unclaimed lines as no shard claimed them', () => {
    const merged = mergeShards(both());
    expect(merged.logs).toMatchObject({ matched: 97, claimedReports: 97, unclaimedReports: 3, apiCalls: 20, events: 195 });
    expect(merged.logs!.runLevel).toMatchObject({ invocations: 100, coldStarts: 4 });
    expect(merged.logs!.runLevel.init).toMatchObject({ count: 4, min: 300, max: 330 });
    // The stored histogram is the one the summary was made from, so a merge of merges stays right.
    expect(summarize(decodeHistogram(merged.histograms.runLevelInit!)).count).toBe(4);
    expect(merged.logs!.problems).toEqual(['seen by 1', 'said by all', 'seen by 2']);
    expect(merged.warnings.join('\n')).not.toMatch(/logs\./);
  });

  it('keeps the tightest clock-skew bounds of shards of one machine, and none across machines', () => {
    const one = mergeShards(both().map((s) => edit(s, (r) => (r.shard!.host = 'box'))));
    expect(one.logs!.clockSkewMs).toEqual({ low: -1, high: 5 });
    const two = mergeShards(both().map((s, i) => edit(s, (r) => (r.shard!.host = `box-${i}`))));
    expect(two.logs!.clockSkewMs).toEqual({ low: null, high: null });
    expect(two.warnings.join('\n')).toMatch(/logs\.clockSkewMs: the shards ran on different machines/);
  });

  it('adds the line counts of shards that read different groups, and says why when a shard lacks claimedReports', () => {
    const [a, b] = both();
    const apart = mergeShards([a!, edit(b!, (r) => ((r.logs as { logGroup: string }).logGroup = '/aws/lambda/other'))]);
    expect(apart.logs).toMatchObject({ unclaimedReports: 98, runLevel: { invocations: 195, coldStarts: 7 } });
    const old = mergeShards([a!, edit(b!, (r) => delete (r.logs as { claimedReports?: number }).claimedReports)]);
    expect(old.logs!.unclaimedReports).toBe(98);
    expect(old.warnings.join('\n')).toMatch(/logs\.unclaimedReports: a shard was written before claimedReports existed/);
  });
});
