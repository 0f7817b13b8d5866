/**
 * `coldbench run <profile>`: load the profile, run it with progress and Ctrl-C handling, save
 * the result, print the summary, and pick the exit code.
 */
import { availableParallelism } from 'node:os';
import { UsageError } from '../../errors.js';
import { loadProfile } from '../../profile/index.js';
import type { LoadedProfile } from '../../profile/types.js';
import { render } from '../../report/render.js';
import { resultMarkdown } from '../../report/markdown.js';
import { appendStepSummary, emit, parseFormat } from './report.js';
import type { Result } from '../../result/result.js';
import { writeResult } from '../../result/write.js';
import { ResultFolder, saveResult } from '../../result/save.js';
import type { SavedResult } from '../../result/save.js';
import { CheckpointFile } from '../../result/checkpoint.js';
import { checkBeforeLoad } from '../../run/before-load.js';
import type { CheckpointOptions } from '../../run/checkpoints.js';
import { RunFailure, runProfile, runWarnings, splitProfile } from '../../run/run-profile.js';
import { parseDuration } from '../../util/duration.js';
import { checkStartNotMissed } from '../../run/start-at.js';
import { runModeOf } from '../distribution.js';
import type { RunMode } from '../distribution.js';
import type { RunStatus } from '../../run/runner.js';
import { scheduleDurationMs } from '../../schedule/index.js';
import type { RunFlags } from '../main.js';
import type { Output } from '../output.js';
import { STOP_SIGNALS } from '../signals.js';
import { startProgress } from '../progress.js';

/** After a second Ctrl-C the result is still written; if that takes longer than this, quit anyway. */
const HARD_EXIT_MS = 3000;

export async function runCommand(file: string, flags: RunFlags, out: Output): Promise<number> {
  const format = parseFormat(flags.format);
  if (flags.json && format !== 'table' && format !== 'json') {
    // Two documents on one stdout would parse as neither.
    throw new UsageError(`--json prints the result as JSON on stdout, so it cannot be combined with --format ${format}`, `use --format ${format} without --json, or --json alone for the result as JSON`);
  }
  const checkpointMs = parseCheckpoint(flags.checkpoint);
  const loaded = await loadProfile(file, { env: process.env, sets: flags.set });
  out.addProfileSecrets(loaded);
  const mode = runModeOf(flags, process.env, availableParallelism(), loaded.profile);
  // Checked before anything is prepared: a late shard stops at once, a bad split before a warm-up.
  if (mode.startAtMs !== undefined) checkStartNotMissed(mode.startAtMs, Date.now(), mode.toleranceMs);
  if (mode.kind === 'shard') splitProfile(loaded.profile, mode.shard);
  if (mode.startAtMs !== undefined && loaded.profile.matrix !== undefined) throw new UsageError('--start-at cannot be used with a matrix profile');
  const signals = handleSignals(out);
  let stopProgress = (): void => undefined;
  const checkpoint = flags.save && checkpointMs > 0 ? checkpointOptions(flags.out, checkpointMs, out) : undefined;
  try {
    // Everything that can fail before the load fails here: exit 2, nothing sent.
    await checkBeforeLoad(loaded, flags.save ? { outDir: flags.out } : {});
    if (loaded.profile.matrix !== undefined) return await runMatrixCommand(loaded, flags, out, signals, checkpoint);
    if (mode.kind === 'workers') return await runWorkersCommand(loaded, mode, flags, out, signals, checkpoint);
    const startAtMs = mode.startAtMs;
    let result: Result;
    try {
      result = await runProfile(loaded, {
        stop: signals.stop.signal,
        hardStop: signals.hardStop.signal,
        stopStatus: () => signals.status,
        onStep: (message) => out.error(`${message}...`),
        onWarning: (message) => out.error(`warning: ${message}`),
        onStart: (state) => {
          stopProgress = startProgress(state, { out, totalMs: plannedMs(loaded), enabled: flags.progress && !flags.quiet });
        },
        ...(mode.kind === 'shard' && { shard: mode.shard }),
        ...(startAtMs !== undefined && { startAt: () => Promise.resolve(startAtMs), startToleranceMs: mode.toleranceMs }),
        ...(checkpoint && { checkpoint }),
      });
    } catch (err) {
      if (!(err instanceof RunFailure)) throw err;
      // The load started and then failed: what it measured is still printed and saved.
      stopProgress();
      out.error(`error: ${err.message}`);
      await saveAndReport(err.result, flags, out, checkpoint?.sink);
      return 1;
    }
    stopProgress();
    if (!(await saveAndReport(result, flags, out, checkpoint?.sink))) return 1;
    if (result.shard !== undefined) out.error(`this is shard ${result.shard.index}/${result.shard.count}: merge the shards' files with \`coldbench merge <files> --out merged.json\`; thresholds are judged on the merged result`);
    return finish(result, out);
  } finally {
    stopProgress();
    signals.dispose();
  }
}

