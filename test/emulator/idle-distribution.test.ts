/**
 * Idle timeouts drawn from a distribution: each new environment draws its own, in creation order
 * from the seed, and is evicted that long after its last invocation ended.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/schedule/prng.js';
import { sampler } from '../../src/util/quantiles.js';
import { emulatorFor, eventually, fn, groundTruth } from './helpers.js';

const QUANTILES = [200, 300, 700];
const h = emulatorFor({
  spread: fn('profiles/functions/hello.handler', {
    idleTimeoutMs: 300,
    idleTimeoutDistribution: { quantilesMs: QUANTILES, seed: 7 },
    environment: { WORK_MS: '150' },
  }),
  fixed: fn('profiles/functions/hello.handler', { idleTimeoutMs: 250 }),
});

describe('idle timeout from a distribution', () => {
  it('gives each environment its own seeded draw and evicts it that long after its last invocation', async () => {
    const count = 6;
    // All at once, each lasting 150 ms: one new environment per invocation.
    await Promise.all(Array.from({ length: count }, () => h.lambda.send(new InvokeCommand({ FunctionName: 'spread', Payload: '{}' }))));
    const expected = Array.from({ length: count }, sampler(QUANTILES, mulberry32(7))).sort((a, b) => a - b);
    const envs = () => h.emu.environments().filter((e) => e.function === 'spread');
    expect(envs()).toHaveLength(count);
    expect(envs().map((e) => e.idleTimeoutMs).sort((a, b) => a! - b!)).toEqual(expected);
    expect(new Set(expected).size).toBe(count);
    for (const t of expected) {
      expect(t).toBeGreaterThanOrEqual(200);
      expect(t).toBeLessThanOrEqual(700);
    }
    const retired = await eventually(async () => (envs().every((e) => e.retiredAt !== undefined) ? envs() : undefined));
    const truth = (await groundTruth(h.emu.endpoint)).filter((i) => i.function === 'spread');
    for (const env of retired) {
      const lastEnd = Math.max(...truth.filter((i) => i.environmentId === env.id).map((i) => i.endedAt));
      expect(env.reason).toBe('idle');
      // Never before the timeout (the emulator checks its clock when the timer fires); a busy
      // machine may fire it late.
      expect(env.retiredAt! - lastEnd).toBeGreaterThanOrEqual(env.idleTimeoutMs!);
      expect(env.retiredAt! - lastEnd).toBeLessThan(env.idleTimeoutMs! + 250);
    }
  });

  it('keeps a fixed idle timeout the same for every environment', async () => {
    await Promise.all([1, 2, 3].map(() => h.lambda.send(new InvokeCommand({ FunctionName: 'fixed', Payload: '{}' }))));
    expect(h.emu.environments().filter((e) => e.function === 'fixed').every((e) => e.idleTimeoutMs === 250)).toBe(true);
  });
});
