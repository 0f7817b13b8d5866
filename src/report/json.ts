/** JSON output: the result as saved, or the diff record. Infinity (a change from 0) prints as null. */
import type { Diff } from '../diff/types.js';
import type { Result } from '../result/result.js';

export function resultJson(result: Result): string {
  return JSON.stringify(result, null, 2);
}

export function diffJson(diff: Diff): string {
  return JSON.stringify(diff, null, 2);
}