/** The exit code of a run's result, saying why when it is not 0. */
function finish(result: Result, out: Output): number {
  const unreachable = unreachableBecause(result);
  if (unreachable !== undefined) {
    out.error(`error: the target was unreachable: every request failed with ${unreachable}`);
    return 1;
  }
  const failed = result.thresholds.filter((t) => !t.pass).map((t) => t.rule);
  if (failed.length > 0) out.error(`thresholds failed: ${failed.join('; ')}`);
  return exitCodeOf(result);
}

/**
 * After the load: save the result (in the folder asked for, else a temporary folder it names),
 * remove the checkpoint once the result is safe, then print. A failure in any step is reported
 * and the others still happen. False when something failed (the run then exits 1).
 */
async function saveAndReport(result: Result, flags: RunFlags, out: Output, checkpoint: CheckpointFile | undefined): Promise<boolean> {
  let ok = true;
  let saved: SavedResult | undefined;
  if (flags.save) {
    try {
      saved = await saveResult(result, flags.out);
      await checkpoint?.discard();
    } catch (err) {
      ok = false;
      out.error(`error: ${(err as Error).message}${checkpoint?.file === undefined ? '' : `; the last checkpoint is ${checkpoint.file}`}`);
    }
  }
  try {
    await report(result, saved?.file, flags, out);
  } catch (err) {
    ok = false;
    out.error(`error: ${(err as Error).message}`);
  }
  if (saved?.fallback !== undefined) {
    ok = false;
    out.error(`error: could not save the result in ${saved.fallback.folder} (${saved.fallback.error}); it was saved in ${saved.file} instead`);
  }
  return ok;
}

function checkpointOptions(dir: string, everyMs: number, out: Output): CheckpointOptions & { sink: CheckpointFile } {
  let warned = false;
  return {
    everyMs,
    sink: new CheckpointFile(dir),
    onError: (err) => {
      if (!warned) out.error(`warning: a checkpoint could not be written (${(err as Error).message}); the run goes on and tries again`);
      warned = true;
    },
  };
}

/** `--checkpoint 10s`; `0` turns checkpoints off. */
export function parseCheckpoint(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new UsageError(`--checkpoint: expected a duration like 10s, or 0 for none, got "${text}"`);
  return ms;
}

/**
 * `--workers N`: N shards in N processes, one progress line, one merged result (the shards'
 * files beside it with --keep-shards). A worker that failed before the load started fails the
 * run; one that failed during it leaves the others' merged result with its own last checkpoint
 * (what it measured until then), saved as partial. With checkpoints on, the workers' latest are
 * merged into the run's one checkpoint file while it runs, and abortOnFail rules are judged on
 * the merged run so far (workers.ts).
 */
async function runWorkersCommand(
  loaded: LoadedProfile, mode: Extract<RunMode, { kind: 'workers' }>, flags: RunFlags, out: Output, signals: ReturnType<typeof handleSignals>,
  checkpoint: (CheckpointOptions & { sink: CheckpointFile }) | undefined,
): Promise<number> {
  const { runWorkers } = await import('../../run/workers.js');
  const { mergeShards } = await import('../../result/merge/index.js');
  let stopProgress = (): void => undefined;
  try {
    const run = await runWorkers(loaded, {
      count: mode.count,
      toleranceMs: mode.toleranceMs,
      ...(mode.startAtMs !== undefined && { startAtMs: mode.startAtMs }),
      stop: signals.stop.signal,
      hardStop: signals.hardStop.signal,
      onStep: (message) => out.error(`${message}...`),
      onStart: (state) => {
        stopProgress = startProgress(state, { out, totalMs: plannedMs(loaded), enabled: flags.progress && !flags.quiet });
      },
      ...(checkpoint && { checkpoint }),
    });
    stopProgress();
    if (run.failure !== undefined && (!run.started || run.results.length + run.partials.length === 0)) throw run.failure;
    const keep = mode.keepShards && flags.save;
    // The shards' files and the merged result go to one folder, or together to a temporary one.
    const folder = flags.save ? new ResultFolder(flags.out) : undefined;
    const saveErrors: string[] = [];
    const save = async (result: Result): Promise<string | undefined> => {
      try {
        return (await folder?.write((dir) => writeResult(result, dir)))?.file;
      } catch (err) {
        saveErrors.push((err as Error).message);
        return undefined;
      }
    };
    const inputs = [];
    for (const result of run.results) {
      const file = keep ? await save(result) : undefined;
      inputs.push({ source: file ?? `worker ${result.shard?.index}/${mode.count}`, result });
    }
    // A worker that failed counts with its last checkpoint: what it measured until then.
    for (const result of run.partials) inputs.push({ source: `worker ${result.shard?.index}/${mode.count} (its last checkpoint)`, result });
    const merged = mergeShards(inputs, { allowPartial: run.failure !== undefined, recordFiles: keep });
    merged.warnings.push(...runWarnings(0, run.stoppedBy));
    const saved = await save(merged);
    if (saved !== undefined) await checkpoint?.sink.discard();
    else if (checkpoint?.sink.file !== undefined) out.error(`the last checkpoint is ${checkpoint.sink.file}`);
    await report(merged, saved, flags, out);
    const fallback = folder?.fallback;
    if (fallback !== undefined) out.error(`error: could not save the result in ${fallback.folder} (${fallback.error}); it was saved in ${saved ?? fallback.savedIn} instead`);
    for (const message of saveErrors) out.error(`error: ${message}`);
    if (run.failure !== undefined) {
      out.error(`error: ${run.failure.message}`);
      return run.failure.exitCode;
    }
    if (fallback !== undefined || saveErrors.length > 0) return 1;
    return finish(merged, out);
  } finally {
    stopProgress();
  }
}

