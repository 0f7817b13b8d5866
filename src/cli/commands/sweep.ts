/**
 * `coldbench sweep idle <profile> --gaps 1m,5m,10m --samples 20`: plan the sweep, print how long
 * it should take and what it costs, refuse one over 24 h without --yes, run it with Ctrl-C
 * handling, save the result (its folder checked before the sweep starts; a temporary folder if it
 * fails after), print the table and the keep-alive.
 */
import { UsageError } from '../../errors.js';
import { formatValue } from '../../gate/metrics.js';
import { DEFAULT_PRICES, resolvePrices } from '../../lambda/cost.js';
import { loadProfile } from '../../profile/index.js';
import { checkResultFolder, ResultFolder } from '../../result/save.js';
import { formatDuration, parseDuration } from '../../util/duration.js';
import type { Output } from '../output.js';
import { STOP_SIGNALS } from '../signals.js';
import { emit } from './report.js';

export interface SweepFlags {
  /** Else the profile's sweep.gaps. */
  gaps?: string;
  /** Else the profile's sweep.samples, else 20. */
  samples?: number;
  functions?: string;
  confidence: number;
  yes: boolean;
  out: string;
  set: string[];
  json: boolean;
  quiet: boolean;
  save: boolean;
  html?: string;
}

/** Environments per gap when neither --samples nor sweep.samples says. */
const DEFAULT_SAMPLES = 20;
/** Above this, a sweep runs only with --yes. */
const DAY_MS = 24 * 3_600_000;
const HARD_EXIT_MS = 3000;

export async function sweepIdleCommand(file: string, flags: SweepFlags, out: Output): Promise<number> {
  const flagGapsMs = flags.gaps === undefined ? undefined : parseGaps(flags.gaps);
  if (!(flags.confidence > 0 && flags.confidence < 1)) throw new UsageError('--confidence must be between 0 and 1, like 0.95');
  const loaded = await loadProfile(file, { env: process.env, sets: flags.set });
  out.addProfileSecrets(loaded);
  const settings = loaded.profile.sweep;
  const gapsMs = flagGapsMs ?? settings?.gapsMs;
  if (gapsMs === undefined) throw new UsageError('no gaps to measure', 'pass --gaps 1m,5m,10m,15m,30m, or give sweep.gaps in the profile');
  const samples = flags.samples ?? settings?.samples ?? DEFAULT_SAMPLES;
  const functions = flags.functions !== undefined ? splitList(flags.functions) : settings?.functions;
  const { prepareSweep, renderSweep, writeSweepResult } = await import('../../experiments/sweep/index.js');
  // A sweep can last hours: a folder that cannot take its result is said before it starts.
  if (flags.save) await checkResultFolder(flags.out);
  const signals = handleSignals(out);
  try {
    const prepared = await prepareSweep(loaded, {
      gapsMs,
      samples,
      ...(functions !== undefined && { functions }),
      confidence: flags.confidence,
      stop: signals.stop.signal,
      onStep: (message) => out.error(`${message}...`),
      onGap: (g) => out.error(`gap ${formatDuration(g.gapMs)} on ${g.function}: ${g.pCold === null ? g.status : `${g.newEnvironments} of ${g.classified} cold`}`),
      checkPlan: (plan) => {
        if (plan.expectedMs > DAY_MS && !flags.yes) {
          throw new UsageError(
            `this sweep would take about ${formatDuration(plan.expectedMs)}: more than 24 h`,
            'pass --yes to run it anyway, or spread the gaps over more functions with --functions, or use shorter gaps',
          );
        }
      },
    });
    const prices = resolvePrices(loaded.profile.prices);
    const p = prepared.plan;
    out.error(
      `sweep: ${gapsMs.length} gap${gapsMs.length === 1 ? '' : 's'} x ${samples} samples on ${p.lanes.length} function${p.lanes.length === 1 ? '' : 's'}; ` +
        `expected to take about ${formatDuration(p.expectedMs)} (the longest chain of gaps, plus three bursts of invocations per gap)`,
    );
    const gbs = prepared.maxGbSeconds === null ? 'GB-seconds unknown (no memory size)' : `at most ${prepared.maxGbSeconds.toFixed(2)} GB-s if every invocation ran to its timeout (${formatValue('usd', prepared.maxGbSeconds * (prepared.info.architecture === 'arm64' ? prices.arm64PerGBSecond : prices.x86_64PerGBSecond))})`;
    out.error(`cost: ${p.invocations} invocations (${formatValue('usd', p.invocations * (loaded.profile.prices?.perRequest ?? DEFAULT_PRICES.perRequest))} in requests), ${gbs}${prepared.local ? '; on the emulator nothing is billed' : ''}`);
    const result = await prepared.run();
    // Saved in the folder asked for, else in a temporary folder it names; printed either way.
    const folder = flags.save ? new ResultFolder(flags.out) : undefined;
    let saved: string | undefined;
    let saveFailed = false;
    try {
      saved = (await folder?.write((dir) => writeSweepResult(result, dir)))?.file;
    } catch (err) {
      saveFailed = true;
      out.error(`error: ${(err as Error).message}`);
    }
    if (flags.json) out.machine(JSON.stringify(result, null, 2));
    out.human(renderSweep(result));
    if (saved !== undefined) out.error(`sweep result saved: ${saved}`);
    const fallback = folder?.fallback;
    if (fallback !== undefined) {
      saveFailed = true;
      out.error(`error: could not save the sweep result in ${fallback.folder} (${fallback.error}); it was saved in ${saved} instead`);
    }
    if (flags.html !== undefined) {
      const { renderSweepHtml } = await import('../../report/html/sweep-page.js');
      await emit(renderSweepHtml(result), 'html', flags.html, out);
      out.error(`HTML report: ${flags.html}`);
    }
    if (result.status === 'interrupted') return 130;
    return saveFailed || result.gaps.every((g) => g.classified === 0) ? 1 : 0;
  } finally {
    signals.dispose();
  }
}

function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export function parseGaps(text: string): number[] {
  const gaps = splitList(text).map((g) => {
    const ms = parseDuration(g);
    if (ms === undefined || ms <= 0) throw new UsageError(`--gaps: "${g}" is not a duration`, 'write gaps like --gaps 1m,5m,10m,15m,30m');
    return ms;
  });
  if (gaps.length === 0) throw new UsageError('--gaps: expected at least one gap', 'write gaps like --gaps 1m,5m,10m,15m,30m');
  const down = gaps.findIndex((g, i) => i > 0 && g <= gaps[i - 1]!);
  if (down >= 0) throw new UsageError(`--gaps must increase: ${formatDuration(gaps[down]!)} comes after ${formatDuration(gaps[down - 1]!)}`, 'list the gaps from the shortest to the longest');
  return gaps;
}

/** First Ctrl-C (or SIGTERM, or SIGHUP): stop, keep what was measured. Second: quit (the result is saved if it can be in time). */
function handleSignals(out: Output): { stop: AbortController; dispose(): void } {
  const stop = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => {
    if (!stop.signal.aborted) {
      out.error(`\n${name}: stopping the sweep; saving the gaps measured so far (press Ctrl-C again to quit now)`);
      stop.abort();
      return;
    }
    setTimeout(() => process.exit(130), HARD_EXIT_MS).unref();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return {
    stop,
    dispose: () => {
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    },
  };
}
