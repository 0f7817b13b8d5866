/**
 * `coldbench sweep idle`: measure P(cold | idle gap) on a Lambda function, or on the built-in
 * emulator (one copy of the profile's function per gap, so every gap runs at once). Nothing here
 * prints or exits: the caller gets the plan first (to print the expected time and cost, and to
 * refuse a sweep that is too long) and then the result.
 */
import { performance } from 'node:perf_hooks';
import { UsageError } from '../../errors.js';
import { CostAccumulator, gbSeconds, resolvePrices } from '../../lambda/cost.js';
import type { LambdaTargetConfig, LoadedProfile, LocalEmulatorConfig } from '../../profile/types.js';
import { startLocalEmulator } from '../../run/local.js';
import type { LocalEmulator } from '../../run/local.js';
import { createLambdaTarget } from '../../targets/lambda.js';
import type { LambdaTarget } from '../../targets/lambda.js';
import type { TargetInfo } from '../../targets/target.js';
import { TOOL_VERSION } from '../../version.js';
import { runLane } from './lane.js';
import { gapsProblem, planSweep } from './plan.js';
import type { SweepPlan } from './plan.js';
import { estimateKeepAlive } from './stats.js';
import type { GapResult, SweepResult } from './types.js';
import { SWEEP_SCHEMA_VERSION } from './types.js';

export interface SweepOptions {
  gapsMs: number[];
  samples: number;
  /** Functions (or name:alias) to spread the gaps over; default the profile's function. Not with local:. */
  functions?: string[];
  /** Confidence of the intervals (default 0.95). */
  confidence?: number;
  stop?: AbortSignal;
  onStep?: (message: string) => void;
  onGap?: (gap: GapResult) => void;
  /** Sees the plan before anything starts; throws to refuse it (a sweep too long). */
  checkPlan?: (plan: SweepPlan) => void;
}

/** What the sweep will do, known before anything is sent (after the functions were checked). */
export interface PreparedSweep {
  plan: SweepPlan;
  info: TargetInfo;
  /** The most GB-seconds it could bill: every invocation running to the function's timeout. */
  maxGbSeconds: number | null;
  local: boolean;
  run(): Promise<SweepResult>;
  /** Releases the clients and the emulator without running. */
  close(): Promise<void>;
}

/** Checks the input, starts the emulator if the profile has one, checks every function. */
export async function prepareSweep(loaded: LoadedProfile, opts: SweepOptions): Promise<PreparedSweep> {
  const target = loaded.profile.target;
  if (target.kind !== 'lambda') throw new UsageError('a sweep invokes a Lambda function directly: the profile needs a lambda target', 'set target.kind: lambda (an HTTP front is not swept)');
  if (target.invocationType === 'Event') {
    throw new UsageError('a sweep classifies each probe from its log tail, which async (Event) invokes do not return', 'remove invocationType: Event for the sweep');
  }
  const problem = gapsProblem(opts.gapsMs);
  if (problem !== undefined) throw new UsageError(problem);
  if (!Number.isInteger(opts.samples) || opts.samples < 1) throw new UsageError('--samples must be a whole number >= 1');
  if (target.local !== undefined && opts.functions !== undefined) {
    throw new UsageError('--functions names deployed functions: with local:, the sweep makes its own copy of the function for each gap');
  }
  const local = target.local !== undefined;
  const names = local ? opts.gapsMs.map((_, i) => copyName(target.function, i)) : (opts.functions ?? [target.function]);
  const plan = planSweep(opts.gapsMs, opts.samples, names);
  opts.checkPlan?.(plan);
  let emulator: LocalEmulator | undefined;
  if (target.local !== undefined) {
    opts.onStep?.('starting the local Lambda emulator');
    emulator = await startLocalEmulator(withCopies(target.local, target.function, names));
  }
  const targets: { lane: string; target: LambdaTarget }[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(targets.map((t) => t.target.close()));
    await emulator?.close();
  };
  try {
    for (const lane of plan.lanes) {
      opts.onStep?.(`checking function ${lane.function}`);
      const config = laneConfig(target, lane.function, emulator?.endpoint);
      const t = await createLambdaTarget(config, { connections: opts.samples });
      targets.push({ lane: lane.function, target: t });
      await t.preflight();
    }
  } catch (err) {
    await close();
    throw err;
  }
  const info = targets[0]?.target.functionInfo ?? {};
  const maxGbSeconds = info.memorySizeMB === undefined ? null : plan.invocations * gbSeconds(target.timeoutMs, info.memorySizeMB);
  return {
    plan,
    info,
    maxGbSeconds,
    local,
    close,
    run: async () => {
      try {
        return await runPlanned(loaded, opts, { plan, info, local, maxGbSeconds, targets });
      } finally {
        await close();
      }
    },
  };
}

interface Prepared {
  plan: SweepPlan;
  info: TargetInfo;
  local: boolean;
  maxGbSeconds: number | null;
  targets: { lane: string; target: LambdaTarget }[];
}