/** A profile with `matrix:` runs once per configuration (docs/matrix.md). */
async function runMatrixCommand(
  loaded: LoadedProfile, flags: RunFlags, out: Output, signals: ReturnType<typeof handleSignals>, checkpoint: CheckpointOptions | undefined,
): Promise<number> {
  const { comparisonJunit, comparisonMarkdown, runMatrix, renderMatrixSummary, restoreLines } = await import('../../matrix/index.js');
  let stopProgress = (): void => undefined;
  try {
    const run = await runMatrix(loaded, {
      stop: signals.stop.signal,
      hardStop: signals.hardStop.signal,
      stopStatus: () => signals.status,
      ...(flags.save && { outDir: flags.out }),
      ...(checkpoint && { checkpoint }),
      onStep: (message) => out.error(`${message}...`),
      onWarning: (message) => out.error(`warning: ${message}`),
      onConfiguration: (slot, index, total) => out.error(`[${index + 1}/${total}] ${slot.config.id}${slot.round > 0 ? ` (round ${slot.round + 1})` : ''}`),
      onStart: (state) => {
        stopProgress();
        stopProgress = startProgress(state, { out, totalMs: plannedMs(loaded), enabled: flags.progress && !flags.quiet });
      },
    });
    stopProgress();
    const format = parseFormat(flags.format);
    if (flags.json || format === 'json') out.json(run.matrix);
    if (format === 'md') out.machine(comparisonMarkdown(run.matrix));
    if (format === 'junit') out.machine(comparisonJunit(run.matrix));
    if (format === 'table') out.human(renderMatrixSummary(run.matrix));
    if (format === 'html') {
      const { renderMatrixHtml } = await import('../../report/html/matrix-page.js');
      out.machine(renderMatrixHtml(run.matrix));
    }
    await appendStepSummary(out.redact(comparisonMarkdown(run.matrix)));
    if (run.file !== undefined) out.error(`matrix result saved: ${run.file} (with ${run.runs.length} configuration results beside it)`);
    // As for one run: what was measured is saved somewhere named, and the run exits 1.
    const saveFailed = run.fallback !== undefined || run.saveErrors.length > 0;
    if (run.fallback !== undefined) {
      out.error(`error: could not save the results in ${run.fallback.folder} (${run.fallback.error}); the matrix result and every configuration result were saved in ${run.fallback.savedIn} instead`);
    }
    for (const message of run.saveErrors) out.error(`error: ${message}`);
    if (flags.html !== undefined) {
      const { renderMatrixHtml } = await import('../../report/html/matrix-page.js');
      await emit(renderMatrixHtml(run.matrix), 'html', flags.html, out);
      out.error(`HTML report: ${flags.html}`);
    }
    if (!run.matrix.restore.ok) {
      out.error(restoreLines(run.matrix).join('\n'));
      return 1;
    }
    if (saveFailed) return 1;
    if (run.matrix.status === 'interrupted') return 130;
    // Thresholds are judged per configuration: one that failed anywhere fails the run.
    const failed = run.matrix.comparison.rows.flatMap((r) => r.thresholds.filter((t) => !t.pass).map((t) => `${r.id}: ${t.rule}`));
    if (failed.length > 0) out.error(`thresholds failed: ${failed.join('; ')}`);
    return run.matrix.status === 'aborted' || failed.length > 0 ? 3 : 0;
  } finally {
    stopProgress();
  }
}

async function report(result: Result, saved: string | undefined, flags: RunFlags, out: Output): Promise<void> {
  const format = parseFormat(flags.format);
  if (flags.json || format === 'json') out.json(result);
  if (format === 'table') out.human(render(result, 'table', out.terminal));
  else if (format !== 'json') out.machine(render(result, format));
  if (saved !== undefined) out.error(`result saved: ${saved}`);
  if (flags.html !== undefined) {
    await emit(render(result, 'html'), 'html', flags.html, out);
    out.error(`HTML report: ${flags.html}`);
  }
  await appendStepSummary(out.redact(resultMarkdown(result)));
}

export function exitCodeOf(result: Result): number {
  switch (result.status) {
    case 'completed':
    case 'partial':
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

/** First Ctrl-C (or SIGTERM, or SIGHUP): stop sending and drain. Second: cancel in-flight requests now. */
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
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  state.dispose = () => {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  };
  return state;
}
