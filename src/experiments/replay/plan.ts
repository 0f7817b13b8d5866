/**
 * `coldbench plan replay`: the profile's planned instants (its replay phase and any others)
 * simulated against the platform model once per option (on demand with the keep-alive alone,
 * with N provisioned environments, with a keep-warm ping every P), with the cold starts each
 * predicts and what it costs. Nothing is sent. Pure apart from the clock that times it.
 */
import { performance } from 'node:perf_hooks';
import { UsageError } from '../../errors.js';
import type { Architecture } from '../../lambda/cost.js';
import { resolvePrices } from '../../lambda/cost.js';
import type { LoadedProfile, LocalFunctionConfig } from '../../profile/types.js';
import { plannedCount, plannedOffsets, scheduleDurationMs } from '../../schedule/index.js';
import { planCost } from './cost.js';
import type { PlanCost } from './cost.js';
import { simulate } from './simulate.js';
import type { IdleModel, PlatformModel, Simulation } from './simulate.js';

/** The function's timing for the model, and where it came from (said in the output). */
export interface FunctionTiming {
  durationMs: number;
  initMs: number;
  source: string;
}

export interface PlanInput {
  loaded: LoadedProfile;
  timing: FunctionTiming;
  /** --keep-alive; else the profile's local function's idleTimeout. */
  keepAliveMs?: number;
  provisioned: number[];
  pingEveryMs: number[];
  memoryMB?: number;
  architecture?: Architecture;
}

export interface PlanOption {
  name: string;
  provisioned: number;
  pingEveryMs: number | null;
  invocations: number;
  /** Cold starts of the replay's own invocations (the mean over the runs, for a distribution). */
  coldStarts: number;
  /** Lowest and highest over the runs (equal for a fixed keep-alive). */
  coldRange: [number, number];
  coldShare: number | null;
  throttled: number;
  pings: { invocations: number; cold: number };
  cost: PlanCost;
}

export interface ReplayPlan {
  kind: 'replay-plan';
  name: string;
  arrivals: number;
  spanMs: number;
  keepAlive: { description: string; source: string };
  timing: FunctionTiming;
  memoryMB: number;
  architecture: Architecture;
  concurrencyLimit: number | null;
  runs: number;
  options: PlanOption[];
  elapsedMs: number;
}

/** A distribution is simulated this many times (seeds seed, seed + 1, ...) and averaged. */
export const DISTRIBUTION_RUNS = 20;

export function planReplay(input: PlanInput): ReplayPlan {
  const started = performance.now();
  const { profile } = input.loaded;
  const load = profile.load;
  if (load.model !== 'open' || !load.phases.some((p) => p.kind === 'replay')) {
    throw new UsageError('the profile has no replay phase to plan', 'add a phase like - replay: { file: trace.csv, format: azure-functions-2019, function: <HashFunction> }');
  }
  const local = localFunction(input.loaded);
  const idle = idleModel(input.keepAliveMs, local);
  const memoryMB = input.memoryMB ?? local?.config.memoryMB;
  if (memoryMB === undefined) throw new UsageError('the cost needs the function\'s memory size', 'pass --memory MB, or --measured with a result of the function');
  const architecture = input.architecture ?? local?.config.architecture ?? 'x86_64';
  const runs = idle.model.kind === 'distribution' ? DISTRIBUTION_RUNS : 1;
  const endMs = scheduleDurationMs(load.phases);
  const base = {
    durationMs: input.timing.durationMs,
    initMs: input.timing.initMs,
    ...(local?.config.concurrency !== undefined && { concurrencyLimit: local.config.concurrency }),
    ...(local !== undefined && { maxLifetimeMs: local.config.maxLifetimeMs }),
  };
  const prices = resolvePrices(profile.prices);
  const option = (name: string, provisioned: number, pingEveryMs: number | null): PlanOption => {
    const sims: Simulation[] = [];
    for (let r = 0; r < runs; r++) {
      const model: PlatformModel = { ...base, idle: withSeed(idle.model, r), provisioned, ...(pingEveryMs !== null && { pingEveryMs }) };
      sims.push(simulate(plannedOffsets(load.phases), model, endMs));
    }
    const colds = sims.map((s) => s.requests.cold);
    const mean = (f: (s: Simulation) => number): number => sims.reduce((a, s) => a + f(s), 0) / sims.length;
    const invocations = mean((s) => s.requests.invocations);
    const coldStarts = mean((s) => s.requests.cold);
    return {
      name,
      provisioned,
      pingEveryMs,
      invocations,
      coldStarts,
      coldRange: [Math.min(...colds), Math.max(...colds)],
      coldShare: invocations > 0 ? coldStarts / invocations : null,
      throttled: mean((s) => s.requests.throttled),
      pings: { invocations: mean((s) => s.pings.invocations), cold: mean((s) => s.pings.cold) },
      cost: averageCost(sims.map((s) => planCost(s, provisioned, memoryMB, architecture, prices))),
    };
  };
  const options = [option('on demand', 0, null)];
  for (const n of input.provisioned) options.push(option(`${n} provisioned`, n, null));
  for (const p of input.pingEveryMs) options.push(option(`ping every ${p} ms`, 0, p));
  return {
    kind: 'replay-plan',
    name: profile.name,
    arrivals: plannedCount(load.phases),
    spanMs: endMs,
    keepAlive: { description: describeIdle(idle.model), source: idle.source },
    timing: input.timing,
    memoryMB,
    architecture,
    concurrencyLimit: base.concurrencyLimit ?? null,
    runs,
    options,
    elapsedMs: Math.round(performance.now() - started),
  };
}

