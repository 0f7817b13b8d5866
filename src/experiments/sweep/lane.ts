/**
 * One lane of a sweep: its gaps on one function, one after another. Each gap is
 *
 * 1. the warm-up: a burst of N, so that N environments exist (new ones start cold, and their
 *    inits end at different moments, up to seconds apart);
 * 2. the touch: a burst of N again at once, which finds the N environments idle and uses each
 *    one, so that they all start idling within the spread of one warm invocation's length
 *    instead of the spread of the inits (without it, an environment whose init ended early would
 *    be idle longer than the gap, and P(cold) would be overstated at short gaps); repeated while
 *    it still has to start environments (up to three times);
 * 3. the gap, counted from the touch's last answer;
 * 4. the probe: a burst of N, each invocation classified cold or warm.
 *
 * Every burst is run by the runner as a one-phase open schedule, so each invocation is
 * classified exactly as in a run (log tail, REPORT, proactive rule).
 */
import type { CostAccumulator } from '../../lambda/cost.js';
import type { LoadModel } from '../../profile/types.js';
import { summarize } from '../../result/histogram.js';
import { realClock, waitUntil } from '../../run/clock.js';
import { runLoad } from '../../run/runner.js';
import type { RunRecord } from '../../run/runner.js';
import type { Target } from '../../targets/target.js';
import { wilson } from './stats.js';
import type { BurstCounts, GapResult } from './types.js';

export interface LaneInput {
  function: string;
  target: Target;
  gapsMs: readonly number[];
  samples: number;
  confidence: number;
  cost: CostAccumulator;
  memoryMB?: number;
  stop?: AbortSignal;
  /** Called once the lane's first warm-up has ended (the next lane may start its own). */
  onWarm?: () => void;
  /** Called with each gap as soon as it is measured. */
  onGap?: (gap: GapResult) => void;
}

/** The lane's gaps; those it could not measure (stopped) have status interrupted. */
export async function runLane(input: LaneInput): Promise<GapResult[]> {
  const results: GapResult[] = [];
  let warmed = false;
  const warm = (): void => {
    if (!warmed) input.onWarm?.();
    warmed = true;
  };
  try {
    for (const gapMs of input.gapsMs) {
      const gap = await measureGap(input, gapMs, warm);
      results.push(gap);
      input.onGap?.(gap);
    }
  } finally {
    warm();
  }
  return results;
}

async function measureGap(input: LaneInput, gapMs: number, onWarm: () => void): Promise<GapResult> {
  const stopped = (): boolean => input.stop?.aborted === true;
  if (stopped()) return unmeasured(input, gapMs, null);
  const warmup = await burst(input);
  let touch: RunRecord | undefined;
  let touches = 0;
  // A touch that had to start environments (some expired while the slowest inits ran) is
  // repeated, a few times at most: the last one should find all N warm.
  while (!stopped() && touches < MAX_TOUCHES && (touch === undefined || touch.recorder.counts.cold + touch.recorder.counts.proactive > 0)) {
    touch = await burst(input);
    touches++;
  }
  onWarm();
  const warmupCounts = {
    ...countsOf(warmup),
    touches,
    touchNew: touch === undefined ? 0 : touch.recorder.counts.cold + touch.recorder.counts.proactive,
    spreadMs: touch === undefined ? null : spreadOf(touch),
  };
  if (stopped() || touch === undefined) return unmeasured(input, gapMs, warmupCounts);
  // Not a bare timer: one can fire up to a millisecond before the clock has moved by its delay,
  // and the probe would leave before the gap it measures.
  const probeAt = touch.endedAt + gapMs;
  await waitUntil(realClock, probeAt, input.stop);
  if (stopped()) return unmeasured(input, gapMs, warmupCounts);
  const probe = await burst(input);
  const counts = countsOf(probe);
  const newEnvironments = counts.cold + counts.proactive;
  const classified = newEnvironments + counts.warm;
  const init = probe.recorder.histograms.init;
  return {
    gapMs,
    function: input.function,
    status: probe.status === 'completed' ? 'measured' : 'interrupted',
    measuredGapMs: round3(probe.startedAt - touch.endedAt),
    warmup: warmupCounts,
    probe: counts,
    newEnvironments,
    classified,
    pCold: classified === 0 ? null : newEnvironments / classified,
    interval: classified === 0 ? null : wilson(newEnvironments, classified, input.confidence),
    init: init.totalCount === 0 ? null : summarize(init),
  };
}

/** N invocations at one instant, through the runner. */
function burst(input: LaneInput): Promise<RunRecord> {
  const load: LoadModel = { model: 'open', maxInFlight: input.samples, phases: [{ kind: 'burst', count: input.samples }] };
  return runLoad({
    load,
    target: input.target,
    cost: input.cost,
    ...(input.memoryMB !== undefined && { memoryMB: input.memoryMB }),
    ...(input.stop !== undefined && { stop: input.stop }),
  });
}

function countsOf(run: RunRecord): BurstCounts {
  const c = run.recorder.counts;
  return { sent: c.sent, cold: c.cold, proactive: c.proactive, warm: c.warm, unknown: c.unknown, errors: c.errors, throttles: c.throttles };
}

/** All N were sent at the same planned instant: the answers' spread is the spread of latencies. */
function spreadOf(run: RunRecord): number | null {
  const all = run.recorder.histograms.all;
  if (all.totalCount === 0) return null;
  const s = summarize(all);
  return round3(s.max - s.min);
}

function unmeasured(input: LaneInput, gapMs: number, warmup: GapResult['warmup'] | null): GapResult {
  const none: BurstCounts = { sent: 0, cold: 0, proactive: 0, warm: 0, unknown: 0, errors: 0, throttles: 0 };
  return {
    gapMs,
    function: input.function,
    status: 'interrupted',
    measuredGapMs: null,
    warmup: warmup ?? { ...none, touches: 0, touchNew: 0, spreadMs: null },
    probe: null,
    newEnvironments: 0,
    classified: 0,
    pCold: null,
    interval: null,
    init: null,
  };
}

/** Touches before a gap, at most (see measureGap). */
const MAX_TOUCHES = 3;

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
