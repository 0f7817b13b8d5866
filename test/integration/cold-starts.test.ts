/**
 * The product's central claim: through both clients (the fast path and the AWS SDK's
 * InvokeCommand, both on the real SDK's credentials, endpoint and signer), the cold starts coldbench reports are
 * exactly the emulator's ground truth, over a run with a burst wider than the warm pool, a
 * configuration update, an idle gap longer than the idle timeout, and throttling. The emulator
 * never initializes an environment ahead of a request, so every cold start is `cold`, none
 * `proactive`; the update's and the idle gap's cold starts are checked one by one.
 */
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { parseProfileText } from '../../src/profile/index.js';
import { runProfile } from '../../src/run/run-profile.js';
import type { Result } from '../../src/result/result.js';
import { client, fn, groundTruth, profilesDir } from '../emulator/helpers.js';
import { until } from '../helpers/procs.js';

// Each client (target.client) runs against an emulator of its own: the ground truth is its alone.
describe.each(['fast', 'sdk'] as const)('cold starts against the emulator, client %s', (kind) => {
  let emulator: Emulator;
  /** Epoch ms: the update was sent, and answered (every environment older than it is retired). */
  let updateSentAt = 0;
  let updatedAt = 0;
  let result: Result;
  const steps: string[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({
      baseDir: profilesDir,
      accountConcurrency: 1000,
      functions: {
        hello: fn('functions/hello.handler', { concurrency: 4, idleTimeoutMs: 1000, environment: { INIT_MS: '80' } }),
      },
    });
    const loaded = parseProfileText(
      `name: detection
target:
  kind: lambda
  function: hello
  endpoint: ${emulator.endpoint}
  client: ${kind}
  payload: { name: "{{seq}}" }
load:
  maxInFlight: 100
  phases:
    - constant: { rate: 20, duration: 1500ms }
    - burst: { count: 6 }
    - constant: { rate: 20, duration: 1s }
    - idle: 3s
    - constant: { rate: 10, duration: 1s }
    - burst: { count: 16 }
`,
      { file: 'detection.yaml', baseDir: profilesDir, env: {} },
    );
    // Mid-run, a configuration update retires every environment: the next invocations are cold.
    // It goes once ten invocations have run and an environment is alive, not at a fixed 2 s: on
    // a loaded machine that instant fell in the idle gap, after every environment had already
    // been evicted as idle, and no environment was left for the update to retire. The client's
    // first call (loading and signing) is made before the run, so the update leaves at once.
    const updater = client(emulator.endpoint);
    await updater.send(new GetFunctionConfigurationCommand({ FunctionName: 'hello' }));
    const update = (async () => {
      const ran = () => emulator.invocations().filter((i) => i.status === 'success').length;
      await until(() => ran() >= 10 && emulator.environments().some((e) => e.retiredAt === undefined), 30_000);
      updateSentAt = Date.now();
      await updater.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'hello', Environment: { Variables: { INIT_MS: '80', REV: '2' } } }));
      updatedAt = Date.now();
      updater.destroy();
    })();
    result = await runProfile(loaded, { onStep: (message) => steps.push(message) });
    await update;
  }, 60_000);

  afterAll(async () => {
    await emulator?.close();
  });

  it('says which client sent the invokes: in the result and in the step line before the load', () => {
    expect(result.target.client).toBe(kind);
    expect(steps.filter((s) => s.startsWith('checking function hello'))).toEqual([expect.stringContaining(`target.client ${kind}:`)]);
  });

  it('reports exactly the cold starts of the ground truth, no more, no fewer, all of them cold', async () => {
    const truth = (await groundTruth(emulator.endpoint)).filter((i) => i.function === 'hello');
    const truthCold = truth.filter((i) => i.firstInEnvironment).map((i) => i.requestId).sort();
    expect(truthCold.length).toBeGreaterThanOrEqual(4);
    // The emulator initializes only for a request that waits: nothing may be called proactive.
    expect(result.counts.proactive).toBe(0);
    expect(result.coldStarts.filter((c) => c.class !== 'cold')).toEqual([]);
    expect(result.coldStarts.map((c) => c.requestId).sort()).toEqual(truthCold);
    expect(result.counts.cold).toBe(truthCold.length);
    expect(result.counts.unknown).toBe(0);
    const ran = truth.filter((i) => i.status !== 'throttled').length;
    expect(result.counts.warm + result.counts.cold).toBe(ran);
  });

  it('reports the cold start after the configuration update, which retired the warm environments', async () => {
    expect(updatedAt).toBeGreaterThan(0);
    const environments = emulator.environments().filter((e) => e.function === 'hello');
    expect(environments.filter((e) => e.reason === 'update').length).toBeGreaterThan(0);
    const truth = (await groundTruth(emulator.endpoint)).filter((i) => i.function === 'hello' && i.status !== 'throttled');
    const after = truth.filter((i) => i.startedAt > updatedAt).sort((a, b) => a.startedAt - b.startedAt);
    expect(after.length).toBeGreaterThan(0);
    // The first invocation after the update ran in a new environment, and coldbench says cold.
    expect(after[0]!.firstInEnvironment).toBe(true);
    expect(result.coldStarts.find((c) => c.requestId === after[0]!.requestId)?.class).toBe('cold');
    // No invocation after the update ran in an environment from before it.
    const createdAt = new Map(environments.map((e) => [e.id, e.createdAt]));
    for (const i of after) expect(createdAt.get(i.environmentId!)).toBeGreaterThanOrEqual(updateSentAt);
  });

  it('reports the cold start after the idle gap, which outlived every warm environment', async () => {
    // Every invocation the emulator received, throttled ones too, in the order they arrived: the
    // 56 planned before the idle phase (30 + a burst of 6 + 20), then the ones after it.
    const all = (await groundTruth(emulator.endpoint)).filter((i) => i.function === 'hello').sort((a, b) => a.startedAt - b.startedAt);
    const before = all.slice(0, 56);
    const first = all[56]!;
    // The precondition: the gap the emulator saw is longer than the 1 s idle timeout.
    expect(first.startedAt - before.at(-1)!.startedAt).toBeGreaterThan(1000);
    expect(first.firstInEnvironment).toBe(true);
    expect(result.coldStarts.find((c) => c.requestId === first.requestId)?.class).toBe('cold');
    // Every environment that served before the gap was evicted as idle (or retired by the update), not reused.
    const used = new Set(before.map((i) => i.environmentId).filter((id) => id !== null));
    const environments = emulator.environments().filter((e) => used.has(e.id));
    expect(environments.filter((e) => e.reason === 'idle').length).toBeGreaterThan(0);
    for (const e of environments) {
      expect(['idle', 'update']).toContain(e.reason);
      expect(e.retiredAt!).toBeLessThanOrEqual(first.startedAt);
    }
    for (const i of all.slice(56)) expect(used.has(i.environmentId)).toBe(false);
  });

  it('counts throttles apart from errors, by reason, and never retries', async () => {
    const truth = (await groundTruth(emulator.endpoint)).filter((i) => i.function === 'hello');
    const throttled = truth.filter((i) => i.status === 'throttled');
    expect(throttled.length).toBeGreaterThan(0);
    expect(result.counts.throttles).toBe(throttled.length);
    expect(result.throttles).toEqual({ ReservedFunctionConcurrentInvocationLimitExceeded: throttled.length });
    expect(result.counts.errors).toBe(0);
    // One request reached the emulator per request sent: nothing was retried.
    expect(truth.length).toBe(result.counts.sent);
  });

  it('records init durations, billed durations and cost from the REPORT lines', () => {
    expect(result.init?.count).toBe(result.counts.cold);
    expect(result.init?.min).toBeGreaterThanOrEqual(80);
    expect(result.billed?.count).toBe(result.counts.sent - result.counts.throttles);
    expect(result.cost?.invocations).toBe(result.counts.sent - result.counts.throttles);
    expect(result.cost?.per1M).toBeGreaterThan(0.2);
    expect(result.latency.cold.p50).toBeGreaterThan(result.latency.warm.p50);
  });
});
