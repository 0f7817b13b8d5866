/**
 * diff on real runs: the same profile against the built-in emulator, once with a function that
 * sleeps 5 ms and once with it slowed to 40 ms. The slowed run must read worse and fail the gate.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diffResults } from '../../src/diff/diff.js';
import { parseFailOn } from '../../src/diff/fail-on.js';
import { parseProfileText } from '../../src/profile/index.js';
import { runProfile } from '../../src/run/run-profile.js';

const profilesDir = fileURLToPath(new URL('../../profiles/', import.meta.url));

function profile(sleepMs: number): string {
  return `name: slowdown
target:
  kind: lambda
  function: slow
  payload: {}
  timeout: 5s
  local:
    functions:
      slow:
        handler: functions/slow.handler
        memory: 128
        timeout: 3s
        concurrency: 4
        environment: { SLEEP_MS: "${sleepMs}" }
load:
  maxInFlight: 200
  phases:
    - constant: { rate: 25, duration: 3s }
`;
}

async function run(sleepMs: number) {
  return runProfile(parseProfileText(profile(sleepMs), { file: 'slowdown.yaml', baseDir: profilesDir, env: {} }));
}

describe('diff of runs against the local emulator', () => {
  it('reads a slowed-down function as worse and fails its gate', async () => {
    const base = await run(5);
    const slowed = await run(40);
    // The first requests may be throttled while the four environments start; the rest are warm.
    expect(Math.min(base.counts.warm, slowed.counts.warm)).toBeGreaterThanOrEqual(40);
    const rules = parseFailOn(['warm.p50 > +50%', 'warm.p50 > +5000%']).rules;
    const d = diffResults([base], [slowed], { failOn: rules });
    const warm = d.rows.find((r) => r.metric === 'warm.p50')!;
    expect(warm.verdict).toBe('worse');
    expect(warm.delta!).toBeGreaterThan(20);
    expect(d.rows.find((r) => r.metric === 'all.p50')!.verdict).toBe('worse');
    expect(d.failOn.map((v) => v.pass)).toEqual([false, true]);
  }, 30_000);
});
