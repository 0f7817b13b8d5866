/**
 * `coldbench run <profile>`: load the profile, run it with progress and Ctrl-C handling, save
 * the result, print the summary, and pick the exit code.
 */
import { loadProfile } from '../../profile/index.js';
import type { LoadedProfile } from '../../profile/types.js';
import { renderSummary } from '../../report/summary.js';
import type { Result } from '../../result/result.js';
import { writeResult } from '../../result/write.js';
import { runProfile } from '../../run/run-profile.js';
import type { RunStatus } from '../../run/runner.js';
import { scheduleDurationMs } from '../../schedule/index.js';
import type { RunFlags } from '../main.js';
import type { Output } from '../output.js';
import { startProgress } from '../progress.js';

/** After a second Ctrl-C the result is still written; if that takes longer than this, quit anyway. */
const HARD_EXIT_MS = 3000;

export async function runCommand(file: string, flags: RunFlags, out: Output): Promise<number> {
  const loaded = await loadProfile(file, { env: process.env, sets: flags.set });
  out.addSecrets(loaded.secrets);
  const signals = handleSignals(out);
  let stopProgress = (): void => undefined;
  try {
    const result = await runProfile(loaded, {
      stop: signals.stop.signal,
      hardStop: signals.hardStop.signal,
      stopStatus: () => signals.status,
      onStep: (message) => out.error(`${message}...`),
      onStart: (state) => {
        stopProgress = startProgress(state, { out, totalMs: plannedMs(loaded), enabled: flags.progress && !flags.quiet });
      },
    });
    stopProgress();
    const saved = flags.save ? await writeResult(result, flags.out) : undefined;
    report(result, saved, flags, out);
    const unreachable = unreachableBecause(result);
    if (unreachable !== undefined) {
      out.error(`error: the target was unreachable: every request failed with ${unreachable}`);
      return 1;
    }
    return exitCodeOf(result);
  } finally {
    stopProgress();
    signals.dispose();
  }
}

function report(result: Result, saved: string | undefined, flags: RunFlags, out: Output): void {
  if (flags.json) out.machine(JSON.stringify(result, null, 2));
  out.human(renderSummary(result));
  if (saved !== undefined) out.human(`result saved: ${saved}`);
}

export function exitCodeOf(result: Result): number {
  switch (result.status) {
    case 'completed':
      return result.thresholds.some((t) => !t.pass) ? 3 : 0;
    case 'aborted':
      return 3;
    case 'interrupted':
      return 130;
  }
}

/** Failures that mean no request reached the target at all. */
const UNREACHABLE_CLASSES = new Set(['connect-refused', 'dns', 'tls']);

/** When every request failed before reaching the target, the classes it failed with. */
export function unreachableBecause(result: Result): string | undefined {
  const classes = Object.keys(result.errors);
  const reached = result.counts.ok + result.counts.throttles;
  if (result.counts.sent === 0 || reached > 0 || result.counts.errors !== result.counts.sent) return undefined;
  return classes.every((c) => UNREACHABLE_CLASSES.has(c)) ? classes.join(', ') : undefined;
}

function plannedMs(loaded: LoadedProfile): number | undefined {
  const load = loaded.profile.load;
  return load.model === 'open' ? scheduleDurationMs(load.phases) : load.durationMs;
}

/** First Ctrl-C (or SIGTERM): stop sending and drain. Second: cancel in-flight requests now. */
function handleSignals(out: Output): { stop: AbortController; hardStop: AbortController; status: RunStatus; dispose(): void } {
  const state = { stop: new AbortController(), hardStop: new AbortController(), status: 'interrupted' as RunStatus, dispose: () => undefined as void };
  const onSignal = (name: NodeJS.Signals): void => {
    if (!state.stop.signal.aborted) {
      out.error(`\n${name}: stopping; waiting a few seconds for requests in flight (press Ctrl-C again to quit now)`);
      state.stop.abort();
      return;
    }
    out.error(`${name} again: cancelling requests in flight and saving the result`);
    state.hardStop.abort();
    setTimeout(() => process.exit(130), HARD_EXIT_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  state.dispose = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  return state;
}
