/**
 * Periodic checkpoints of a running run. Every `everyMs` a result is built from the live
 * recorder (read, never changed: see buildResult's `partial`) and handed to the sink, which
 * writes it in the background. Building is the only part on the load's thread; its time is kept
 * (`stats`) so its cost can be measured (bench/checkpoint.mjs). A save still in progress when the
 * next one is due is not doubled: that checkpoint is skipped.
 */
import { performance } from 'node:perf_hooks';
import type { CheckpointStats, Result } from '../result/result.js';

export type { CheckpointStats };

export interface CheckpointSink {
  save(result: Result): Promise<void>;
  /** Called by whoever saves the final result, once it is saved: the checkpoint is no longer needed. */
  discard?(): Promise<void>;
}

export interface CheckpointOptions {
  /** Between checkpoints; the first one is due this long after the load starts. */
  everyMs: number;
  sink: CheckpointSink;
  /** A failed save (the run goes on; the next checkpoint tries again). */
  onError?: (err: unknown) => void;
}

export interface Checkpoints {
  readonly stats: CheckpointStats;
  /** Stops the timer and waits for a save in progress. */
  stop(): Promise<void>;
}

export function startCheckpoints(snapshot: () => Result, opts: CheckpointOptions): Checkpoints {
  const stats: CheckpointStats = { written: 0, skipped: 0, failed: 0, buildMsTotal: 0, buildMsMax: 0 };
  let saving: Promise<void> | undefined;
  const tick = (): void => {
    if (saving !== undefined) {
      stats.skipped++;
      return;
    }
    const t0 = performance.now();
    let saved: Promise<void>;
    try {
      // The synchronous part of save() (serializing) runs before it returns: it is counted too.
      saved = opts.sink.save(snapshot());
    } catch (err) {
      // A checkpoint must never take the run down with it.
      stats.failed++;
      opts.onError?.(err);
      return;
    }
    const buildMs = performance.now() - t0;
    stats.buildMsTotal += buildMs;
    if (buildMs > stats.buildMsMax) stats.buildMsMax = buildMs;
    saving = saved.then(
      () => void stats.written++,
      (err: unknown) => {
        stats.failed++;
        opts.onError?.(err);
      },
    ).finally(() => (saving = undefined));
  };
  const timer = setInterval(tick, opts.everyMs);
  timer.unref();
  return {
    stats,
    async stop() {
      clearInterval(timer);
      await saving;
    },
  };
}
