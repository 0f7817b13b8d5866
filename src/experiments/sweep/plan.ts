/**
 * The plan of a keep-alive sweep, before anything is sent: which function measures which gap, how
 * long it takes and how many invocations it costs. Pure: unit-tested without a clock.
 *
 * Each gap is one round on one function: N invocations at once (so N environments exist), N at
 * once again (so they all start idling together), the gap, then N at once again, each
 * classified cold or warm (lane.ts). Gaps on different
 * functions cannot disturb each other and run side by side; gaps that share a function run one
 * after another. Gaps are given to functions longest first, each to the function with the least
 * waiting so far (longest processing time first), so the sweep lasts about its longest gap when
 * there are as many functions as gaps.
 */

export interface Lane {
  /** The function (name, ARN or name:alias) this lane invokes. */
  function: string;
  /** Its gaps, in the order they run. */
  gapsMs: number[];
}

export interface SweepPlan {
  lanes: Lane[];
  /** The waiting of the longest lane: the sweep's expected length, bursts aside. */
  expectedMs: number;
  /** Three bursts of N per gap (more when a touch is repeated). */
  invocations: number;
}

/** A problem with the gaps, or undefined when they are usable. */
export function gapsProblem(gapsMs: readonly number[]): string | undefined {
  if (gapsMs.length === 0) return 'expected at least one gap, like --gaps 1m,5m,10m';
  const bad = gapsMs.findIndex((g) => !Number.isFinite(g) || g <= 0);
  if (bad >= 0) return `gap ${bad + 1} is not a positive duration`;
  const down = gapsMs.findIndex((g, i) => i > 0 && g <= gapsMs[i - 1]!);
  if (down >= 0) return `gaps must increase: gap ${down + 1} (${gapsMs[down]} ms) is not longer than gap ${down} (${gapsMs[down - 1]} ms)`;
  return undefined;
}

export function planSweep(gapsMs: readonly number[], samples: number, functions: readonly string[]): SweepPlan {
  const lanes: Lane[] = functions.map((fn) => ({ function: fn, gapsMs: [] }));
  const waiting = lanes.map(() => 0);
  for (const gap of [...gapsMs].sort((a, b) => b - a)) {
    const i = waiting.indexOf(Math.min(...waiting));
    lanes[i]!.gapsMs.push(gap);
    waiting[i]! += gap;
  }
  for (const lane of lanes) lane.gapsMs.sort((a, b) => a - b);
  return { lanes: lanes.filter((l) => l.gapsMs.length > 0), expectedMs: Math.max(0, ...waiting), invocations: 3 * samples * gapsMs.length };
}
