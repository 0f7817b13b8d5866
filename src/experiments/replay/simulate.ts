/**
 * The what-if simulator: a replay's planned instants against a model of the platform, sending
 * nothing. It plays the rules the built-in emulator follows (src/emulator/function-pool.ts), which
 * are Lambda's as documented:
 *
 * - an invocation takes an idle environment if there is one (provisioned ones first, as Lambda
 *   serves from provisioned concurrency before scaling on demand; then the most recently used, as
 *   the emulator does); otherwise a new environment starts: a cold start, busy for init + duration;
 * - an environment runs one invocation at a time, and is evicted once idle for its idle timeout
 *   (fixed, or drawn per environment from a distribution, in creation order from a seed), or
 *   after its maximum lifetime, when idle;
 * - provisioned environments are initialized before the replay and never evicted;
 * - past the concurrency limit (environments busy, including those initializing), an invocation
 *   is throttled;
 * - a keep-warm ping every P is one more invocation, at 0, P, 2P, ...: it is treated like any
 *   other (it may cold-start an environment) but counted apart.
 *
 * Arrivals must come in time order (planned offsets are). Durations are milliseconds.
 */
import { mulberry32 } from '../../schedule/prng.js';
import { sampler } from '../../util/quantiles.js';

export type IdleModel = { kind: 'fixed'; ms: number } | { kind: 'distribution'; quantilesMs: number[]; seed: number };

export interface PlatformModel {
  idle: IdleModel;
  /** The function's duration per invocation (REPORT Duration). */
  durationMs: number;
  /** Init duration of a cold start. */
  initMs: number;
  /** Provisioned environments, ready before the first arrival. */
  provisioned: number;
  /** A keep-warm invocation every this long, from the start; absent: none. */
  pingEveryMs?: number;
  /** Most concurrent invocations (reserved concurrency); absent: no limit. */
  concurrencyLimit?: number;
  maxLifetimeMs?: number;
}

export interface Tally {
  /** Invocations that ran (throttled ones are counted apart). */
  invocations: number;
  cold: number;
  warm: number;
  throttled: number;
  /** Billed milliseconds of on-demand environments (duration, plus init on a cold start). */
  onDemandBilledMs: number;
  /** Billed milliseconds of invocations served by provisioned environments. */
  provisionedBilledMs: number;
}

export interface Simulation {
  /** The replay's own invocations. */
  requests: Tally;
  /** The keep-warm pings. */
  pings: Tally;
  environmentsStarted: number;
  peakEnvironments: number;
  /** Length of the simulated span: the last arrival or ping, or the given end. */
  spanMs: number;
}

interface Env {
  provisioned: boolean;
  busyUntil: number;
  idleTimeoutMs: number;
  /** When it dies of old age (on-demand only). */
  expiresAt: number;
}

const emptyTally = (): Tally => ({ invocations: 0, cold: 0, warm: 0, throttled: 0, onDemandBilledMs: 0, provisionedBilledMs: 0 });

export function simulate(arrivals: Iterable<number>, model: PlatformModel, endMs?: number): Simulation {
  const nextIdle = idleTimeouts(model.idle);
  const envs: Env[] = Array.from({ length: model.provisioned }, () => ({ provisioned: true, busyUntil: -Infinity, idleTimeoutMs: Infinity, expiresAt: Infinity }));
  const out: Simulation = { requests: emptyTally(), pings: emptyTally(), environmentsStarted: 0, peakEnvironments: envs.length, spanMs: 0 };
  const pingMs = model.pingEveryMs;
  let nextPing = pingMs !== undefined && pingMs > 0 ? 0 : Infinity;
  const invoke = (t: number, tally: Tally): void => {
    evict(envs, t);
    const env = pick(envs, t);
    if (env !== undefined) {
      tally.invocations++;
      tally.warm++;
      env.busyUntil = t + model.durationMs;
      if (env.provisioned) tally.provisionedBilledMs += billed(model.durationMs);
      else tally.onDemandBilledMs += billed(model.durationMs);
      return;
    }
    const busy = envs.filter((e) => e.busyUntil > t).length;
    if (model.concurrencyLimit !== undefined && busy >= model.concurrencyLimit) {
      tally.throttled++;
      return;
    }
    tally.invocations++;
    tally.cold++;
    tally.onDemandBilledMs += billed(model.initMs + model.durationMs);
    envs.push({ provisioned: false, busyUntil: t + model.initMs + model.durationMs, idleTimeoutMs: nextIdle(), expiresAt: t + (model.maxLifetimeMs ?? Infinity) });
    out.environmentsStarted++;
    out.peakEnvironments = Math.max(out.peakEnvironments, envs.length);
  };
  let last = 0;
  for (const t of arrivals) {
    while (nextPing <= t) {
      invoke(nextPing, out.pings);
      nextPing += pingMs!;
    }
    invoke(t, out.requests);
    last = t;
  }
  const end = endMs ?? last;
  while (nextPing < end) {
    invoke(nextPing, out.pings);
    nextPing += pingMs!;
  }
  out.spanMs = Math.max(last, end);
  return out;
}

/** Lambda bills whole milliseconds, at least one (src/emulator/logs.ts bills the same way). */
function billed(ms: number): number {
  return Math.max(1, Math.ceil(ms));
}

/** Drops the on-demand environments that were idle past their timeout, or past their lifetime, by `t`. */
function evict(envs: Env[], t: number): void {
  for (let i = envs.length - 1; i >= 0; i--) {
    const e = envs[i]!;
    if (e.provisioned || e.busyUntil > t) continue;
    const idleEnd = e.busyUntil + e.idleTimeoutMs;
    // Past its lifetime, an environment is retired when it next becomes idle (or at once if idle).
    const retiredAt = Math.min(idleEnd, Math.max(e.expiresAt, e.busyUntil));
    if (t >= retiredAt) envs.splice(i, 1);
  }
}

/** An idle environment: provisioned first, then the most recently used. */
function pick(envs: readonly Env[], t: number): Env | undefined {
  let best: Env | undefined;
  for (const e of envs) {
    if (e.busyUntil > t) continue;
    if (best === undefined || (e.provisioned && !best.provisioned) || (e.provisioned === best.provisioned && e.busyUntil > best.busyUntil)) best = e;
  }
  return best;
}

function idleTimeouts(idle: IdleModel): () => number {
  if (idle.kind === 'fixed') return () => idle.ms;
  return sampler(idle.quantilesMs, mulberry32(idle.seed));
}
