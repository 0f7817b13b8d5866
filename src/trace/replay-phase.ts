/**
 * A replay phase as written (file, format, window) -> the phase the schedule plans: the file is
 * read once here, while the profile is loaded, and only the window is kept.
 */
import { resolve } from 'node:path';
import type { ReplayPhase, ReplaySource } from '../profile/types.js';
import { readTrace, traceWindow } from './index.js';
import type { TraceProblem } from './types.js';

export interface ReadContext {
  baseDir: string;
  readFile: (absolutePath: string) => string;
}

export function replayPhase(source: ReplaySource, context: ReadContext): ReplayPhase | TraceProblem {
  const file = resolve(context.baseDir, source.file);
  let text: string;
  try {
    text = context.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return { field: 'file', message: `cannot read ${file} (${code})` };
  }
  const trace = readTrace(text, source.format, source.function);
  if (!trace.ok) return trace.problem;
  const window = traceWindow(trace.value, source.fromMs, source.durationMs);
  if (!window.ok) return window.problem;
  return {
    kind: 'replay',
    trace: window.value,
    speedup: source.speedup,
    scale: source.scale,
    spread: source.spread,
    seed: source.seed,
    label: labelOf(source, trace.value.kind === 'per-minute' ? trace.value.firstMinuteLabel : undefined, window.value.windowMs),
  };
}

function labelOf(source: ReplaySource, firstMinuteLabel: number | undefined, windowMs: number): string {
  const fn = source.function === undefined ? '' : ` function ${source.function}`;
  const minutes = windowMs / 60_000;
  const span = firstMinuteLabel === undefined
    ? `${source.fromMs / 60_000}m + ${Number(minutes.toFixed(3))}m`
    : `minutes ${firstMinuteLabel + source.fromMs / 60_000} to ${firstMinuteLabel + source.fromMs / 60_000 + minutes - 1}`;
  return `${source.file} (${source.format}${fn}, ${span}${source.speedup === 1 ? '' : `, ${source.speedup}x faster`}${source.scale === 1 ? '' : `, scale ${source.scale}`})`;
}
