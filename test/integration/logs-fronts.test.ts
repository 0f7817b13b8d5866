/**
 * Cold starts behind deployed endpoints and of async invokes, read from the function's logs, are
 * exactly the emulator's ground truth: an HTTP run against its Function URL front and one against
 * its API Gateway-like front (joined through the access log), each with a burst wider than the
 * warm pool, an idle gap past the idle timeout and throttling; and async (Event) invokes of a
 * function that fails, with their retries, through both Lambda clients (target.client).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import type { Emulator, GroundTruthInvocation } from '../../src/emulator/index.js';
import { parseProfileText } from '../../src/profile/index.js';
import type { Result } from '../../src/result/result.js';
import { runProfile } from '../../src/run/run-profile.js';
import { fn, groundTruth, profilesDir } from '../emulator/helpers.js';

let emulator: Emulator;

/** The Lambda clients the async runs go through, each with its two functions (text and JSON logs). */
const ASYNC_CLIENTS = [
  ['fast', 'events', 'eventsJson'],
  ['sdk', 'eventsSdk', 'eventsJsonSdk'],
] as const;

beforeAll(async () => {
  emulator = await startEmulator({
    baseDir: profilesDir,
    accountConcurrency: 1000,
    functions: {
      url: fn('functions/hello.handler', { concurrency: 4, idleTimeoutMs: 1000, environment: { INIT_MS: '80' }, logDelayMs: 700 }),
      gw: fn('functions/hello.handler', { concurrency: 4, idleTimeoutMs: 1000, environment: { INIT_MS: '80' }, logDelayMs: 700, logFormat: 'JSON' }),
      // One copy per Lambda client (target.client), so each run has a ground truth of its own.
      ...Object.fromEntries(
        ASYNC_CLIENTS.flatMap(([, events, eventsJson]) => [
          [events, fn('functions/flaky.handler', { idleTimeoutMs: 60_000, environment: { FAIL_RATE: '0' }, logDelayMs: 300, asyncRetries: 2, asyncRetryDelayMs: 200 })],
          [eventsJson, fn('functions/flaky.handler', { idleTimeoutMs: 60_000, environment: { FAIL_RATE: '0' }, logDelayMs: 300, asyncRetries: 2, asyncRetryDelayMs: 200, logFormat: 'JSON' })],
        ]),
      ),
    },
  });
});

afterAll(async () => {
  await emulator?.close();
});

const LOAD = `load:
  maxInFlight: 100
  phases:
    - constant: { rate: 20, duration: 1s }
    - burst: { count: 6 }
    - constant: { rate: 20, duration: 500ms }
    - idle: 1600ms
    - constant: { rate: 10, duration: 500ms }
    - burst: { count: 10 }
`;

/** Thresholds on cold starts hold for HTTP runs too, once starts come from the logs. */
const THRESHOLDS = `thresholds:
  - "cold.count >= 1"
  - "init.p50 < 60s"
  - "cold.rate < 90%"
`;

function run(target: string, name: string): Promise<Result> {
  return runProfile(parseProfileText(`name: ${name}\n${target}${LOAD}${THRESHOLDS}`, { file: `${name}.yaml`, baseDir: profilesDir, env: {} }));
}

/** The ground truth of one function's invocations that ran (throttled ones never reached an environment). */
async function ran(name: string): Promise<GroundTruthInvocation[]> {
  return (await groundTruth(emulator.endpoint)).filter((i) => i.function === name && i.status !== 'throttled');
}

