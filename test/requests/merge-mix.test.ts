/**
 * A mix's breakdown merges exactly: shards of a run with request names give, after
 * `coldbench merge`, the per-name counts, errors, histograms and summaries of one process.
 */
import { describe, expect, it } from 'vitest';
import { mergeShards } from '../../src/result/merge/index.js';
import type { RunResult } from '../../src/result/result.js';
import { profileHash } from '../../src/result/shard.js';
import { buildResult } from '../../src/run/build-result.js';
import { Recorder } from '../../src/run/recorder.js';
import { mulberry32 } from '../../src/schedule/prng.js';
import type { Shard } from '../../src/schedule/shard.js';
import type { Outcome } from '../../src/targets/target.js';
import { START_ISO, simProfile, stripe } from '../result/shard-fixtures.js';

interface Sim {
  plannedAt: number;
  serviceMs: number;
  outcome: Outcome;
}

const NAMES = ['browse', 'search', 'checkout'];

function requests(count: number): Sim[] {
  const random = mulberry32(11);
  return Array.from({ length: count }, (_, j) => {
    const request = Math.floor(random() * 3);
    const u = random();
    const serviceMs = 1 + random() * random() * (request === 2 ? 800 : 100);
    const outcome: Outcome =
      u < 0.7 ? { kind: 'ok', start: 'warm', request } : u < 0.8 ? { kind: 'ok', start: 'cold', request } : u < 0.9 ? { kind: 'error', errorClass: 'http-5xx', start: 'warm', request } : { kind: 'throttled', reason: 'http-429', request };
    return { plannedAt: j * 2, serviceMs, outcome };
  });
}

function simulate(all: readonly Sim[], shard?: Shard): RunResult {
  const loaded = simProfile(all.length * 2, all.length);
  const recorder = new Recorder(0, undefined, 128, NAMES);
  for (const r of all) {
    recorder.planned();
    recorder.sent(r.plannedAt, r.plannedAt);
    recorder.completed({ plannedAt: r.plannedAt, sentAt: r.plannedAt, endedAt: r.plannedAt + r.serviceMs, outcome: r.outcome });
  }
  const profile = shard === undefined ? loaded.profile : { ...loaded.profile, load: { ...loaded.profile.load, shard } };
  const result = buildResult({
    run: { status: 'completed', recorder, startedAt: 0, endedAt: all.length * 2 + 1000, abandoned: 0, firstSendLateMs: 0 },
    loaded: { ...loaded, profile },
    startedAt: new Date(START_ISO),
  });
  if (shard !== undefined) result.shard = { ...shard, profileHash: profileHash(loaded.redacted), startAt: START_ISO, host: 'sim', firstSendLateMs: 0 };
  return result;
}

describe('merging a mix', () => {
  it('three shards give the per-request breakdown of one process', () => {
    const all = requests(3000);
    const single = simulate(all);
    const merged = mergeShards([1, 2, 3].map((index) => ({ source: `s${index}.json`, result: simulate(stripe(all, { index, count: 3 }), { index, count: 3 }) })));
    expect(Object.keys(merged.requests ?? {})).toEqual(NAMES);
    expect(merged.requests).toEqual(single.requests);
    for (const name of NAMES) {
      for (const group of ['all', 'warm', 'cold']) {
        const key = `requests.${name}.latency.${group}`;
        expect(merged.histograms[key], key).toBe(single.histograms[key]);
      }
    }
    expect(merged.warnings.filter((w) => w.includes('requests.') || w.includes('data.'))).toEqual([]);
  });
});
