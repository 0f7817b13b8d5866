/**
 * Limits that need an emulator of their own: Lambda's init limit (made short here) with the
 * suppressed init that follows, the account-wide concurrency limit, and the scale rate.
 */
import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { client, fn, profilesDir, tail, text } from './helpers.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function invokeAll(e: Emulator, name: string, count: number, payload: unknown) {
  const lambda = client(e.endpoint);
  const send = () => lambda.send(new InvokeCommand({ FunctionName: name, LogType: 'Tail', Payload: JSON.stringify(payload) }));
  const results = await Promise.allSettled(Array.from({ length: count }, send));
  lambda.destroy();
  return results;
}

function reasons(results: PromiseSettledResult<InvokeCommandOutput>[]): string[] {
  return results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as { Reason: string }).Reason);
}

describe('limits', () => {
  it('times out a slow init, retries it inside the invocation, and reports both INIT_REPORT lines', async () => {
    emu = await startEmulator(
      {
        baseDir: profilesDir,
        accountConcurrency: 10,
        functions: { slowInit: fn('functions/hello.handler', { timeoutMs: 800, environment: { INIT_MS: '5000' } }) },
      },
      { initTimeoutMs: 300 },
    );
    const [result] = await invokeAll(emu, 'slowInit', 1, {});
    expect(result?.status).toBe('fulfilled');
    const out = (result as PromiseFulfilledResult<InvokeCommandOutput>).value;
    expect(out.FunctionError).toBe('Unhandled');
    expect(JSON.parse(text(out.Payload))).toMatchObject({ errorType: 'Sandbox.Timedout' });
    const log = tail(out.LogResult);
    expect(log).toMatch(/INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\tStatus: timeout\n/);
    expect(log).toMatch(/INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: invoke\tStatus: timeout\n/);
    expect(log).toMatch(/\tStatus: timeout\t\n$/);
    const truth = emu.invocations()[0];
    expect(truth).toMatchObject({ status: 'timeout', suppressedInit: true });
    expect(emu.environments().map((e) => e.reason)).toEqual(['init-timeout', 'init-timeout']);
  });

  it('throttles past the account limit with ConcurrentInvocationLimitExceeded', async () => {
    emu = await startEmulator({
      baseDir: profilesDir,
      accountConcurrency: 2,
      functions: { slow: fn('functions/slow.handler') },
    });
    const results = await invokeAll(emu, 'slow', 3, { sleepMs: 500 });
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(reasons(results)).toEqual(['ConcurrentInvocationLimitExceeded']);
  });

  it('limits new environments per second with scaleRate', async () => {
    emu = await startEmulator({
      baseDir: profilesDir,
      accountConcurrency: 10,
      functions: { slow: fn('functions/slow.handler', { scaleRatePerSec: 1 }) },
    });
    const results = await invokeAll(emu, 'slow', 2, { sleepMs: 300 });
    expect(reasons(results)).toEqual(['FunctionInvocationRateLimitExceeded']);
    expect(emu.environments()).toHaveLength(1);
  });
});