describe('cold starts behind HTTP fronts, from the logs', () => {
  it('reports per request exactly the ground truth behind the Function URL front', async () => {
    const result = await run(
      `target:
  kind: http
  url: ${emulator.functionUrl('url')}
  coldStart: { logs: { function: url, endpoint: ${emulator.endpoint}, wait: 20s, poll: 300ms } }
`,
      'function-url',
    );
    const truth = await ran('url');
    const cold = truth.filter((i) => i.firstInEnvironment).map((i) => i.requestId);
    expect(result.counts.throttles).toBeGreaterThan(0);
    expect(cold.length).toBeGreaterThanOrEqual(5); // the first burst, and again after the idle gap
    expect(result.counts).toMatchObject({ cold: cold.length, warm: truth.length - cold.length, proactive: 0, unknown: 0 });
    expect(result.coldStarts.map((e) => e.requestId).sort()).toEqual([...cold].sort());
    expect(result.logs).toMatchObject({ matched: truth.length, unmatched: 0, complete: true });
    expect(result.init!.count).toBe(cold.length);
    expect(result.billed!.count).toBe(truth.length);
    expect(result.cost).not.toBeNull();
    expect(result.thresholds.map((t) => [t.rule, t.pass, t.actual])).toEqual([
      ['cold.count >= 1', true, cold.length],
      ['init.p50 < 60s', true, result.init!.p50],
      ['cold.rate < 90%', true, result.coldStartRate],
    ]);
  });

  it('reports per request exactly the ground truth behind the API Gateway front, through its access log', async () => {
    const result = await run(
      `target:
  kind: http
  url: ${emulator.apiGatewayUrl('gw')}
  coldStart:
    logs:
      function: gw
      endpoint: ${emulator.endpoint}
      wait: 20s
      poll: 300ms
      accessLog: { logGroup: ${emulator.accessLogGroup('gw')} }
`,
      'api-gateway',
    );
    const all = (await groundTruth(emulator.endpoint)).filter((i) => i.function === 'gw');
    const truth = all.filter((i) => i.status !== 'throttled');
    const throttled = all.filter((i) => i.status === 'throttled');
    const cold = truth.filter((i) => i.firstInEnvironment);
    expect(throttled.length).toBeGreaterThan(0);
    // API Gateway answers a throttled call 500: an error to the client, "not invoked" in the join.
    expect(result.counts.errors).toBe(throttled.length);
    expect(result.counts).toMatchObject({ cold: cold.length, warm: truth.length - cold.length, unknown: 0 });
    expect(result.coldStarts.map((e) => e.requestId).sort()).toEqual(cold.map((i) => i.requestId).sort());
    expect(result.logs).toMatchObject({ matched: truth.length, notInvoked: throttled.length, throttledBehindFront: throttled.length, complete: true });
    expect(result.logs!.accessLogGroup).toBe('/aws/apigateway/gw');
    expect(result.logs!.filterPattern).toContain('platform.report');
  });
});

describe.each(ASYNC_CLIENTS)('async (Event) invokes, from the logs, client %s', (kind, events, eventsJson) => {
  it('gives queue delay, end-to-end time, cold starts and retries as the ground truth has them', async () => {
    const result = await runProfile(
      parseProfileText(
        `name: async
target:
  kind: lambda
  function: ${events}
  endpoint: ${emulator.endpoint}
  client: ${kind}
  invocationType: Event
  payload: { fail: false }
  coldStart: { logs: { wait: 3s, poll: 300ms } }
load:
  phases:
    - burst: { count: 3 }
    - constant: { rate: 10, duration: 1s }
`,
        { file: 'async.yaml', baseDir: profilesDir, env: {} },
      ),
    );
    const truth = (await groundTruth(emulator.endpoint)).filter((i) => i.function === events);
    expect(result.target.client).toBe(kind);
    const firsts = truth.filter((i) => i.attempt === 1 || i.attempt === undefined);
    expect(firsts).toHaveLength(13);
    expect(result.counts).toMatchObject({ sent: 13, ok: 13, unknown: 0 });
    expect(result.counts.cold).toBe(firsts.filter((i) => i.firstInEnvironment).length);
    expect(result.async).toMatchObject({ retries: 0, neverRan: 0, attempts: { '1': 13 } });
    expect(result.async!.queueDelay.count).toBe(13);
    expect(result.async!.endToEnd.count).toBe(13);
    // End to end covers the run of the function: at least its Duration.
    expect(result.async!.endToEnd.min).toBeGreaterThan(0);
    // A text REPORT does not say whether an attempt failed: a retry may still come, so the reading
    // went on for the whole wait.
    expect(result.logs!.waitedMs).toBeGreaterThanOrEqual(2900);
  });

  it('counts the retries Lambda makes of failed async events, one REPORT per attempt', async () => {
    const result = await runProfile(
      parseProfileText(
        `name: async-retries
target:
  kind: lambda
  function: ${eventsJson}
  endpoint: ${emulator.endpoint}
  client: ${kind}
  invocationType: Event
  payload: { fail: true }
  coldStart: { logs: { wait: 20s, poll: 300ms } }
load:
  phases:
    - constant: { rate: 4, duration: 1s }
`,
        { file: 'async-retries.yaml', baseDir: profilesDir, env: {} },
      ),
    );
    const truth = (await groundTruth(emulator.endpoint)).filter((i) => i.function === eventsJson && i.status === 'error');
    // Every event fails three times (the first attempt and two retries, 200 ms then 400 ms later).
    expect(truth).toHaveLength(4 * 3);
    expect(result.async).toMatchObject({ retries: 8, neverRan: 0, attempts: { '3': 4 } });
    expect(result.logs).toMatchObject({ matched: 4, unmatched: 0 });
    // Lambda bills every attempt: the retries are invocations of their own.
    expect(result.cost).toMatchObject({ invocations: 12, unreported: 0 });
    expect(result.billed!.count).toBe(12);
    // A JSON REPORT says each attempt failed: the reading waited for the last retries, not the whole wait.
    expect(result.logs!.waitedMs).toBeLessThan(20_000);
  });
});
