/**
 * Live progress of a run: a line rewritten four times a second on a TTY, or a plain line every
 * 10 seconds otherwise (CI logs).
 */
import type { Counts } from '../result/result.js';
import type { Output } from './output.js';

/** What the line shows: a run's live counts (a Runner, or the sum of a run's workers). */
export interface ProgressSource {
  readonly recorder: { readonly counts: Counts };
  inFlight(): number;
  /** Requests whose start waits for the function's logs (absent when none are read). */
  pendingStarts?(): number;
}

export interface ProgressOptions {
  out: Output;
  /** Planned length of the run, ms (undefined when the closed model runs by iterations). */
  totalMs: number | undefined;
  enabled: boolean;
}

export function startProgress(state: ProgressSource, opts: ProgressOptions): () => void {
  if (!opts.enabled) return () => undefined;
  const tty = opts.out.stderrIsTTY;
  const started = Date.now();
  let lastSent = 0;
  let lastAt = started;
  const tick = (): void => {
    const now = Date.now();
    const c = state.recorder.counts;
    const ratePerSec = ((c.sent - lastSent) * 1000) / Math.max(1, now - lastAt);
    lastSent = c.sent;
    lastAt = now;
    const elapsed = `${((now - started) / 1000).toFixed(1)}s`;
    const total = opts.totalMs === undefined ? '' : ` / ${(opts.totalMs / 1000).toFixed(0)}s`;
    const line =
      `[${elapsed}${total}] ${ratePerSec.toFixed(0)}/s  in-flight ${state.inFlight()}  ` +
      `sent ${c.sent}  ok ${c.ok}  errors ${c.errors}  throttled ${c.throttles}  dropped ${c.dropped}  cold ${c.cold}` +
      (state.pendingStarts === undefined ? '' : `  awaiting logs ${state.pendingStarts()}`);
    if (tty) opts.out.status(line);
    else opts.out.error(line);
  };
  const timer = setInterval(tick, tty ? 250 : 10_000);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (tty) opts.out.clearStatus();
  };
}
