/**
 * Simulated runs for merge tests: the same requests recorded by the real Recorder and built into
 * results by the real buildResult, either all in one result or split into shards. Time is
 * simulated: requests are fed to the recorder as events in time order, as a run would.
 */
import type { LoadedProfile, Profile } from '../../src/profile/types.js';
import type { RunResult } from '../../src/result/result.js';
import { profileHash } from '../../src/result/shard.js';
import { CostAccumulator } from '../../src/lambda/cost.js';
import { buildResult } from '../../src/run/build-result.js';
import { Recorder } from '../../src/run/recorder.js';
import type { Shard } from '../../src/schedule/shard.js';
import type { Outcome } from '../../src/targets/target.js';

export interface SimRequest {
  plannedAt: number;
  /** Late departure against the plan. */
  lagMs: number;
  serviceMs: number;
  outcome: Outcome;
}

export const START_ISO = '2026-03-01T12:00:00.000Z';

export function simProfile(durationMs: number, count: number, lambda = false): LoadedProfile {
  const profile: Profile = {
    name: 'sim',
    target: lambda ? { kind: 'lambda', function: 'fn', timeoutMs: 3000 } : { kind: 'http', url: 'http://127.0.0.1:1/', method: 'GET', headers: {}, timeoutMs: 3000 },
    load: { model: 'open', maxInFlight: 1000, phases: [{ kind: 'constant', ratePerSec: (count * 1000) / durationMs, durationMs }] },
    thresholds: ['all.p99 < 100000ms', 'errors.count < 5'],
  };
  const redacted = { name: 'sim', target: { kind: profile.target.kind }, load: { phases: [{ constant: { rate: (count * 1000) / durationMs, duration: `${durationMs}ms` } }] }, thresholds: profile.thresholds };
  return { profile, file: '/sim.yaml', secrets: [], redacted };
}

/** Builds the result of the given requests, as shard `shard` of the run when given. */
export function simulate(requests: readonly SimRequest[], loaded: LoadedProfile, shard?: Shard): RunResult {
  const cost = loaded.profile.target.kind === 'lambda' ? new CostAccumulator('x86_64') : undefined;
  const recorder = new Recorder(0, cost, 128);
  type Event = { at: number; order: number; apply: () => void };
  const events: Event[] = [];
  for (const r of requests) {
    const sentAt = r.plannedAt + r.lagMs;
    const endedAt = sentAt + r.serviceMs;
    events.push({ at: r.plannedAt, order: 0, apply: () => recorder.planned() });
    events.push({ at: sentAt, order: 1, apply: () => recorder.sent(r.plannedAt, sentAt) });
    events.push({ at: endedAt, order: 2, apply: () => recorder.completed({ plannedAt: r.plannedAt, sentAt, endedAt, outcome: r.outcome }) });
  }
  events.sort((a, b) => a.at - b.at || a.order - b.order);
  for (const e of events) e.apply();
  const endedAt = Math.max(1, ...events.map((e) => e.at));
  const profile = shard === undefined ? loaded.profile : { ...loaded.profile, load: { ...loaded.profile.load, shard } };
  const result = buildResult({
    run: { status: 'completed', recorder, startedAt: 0, endedAt, abandoned: 0, firstSendLateMs: requests[0]?.lagMs ?? null },
    loaded: { ...loaded, profile },
    startedAt: new Date(START_ISO),
    cost: cost?.summary() ?? null,
  });
  if (shard !== undefined) {
    result.shard = { ...shard, profileHash: profileHash(loaded.redacted), startAt: START_ISO, host: 'sim', firstSendLateMs: requests[0]?.lagMs ?? null };
  }
  return result;
}

/** Shard k's requests when arrival j goes to shard (j mod N) + 1. */
export function stripe<T>(items: readonly T[], shard: Shard): T[] {
  return items.filter((_, j) => j % shard.count === shard.index - 1);
}
