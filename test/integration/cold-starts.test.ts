/**
 * The product's central claim: through the real AWS SDK, the cold starts coldbench reports are
 * exactly the emulator's ground truth, over a run with a burst wider than the warm pool, a
 * configuration update, an idle gap longer than the idle timeout, and throttling.
 */
import { UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { parseProfileText } from '../../src/profile/index.js';
import { runProfile } from '../../src/run/run-profile.js';
import type { Result } from '../../src/result/result.js';
import { client, fn, groundTruth, profilesDir } from '../emulator/helpers.js';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({
    baseDir: profilesDir,
    accountConcurrency: 1000,
    functions: {
      hello: fn('functions/hello.handler', { concurrency: 4, idleTimeoutMs: 1000, environment: { INIT_MS: '80' } }),
    },
  });
});

afterAll(async () => {
  await emulator?.close();
});

describe('cold starts against the emulator, through the SDK', () => {
  let result: Result;

  beforeAll(async () => {
    const loaded = parseProfileText(
      `name: detection
target:
  kind: lambda
  function: hello
  endpoint: ${emulator.endpoint}
  payload: { name: "{{seq}}" }
load:
  maxInFlight: 100
  phases:
    - constant: { rate: 20, duration: 1500ms }
    - burst: { count: 6 }
    - constant: { rate: 20, duration: 1s }
    - idle: 1600ms
    - constant: { rate: 10, duration: 1s }
    - burst: { count: 16 }
`,
      { file: 'detection.yaml', baseDir: profilesDir, env: {} },
    );
    // Mid-run, a configuration update retires every environment: the next invocations are cold.
    const update = new Promise<void>((resolve, reject) => {
      setTimeout(() => {
        client(emulator.endpoint)
          .send(new UpdateFunctionConfigurationCommand({ FunctionName: 'hello', Environment: { Variables: { INIT_MS: '80', REV: '2' } } }))
          .then(() => resolve(), reject);
      }, 2000);
    });
    result = await runProfile(loaded);
    await update;
  }, 60_000);

  it('reports exactly the cold starts of the ground truth, no more, no fewer', async () => {
    const truth = (await groundTruth(emulator.endpoint)).filter((i) => i.function === 'hello');
    const truthCold = truth.filter((i) => i.firstInEnvironment).map((i) => i.requestId).sort();
    const reported = result.coldStarts.filter((c) => c.class === 'cold' || c.class === 'proactive').map((c) => c.requestId).sort();
    expect(truthCold.length).toBeGreaterThanOrEqual(4);
    expect(reported).toEqual(truthCold);
    expect(result.counts.cold + result.counts.proactive).toBe(truthCold.length);
    expect(result.counts.unknown).toBe(0);
    const ran = truth.filter((i) => i.status !== 'throttled').length;
    expect(result.counts.warm + result.counts.cold + result.counts.proactive).toBe(ran);
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
    expect(result.init?.count).toBe(result.counts.cold + result.counts.proactive);
    expect(result.init?.min).toBeGreaterThanOrEqual(80);
    expect(result.billed?.count).toBe(result.counts.sent - result.counts.throttles);
    expect(result.cost?.invocations).toBe(result.counts.sent - result.counts.throttles);
    expect(result.cost?.per1M).toBeGreaterThan(0.2);
    expect(result.latency.cold.p50).toBeGreaterThan(result.latency.warm.p50);
  });
});
