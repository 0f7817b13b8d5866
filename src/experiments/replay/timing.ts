/**
 * The function's duration and init for the simulator: given on the command line, or taken from a
 * measured run's result file (and then said so).
 *
 * From a result: the mean REPORT Duration is (sum of Billed Duration - sum of Init Duration) /
 * invocations, since Billed Duration includes the init since 2025-08-01 (LAMBDA-FACTS 1.2; the
 * emulator bills the same way), rounded up to whole milliseconds, which the mean absorbs within
 * half a millisecond; the init is the run's Init Duration p50.
 */
import { UsageError } from '../../errors.js';
import type { Result } from '../../result/result.js';
import type { FunctionTiming } from './plan.js';

export interface TimingFlags {
  durationMs?: number;
  initMs?: number;
}

export function functionTiming(flags: TimingFlags, measured?: { file: string; result: Result }): FunctionTiming {
  const parts: string[] = [];
  let durationMs = flags.durationMs;
  let initMs = flags.initMs;
  if (durationMs !== undefined) parts.push('duration from --duration');
  if (initMs !== undefined) parts.push('init from --init');
  if (measured !== undefined) {
    const { billed, init } = measured.result;
    if (durationMs === undefined && billed !== null && billed.count > 0) {
      const initSum = init === null ? 0 : init.mean * init.count;
      durationMs = Math.max(0, (billed.mean * billed.count - initSum) / billed.count);
      parts.push(`duration: the mean REPORT Duration of ${billed.count} invocations in ${measured.file}`);
    }
    if (initMs === undefined && init !== null && init.count > 0) {
      initMs = init.p50;
      parts.push(`init: the Init Duration p50 of ${init.count} cold starts in ${measured.file}`);
    }
  }
  if (durationMs === undefined) {
    throw new UsageError('the simulator needs the function\'s duration', 'pass --duration 120ms, or --measured results/<run>.json to take it from a measured run');
  }
  if (initMs === undefined) {
    throw new UsageError('the simulator needs the function\'s init duration', 'pass --init 400ms, or --measured with a run that had cold starts');
  }
  return { durationMs, initMs, source: parts.join('; ') };
}