async function runPlanned(loaded: LoadedProfile, opts: SweepOptions, p: Prepared): Promise<SweepResult> {
  const confidence = opts.confidence ?? 0.95;
  const cost = new CostAccumulator(p.info.architecture ?? 'x86_64', resolvePrices(loaded.profile.prices));
  const startedAt = new Date();
  const t0 = performance.now();
  // Lanes start one after another, longest first, each once the previous one's warm-up is over:
  // warm-ups do not compete for the machine, and the sweep still lasts about its longest lane.
  const order = [...p.plan.lanes].sort((a, b) => sum(b.gapsMs) - sum(a.gapsMs));
  let gate: Promise<void> = Promise.resolve();
  const lanes = order.map((lane) => {
    const previous = gate;
    let open = (): void => undefined;
    gate = new Promise<void>((resolve) => (open = resolve));
    const target = p.targets.find((t) => t.lane === lane.function)!.target;
    return previous.then(() =>
      runLane({
        function: lane.function,
        target,
        gapsMs: lane.gapsMs,
        samples: opts.samples,
        confidence,
        cost,
        ...(p.info.memorySizeMB !== undefined && { memoryMB: p.info.memorySizeMB }),
        ...(opts.stop !== undefined && { stop: opts.stop }),
        onWarm: open,
        ...(opts.onGap !== undefined && { onGap: opts.onGap }),
      }),
    );
  });
  const gaps = (await Promise.all(lanes)).flat().sort((a, b) => a.gapMs - b.gapMs);
  const measured = gaps.filter((g) => g.pCold !== null && g.interval !== null);
  const keepAlive = estimateKeepAlive(measured.map((g) => ({ gapMs: g.gapMs, p: g.pCold!, low: g.interval!.low, high: g.interval!.high })));
  return {
    kind: 'sweep',
    schemaVersion: SWEEP_SCHEMA_VERSION,
    tool: { name: 'coldbench', version: TOOL_VERSION, node: process.version },
    name: loaded.profile.name,
    status: opts.stop?.aborted === true || gaps.some((g) => g.status !== 'measured') ? 'interrupted' : 'completed',
    startedAt: startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - t0),
    profile: loaded.redacted,
    target: {
      kind: 'lambda',
      functions: p.plan.lanes.map((l) => l.function),
      local: p.local,
      ...(p.info.architecture !== undefined && { architecture: p.info.architecture }),
      ...(p.info.memorySizeMB !== undefined && { memorySizeMB: p.info.memorySizeMB }),
    },
    samples: opts.samples,
    confidence,
    plan: { expectedMs: p.plan.expectedMs, invocations: p.plan.invocations, maxGbSeconds: p.maxGbSeconds },
    gaps,
    keepAlive: {
      ...keepAlive,
      method: 'P(cold) = probe invocations in a new environment (cold or proactive) / those classified; Wilson score intervals; the keep-alive is where P(cold) first reaches 0.5, on straight lines between measured gaps, and its interval where the intervals\' upper and lower bounds do',
    },
    cost: cost.summary(),
    warnings: warningsOf(gaps, opts.samples),
  };
}

/** The emulator's copy of `fn` for gap i. */
function copyName(fn: string, i: number): string {
  return `${fn}-sweep-${i + 1}`;
}

/**
 * The profile's local functions plus one copy of the swept one per gap. A copy with an idle
 * timeout distribution gets its own seed, so the gaps see independent draws, as separate
 * functions on AWS would.
 */
function withCopies(local: LocalEmulatorConfig, fn: string, names: readonly string[]): LocalEmulatorConfig {
  const original = local.functions[fn]!;
  const functions = { ...local.functions };
  names.forEach((name, i) => {
    const d = original.idleTimeoutDistribution;
    functions[name] = { ...original, ...(d !== undefined && { idleTimeoutDistribution: { ...d, seed: d.seed + i } }) };
  });
  return { ...local, functions };
}

/** The profile's target pointed at one lane's function (a name:alias carries its own qualifier). */
function laneConfig(target: LambdaTargetConfig, fn: string, endpoint: string | undefined): LambdaTargetConfig {
  const { local: _local, ...rest } = target;
  const config: LambdaTargetConfig = { ...rest, function: fn, ...(endpoint !== undefined && { endpoint }) };
  if (!fn.startsWith('arn:') && fn.includes(':')) delete config.qualifier;
  return config;
}

function warningsOf(gaps: readonly GapResult[], samples: number): string[] {
  const warnings: string[] = [];
  const short = gaps.filter((g) => g.warmup.sent === samples && g.warmup.cold + g.warmup.proactive + g.warmup.warm === samples && g.warmup.warm > 0 && g === firstOfLane(gaps, g));
  for (const g of short) {
    warnings.push(
      `${g.function}: ${g.warmup.warm} of the first ${samples} warm-up invocations found a warm environment: either environments were warm from before, ` +
        `or the function returned before all ${samples} requests arrived and fewer than ${samples} environments exist (P(cold) is then overstated); make each invocation last longer than the requests take to arrive`,
    );
  }
  for (const g of gaps.filter((x) => x.warmup.touchNew > 0)) {
    warnings.push(
      `gap ${g.gapMs} ms: after ${g.warmup.touches} touches, ${g.warmup.touchNew} environments were still new: some expire before the slowest inits end, ` +
        'so the environments did not all start idling together (their idle time may exceed the gap by up to the warm-up spread)',
    );
  }
  const failed = gaps.filter((g) => g.probe !== null && g.probe.errors + g.probe.throttles + g.probe.unknown > 0);
  for (const g of failed) {
    warnings.push(`gap ${g.gapMs} ms: ${g.probe!.errors} errors, ${g.probe!.throttles} throttles and ${g.probe!.unknown} unknown starts are left out of P(cold)`);
  }
  return warnings;
}

function firstOfLane(gaps: readonly GapResult[], gap: GapResult): GapResult | undefined {
  return gaps.filter((g) => g.function === gap.function).sort((a, b) => a.gapMs - b.gapMs)[0];
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
