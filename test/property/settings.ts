/**
 * How long property tests run. `npm test` runs each property a bounded number of times from a
 * fixed seed, so a failure is reproducible and the suite stays fast; `npm run fuzz` sets
 * COLDBENCH_FUZZ_RUNS (and a fresh seed, printed by fast-check with any failure) for long runs.
 */
import fc from 'fast-check';

const fuzzRuns = Number(process.env.COLDBENCH_FUZZ_RUNS ?? '');
const fuzzSeed = Number(process.env.COLDBENCH_FUZZ_SEED ?? '');

/** fast-check parameters for a property run `runs` times in `npm test`. */
export function params(runs: number): fc.Parameters<unknown> {
  return {
    numRuns: Number.isFinite(fuzzRuns) && fuzzRuns > 0 ? fuzzRuns : runs,
    seed: Number.isFinite(fuzzSeed) && process.env.COLDBENCH_FUZZ_SEED !== undefined ? fuzzSeed : fuzzRuns > 0 ? Date.now() : 20_260_101,
    // The test's own timeout bounds a property run; vitest reports which one.
    endOnFailure: true,
  };
}

/** Whether this is a long fuzzing run (npm run fuzz): tests may raise their timeouts. */
export const FUZZING = Number.isFinite(fuzzRuns) && fuzzRuns > 0;
export const TIMEOUT_MS = FUZZING ? 3_600_000 : 20_000;
