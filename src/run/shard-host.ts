/**
 * One worker of `coldbench run --workers N`: a process of its own that runs one shard of the
 * profile and hands its result to the parent over IPC. It prints nothing; the parent shows one
 * progress line and one summary.
 *
 * With checkpoints on, or an abortOnFail rule on latencies or cost, it sends the shard so far to
 * the parent every interval, as a run alone writes its checkpoint file: the parent writes one
 * file for the whole run, and judges those rules on the merged shards. Its progress (counts, four
 * times a second) serves the count and rate rules.
 *
 * Its start is the parent's: it reports 'ready' once its target is warmed up and connected, and
 * starts the load at the instant the parent then sends to every worker. The parent handles
 * Ctrl-C and passes 'stop' (then 'hardStop') on; when the parent goes away for any reason (exit,
 * crash, kill -9) the IPC channel closes and this process stops at once: no orphans.
 */
import type { LoadedProfile } from '../profile/types.js';
import type { Counts, Result, RunResult } from '../result/result.js';
import type { Shard } from '../schedule/shard.js';
import { ColdbenchError } from '../errors.js';
import type { ExitCode } from '../errors.js';
import { runProfile } from './run-profile.js';

export type WorkerRequest =
  /** `emulator`: the endpoint of the local emulator the parent started for a profile with local: (shared by every worker). */
  | { type: 'run'; loaded: LoadedProfile; shard: Shard; toleranceMs: number; snapshotMs?: number; emulator?: string }
  | { type: 'start'; startAtMs: number }
  | { type: 'stop' }
  /** A threshold marked abortOnFail failed on the merged run so far: stop, with status 'aborted'. */
  | { type: 'abort' }
  | { type: 'hardStop' };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'progress'; counts: Counts; inFlight: number }
  /** The shard so far (status partial), every snapshotMs: the parent merges the workers' latest. */
  | { type: 'snapshot'; result: Result }
  | { type: 'result'; result: RunResult }
  | { type: 'error'; message: string; hint?: string; exitCode: ExitCode };

const PROGRESS_EVERY_MS = 250;
/** After the parent is gone, how long the run may take to stop before this process quits anyway. */
const ORPHAN_EXIT_MS = 2000;

const stop = new AbortController();
let aborted = false;
const hardStop = new AbortController();
let start: ((startAtMs: number) => void) | undefined;
const started = new Promise<number>((resolve) => (start = resolve));

function send(reply: WorkerReply): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) resolve();
    else process.send?.(reply, undefined, undefined, () => resolve());
  });
}

async function run(msg: Extract<WorkerRequest, { type: 'run' }>): Promise<void> {
  let progress: NodeJS.Timeout | undefined;
  try {
    const result = await runProfile(msg.loaded, {
      shard: msg.shard,
      stop: stop.signal,
      hardStop: hardStop.signal,
      stopStatus: () => (aborted ? 'aborted' : 'interrupted'),
      startToleranceMs: msg.toleranceMs,
      ...(msg.emulator !== undefined && { sharedEmulator: msg.emulator }),
      // Built as a checkpoint is; sent to the parent instead of a file.
      ...(msg.snapshotMs !== undefined && { checkpoint: { everyMs: msg.snapshotMs, sink: { save: (result: Result) => send({ type: 'snapshot', result }) } } }),
      startAt: async () => {
        await send({ type: 'ready' });
        return started;
      },
      onStart: (state) => {
        progress = setInterval(() => void send({ type: 'progress', counts: { ...state.recorder.counts }, inFlight: state.inFlight() }), PROGRESS_EVERY_MS);
      },
    });
    clearInterval(progress);
    await send({ type: 'result', result });
  } catch (err) {
    clearInterval(progress);
    const e = err instanceof Error ? err : new Error(String(err));
    const known = err instanceof ColdbenchError;
    await send({
      type: 'error',
      message: known ? e.message : `internal error: ${e.message}`,
      ...(known && err.hint !== undefined && { hint: err.hint }),
      exitCode: known ? err.exitCode : 1,
    });
  }
  if (process.connected) process.disconnect?.();
  process.exit(0);
}

process.on('message', (msg: WorkerRequest) => {
  switch (msg.type) {
    case 'run':
      void run(msg);
      return;
    case 'start':
      start?.(msg.startAtMs);
      return;
    // The parent sends a start before a stop, so a run stopped before its start ends at once.
    case 'stop':
      stop.abort();
      return;
    case 'abort':
      aborted = true;
      stop.abort();
      return;
    case 'hardStop':
      stop.abort();
      hardStop.abort();
      return;
  }
});
process.on('disconnect', () => {
  stop.abort();
  hardStop.abort();
  start?.(Date.now());
  setTimeout(() => process.exit(0), ORPHAN_EXIT_MS).unref();
});
// The terminal sends Ctrl-C, and its hangup, to the whole process group: the parent decides, and says 'stop'.
process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);
process.on('SIGTERM', () => {
  stop.abort();
  start?.(Date.now());
});
