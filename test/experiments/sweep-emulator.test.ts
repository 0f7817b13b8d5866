/**
 * The keep-alive sweep end to end against the built-in emulator, through the path AWS users take
 * (deployed functions named with --functions), with each function's idle timeout drawn per
 * environment from a known distribution. The emulator runs in this process, so its ground truth
 * is at hand: the sweep's cold count at every gap must be exactly the emulator's, and the
 * distribution's median must lie inside the keep-alive interval the sweep reports.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroundTruthInvocation } from '../../src/emulator/index.js';
import { startLocalEmulator } from '../../src/run/local.js';
import type { LocalEmulator } from '../../src/run/local.js';
import { prepareSweep } from '../../src/experiments/sweep/index.js';
import type { SweepResult } from '../../src/experiments/sweep/index.js';
import { parseProfileText } from '../../src/profile/index.js';
import { medianOf } from '../../src/util/quantiles.js';
import { fn, groundTruth } from '../emulator/helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const QUANTILES = [2000, 4000];
const GAPS = [1400, 2400, 3000, 3600, 4600];
const FUNCTIONS = ['f1', 'f2', 'f3', 'f4', 'f5'];
const SAMPLES = 8;
// f1 gets the longest gap, f5 the shortest (one gap per function, longest first). With these
// seeds no environment's timeout is within 350 ms above its gap, so a busy machine's delays
// cannot turn a warm sample cold; the test's own checks do not depend on it.
const SEED = 21;

let emu: LocalEmulator;
let result: SweepResult;
let truth: GroundTruthInvocation[];

beforeAll(async () => {
  const functions = Object.fromEntries(
    FUNCTIONS.map((name, i) => [
      name,
      // Each invocation waits 1.5 s (no CPU): a burst of 8 finds 8 environments even while the
      // emulator, on a loaded machine, spawns the 8 processes one after the other (with 500 ms,
      // one warm-up in seven stressed runs found 7).
      fn('profiles/functions/hello.handler', { idleTimeoutMs: 3000, idleTimeoutDistribution: { quantilesMs: QUANTILES, seed: SEED + i }, environment: { WORK_MS: '1500' } }),
    ]),
  );
  emu = await startLocalEmulator({ baseDir: ROOT, accountConcurrency: 1000, functions });
  const loaded = parseProfileText(
    `name: sweep-test\ntarget: { kind: lambda, function: f1, endpoint: "${emu.endpoint}", payload: { name: sweep } }\nload: { phases: [ burst: { count: 1 } ] }\n`,
    { file: 'sweep.yaml', baseDir: ROOT, env: {} },
  );
  const prepared = await prepareSweep(loaded, { gapsMs: GAPS, samples: SAMPLES, functions: FUNCTIONS });
  expect(prepared.plan.lanes.map((l) => [l.function, l.gapsMs])).toEqual(FUNCTIONS.map((f, i) => [f, [GAPS[GAPS.length - 1 - i]]]));
  expect(prepared.plan.expectedMs).toBe(4600);
  result = await prepared.run();
  truth = await groundTruth(emu.endpoint);
}, 60_000);

afterAll(async () => {
  await emu?.close();
});

/** A function's invocations in order: warm-up, touches, then the probe's N. */
function probeOf(truth: GroundTruthInvocation[], name: string): GroundTruthInvocation[] {
  return truth.filter((i) => i.function === name).sort((a, b) => a.startedAt - b.startedAt).slice(-SAMPLES);
}

describe('a keep-alive sweep against the emulator', () => {
  it('measures every gap: a warm-up that starts N environments, then the probe', () => {
    expect(result.status).toBe('completed');
    expect(result.gaps.map((g) => [g.gapMs, g.function])).toEqual(GAPS.map((g, i) => [g, FUNCTIONS[GAPS.length - 1 - i]]));
    for (const g of result.gaps) {
      expect(g.status).toBe('measured');
      expect(g.warmup.cold).toBe(SAMPLES);
      expect(g.classified).toBe(SAMPLES);
      expect(g.measuredGapMs!).toBeGreaterThanOrEqual(g.gapMs);
    }
  });

  it('counts at every gap exactly the probe invocations the emulator ran in a new environment', () => {
    for (const g of result.gaps) {
      const probe = probeOf(truth, g.function);
      expect(probe.every((i) => i.status === 'success')).toBe(true);
      expect(g.newEnvironments, `gap ${g.gapMs}`).toBe(probe.filter((i) => i.firstInEnvironment).length);
    }
    // ...and the curve has both ends: all warm at the shortest gap, all gone at the longest.
    expect(result.gaps[0]!.pCold).toBe(0);
    expect(result.gaps.at(-1)!.pCold).toBe(1);
  });

  it('recovers the distribution: its median lies inside the keep-alive interval it reports', () => {
    const median = medianOf(QUANTILES);
    const k = result.keepAlive;
    expect(k.estimateMs).not.toBeNull();
    expect(k.lowMs!).toBeLessThanOrEqual(median);
    expect(k.highMs!).toBeGreaterThanOrEqual(median);
    expect(k.estimateMs!).toBeGreaterThan(k.lowMs!);
    expect(k.estimateMs!).toBeLessThan(k.highMs!);
  });

  it('reports the init durations of the environments started after each gap, and a cost', () => {
    const longest = result.gaps.at(-1)!;
    expect(longest.init!.count).toBe(SAMPLES);
    const probe = probeOf(truth, longest.function);
    expect(longest.init!.max).toBeCloseTo(Math.max(...probe.map((i) => i.initDurationMs!)), 0);
    expect(result.cost.invocations).toBeGreaterThanOrEqual(3 * SAMPLES * GAPS.length);
  });

  it('writes a result that matches docs/sweep-result.schema.json', async () => {
    const schema = JSON.parse(await readFile(resolve(ROOT, 'docs/sweep-result.schema.json'), 'utf8'));
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    ajv.validate(schema, JSON.parse(JSON.stringify(result)));
    expect(ajv.errors ?? []).toEqual([]);
  });
});
