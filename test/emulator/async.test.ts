/**
 * Async (Event) invocations as Lambda runs them: a failing event gets its retries with the same
 * request id, each attempt with its own START / REPORT and ground-truth record; throttled events
 * wait in the queue without using up a retry, and are discarded once too old.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { afterAttempt, type AsyncPolicy, FIRST_ATTEMPT } from '../../src/emulator/async-invoke.js';
import { type GroundTruthInvocation, startEmulator } from '../../src/emulator/index.js';
import { client, emulatorFor, eventually, filterAll, fn, groundTruth, repoRoot } from './helpers.js';

const flaky = 'profiles/functions/flaky.handler';
const h = emulatorFor({
  flaky: fn(flaky, { logDelayMs: 0, asyncRetryDelayMs: 100 }),
  once: fn(flaky, { logDelayMs: 0, asyncRetryDelayMs: 100, asyncRetries: 0 }),
  single: fn('profiles/functions/hello.handler', { logDelayMs: 0, concurrency: 1, environment: { WORK_MS: '600' } }),
  closed: fn(flaky, { concurrency: 0, asyncMaxEventAgeMs: 1500 }),
});

async function sendEvent(name: string, payload: unknown): Promise<{ requestId: string; sentAt: number }> {
  const sentAt = Date.now();
  const out = await h.lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: JSON.stringify(payload) }));
  expect(out.StatusCode).toBe(202);
  return { requestId: out.$metadata.requestId!, sentAt };
}

async function attemptsOf(requestId: string, count: number): Promise<GroundTruthInvocation[]> {
  return eventually(async () => {
    const found = (await groundTruth(h.emu.endpoint)).filter((i) => i.requestId === requestId);
    return found.length >= count ? found : undefined;
  });
}

describe('async invocations', () => {
  it('retries a failing event twice, keeping its request id: 3 attempts, 3 REPORTs', async () => {
    const { requestId, sentAt } = await sendEvent('flaky', { fail: true });
    const attempts = await attemptsOf(requestId, 3);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(attempts.every((a) => a.status === 'error' && a.invocationType === 'Event')).toBe(true);
    const acceptedAt = attempts[0]!.acceptedAt!;
    expect(attempts.every((a) => a.acceptedAt === acceptedAt)).toBe(true);
    expect(acceptedAt).toBeGreaterThanOrEqual(sentAt);
    expect(attempts[0]!.startedAt).toBeGreaterThanOrEqual(acceptedAt);
    // 100 ms before the second attempt, 200 ms before the third
    expect(attempts[1]!.startedAt - attempts[0]!.endedAt).toBeGreaterThanOrEqual(100);
    expect(attempts[2]!.startedAt - attempts[1]!.endedAt).toBeGreaterThanOrEqual(200);
    const reports = await filterAll(h.logs, { logGroupName: '/aws/lambda/flaky', filterPattern: `"REPORT RequestId: ${requestId}"` });
    const starts = await filterAll(h.logs, { logGroupName: '/aws/lambda/flaky', filterPattern: `"START RequestId: ${requestId}"` });
    expect(reports.events).toHaveLength(3);
    expect(starts.events).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 500));
    expect((await groundTruth(h.emu.endpoint)).filter((i) => i.requestId === requestId)).toHaveLength(3);
  });

  it('runs a successful event once, and a failing one once with asyncRetries 0', async () => {
    const ok = await sendEvent('flaky', { fail: false });
    const failed = await sendEvent('once', { fail: true });
    expect(await attemptsOf(ok.requestId, 1)).toMatchObject([{ attempt: 1, status: 'success' }]);
    expect(await attemptsOf(failed.requestId, 1)).toMatchObject([{ attempt: 1, status: 'error' }]);
    await new Promise((r) => setTimeout(r, 500));
    const truth = await groundTruth(h.emu.endpoint);
    expect(truth.filter((i) => i.requestId === ok.requestId)).toHaveLength(1);
    expect(truth.filter((i) => i.requestId === failed.requestId)).toHaveLength(1);
  });

  it('keeps a throttled event in the queue (not an attempt) and runs it once there is room', async () => {
    const busy = h.lambda.send(new InvokeCommand({ FunctionName: 'single', Payload: '{}' }));
    // The event goes once the busy invocation holds the one slot (its environment exists), not
    // after a fixed pause that a busy machine can outlast before the invoke arrives.
    await eventually(async () => h.emu.environments().find((e) => e.function === 'single'));
    const { requestId } = await sendEvent('single', {});
    await busy;
    const [run] = await attemptsOf(requestId, 1);
    expect(run).toMatchObject({ attempt: 1, status: 'success' });
    expect(run!.startedAt - run!.acceptedAt!).toBeGreaterThanOrEqual(1000); // the first throttle backoff is 1 s
  });

  it('discards a throttled event older than asyncMaxEventAge, recording it once as throttled', async () => {
    const { requestId } = await sendEvent('closed', {});
    const [discarded] = await attemptsOf(requestId, 1);
    expect(discarded).toMatchObject({ status: 'throttled', attempt: 1, throttleReason: 'ReservedFunctionConcurrentInvocationLimitExceeded' });
    expect(discarded!.startedAt - discarded!.acceptedAt!).toBeGreaterThanOrEqual(1000);
    await new Promise((r) => setTimeout(r, 300));
    expect((await groundTruth(h.emu.endpoint)).filter((i) => i.requestId === requestId)).toHaveLength(1);
  });

  it('holds many throttled events waiting at once without a listener warning in the output', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const sent = await Promise.all(Array.from({ length: 15 }, () => sendEvent('closed', {})));
      for (const { requestId } of sent) await attemptsOf(requestId, 1);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
  });

  it('does not make close() wait for a retry scheduled minutes away', async () => {
    const e = await startEmulator({ baseDir: repoRoot, accountConcurrency: 5, functions: { f: fn(flaky, { logDelayMs: 0 }) } });
    const l = client(e.endpoint);
    const out = await l.send(new InvokeCommand({ FunctionName: 'f', InvocationType: 'Event', Payload: '{"fail":true}' }));
    await eventually(async () => e.invocations().find((i) => i.requestId === out.$metadata.requestId));
    const t0 = Date.now();
    l.destroy();
    await e.close();
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe('the retry schedule', () => {
  const aws: AsyncPolicy = { retries: 2, retryDelayMs: 60_000, maxEventAgeMs: 6 * 3_600_000 };

  it('waits 1 min then 2 min between failed attempts, then stops (AWS defaults)', () => {
    const first = afterAttempt(aws, FIRST_ATTEMPT, 'error', 0);
    expect(first).toEqual({ kind: 'retry', waitMs: 60_000, state: { attempt: 2, throttleDelayMs: 1000 } });
    const second = afterAttempt(aws, { attempt: 2, throttleDelayMs: 1000 }, 'error', 61_000);
    expect(second).toEqual({ kind: 'retry', waitMs: 120_000, state: { attempt: 3, throttleDelayMs: 1000 } });
    expect(afterAttempt(aws, { attempt: 3, throttleDelayMs: 1000 }, 'error', 182_000)).toEqual({ kind: 'stop' });
    expect(afterAttempt(aws, FIRST_ATTEMPT, 'success', 0)).toEqual({ kind: 'stop' });
  });

  it('backs off throttles from 1 s, doubling to 5 min, without using up an attempt, until the event is too old', () => {
    let state = FIRST_ATTEMPT;
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      const step = afterAttempt(aws, state, 'throttled', 0);
      if (step.kind !== 'retry') throw new Error('stopped early');
      waits.push(step.waitMs);
      state = step.state;
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000, 300_000]);
    expect(state.attempt).toBe(1);
    expect(afterAttempt(aws, state, 'throttled', aws.maxEventAgeMs - 299_999)).toEqual({ kind: 'stop' });
    expect(afterAttempt({ ...aws, maxEventAgeMs: 90_000 }, FIRST_ATTEMPT, 'error', 40_000)).toEqual({ kind: 'stop' });
  });
});