function localFunction(loaded: LoadedProfile): { name: string; config: LocalFunctionConfig } | undefined {
  const target = loaded.profile.target;
  if (target.kind === 'lambda' && target.local !== undefined) {
    const config = target.local.functions[target.function];
    return config === undefined ? undefined : { name: target.function, config };
  }
  if (target.kind === 'http' && target.local !== undefined) {
    const config = target.local.emulator.functions[target.local.function];
    return config === undefined ? undefined : { name: target.local.function, config };
  }
  return undefined;
}

function idleModel(keepAliveMs: number | undefined, local: { name: string; config: LocalFunctionConfig } | undefined): { model: IdleModel; source: string } {
  if (keepAliveMs !== undefined) return { model: { kind: 'fixed', ms: keepAliveMs }, source: '--keep-alive' };
  if (local === undefined) {
    throw new UsageError('the model needs a keep-alive: AWS publishes none', 'pass --keep-alive 10m (docs/sweep.md has measurements; coldbench sweep idle measures yours)');
  }
  const d = local.config.idleTimeoutDistribution;
  const source = `the idleTimeout of the profile's local function ${local.name}`;
  return d === undefined ? { model: { kind: 'fixed', ms: local.config.idleTimeoutMs }, source } : { model: { kind: 'distribution', ...d }, source };
}

/** Run 0 keeps the profile's own seed: the draws the emulator makes for the same profile. */
function withSeed(idle: IdleModel, run: number): IdleModel {
  return idle.kind === 'fixed' ? idle : { ...idle, seed: idle.seed + run };
}

function describeIdle(idle: IdleModel): string {
  if (idle.kind === 'fixed') return `${idle.ms} ms`;
  return `drawn per environment between ${idle.quantilesMs[0]} and ${idle.quantilesMs.at(-1)} ms (quantiles ${idle.quantilesMs.join(', ')} ms)`;
}

function averageCost(costs: readonly PlanCost[]): PlanCost {
  const mean = (f: (c: PlanCost) => number): number => costs.reduce((a, c) => a + f(c), 0) / costs.length;
  const unknown = costs.some((c) => c.total === null);
  return {
    requests: mean((c) => c.requests),
    onDemandGbSeconds: mean((c) => c.onDemandGbSeconds),
    provisionedRunGbSeconds: mean((c) => c.provisionedRunGbSeconds),
    provisionedGbSeconds: mean((c) => c.provisionedGbSeconds),
    total: unknown ? null : mean((c) => c.total!),
  };
}
