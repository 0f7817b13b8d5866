import { describe, expect, it } from 'vitest';
import type { LoadModel } from '../../src/profile/types.js';
import { Runner } from '../../src/run/runner.js';
import type { Outcome, SendContext, Target } from '../../src/targets/target.js';
import { FakeClock } from '../helpers/fake-clock.js';

/** A target whose response time is a function of when the request was sent. */
function fakeTarget(clock: FakeClock, respond: (sentAtMs: number, ctx: SendContext) => { afterMs: number; outcome?: Outcome }): Target & { sent: number[] } {
  const sent: number[] = [];
  return {
    sent,
    async send(ctx) {
      const at = clock.now();
      sent.push(at);
      const { afterMs, outcome } = respond(at, ctx);
      await clock.sleep(afterMs);
      return outcome ?? { kind: 'ok' };
    },
    async close() {},
  };
}

function run(clock: FakeClock, load: LoadModel, target: Target, stop?: AbortSignal) {
  const runner = new Runner({ load, target, clock, ...(stop && { stop }) });
  return clock.run(runner.run());
}

describe('runner, open model', () => {
  it('sends every planned request at its instant and measures latency from the plan', async () => {
    const clock = new FakeClock();
    const target = fakeTarget(clock, () => ({ afterMs: 5 }));
    const rec = await run(clock, { model: 'open', maxInFlight: 100, phases: [{ kind: 'constant', ratePerSec: 200, durationMs: 2000 }] }, target);
    expect(rec.status).toBe('completed');
    expect(rec.recorder.counts).toMatchObject({ planned: 400, sent: 400, ok: 400, dropped: 0, errors: 0 });
    // The n-th request leaves at n * 5 ms, give or take one event-loop turn.
    target.sent.forEach((at, n) => expect(Math.abs(at - n * 5)).toBeLessThan(0.2));
    const all = rec.recorder.histograms.all;
    expect(all.getValueAtPercentile(50) / 1000).toBeCloseTo(5, 0);
    expect(rec.recorder.histograms.scheduleLag.maxValue / 1000).toBeLessThan(0.2);
  });

  it('shows a stall in the latency of every request planned during it (no coordinated omission)', async () => {
    const clock = new FakeClock();
    // The server freezes from t=1000 to t=2000 ms: everything sent then is answered at t=2000.
    const target = fakeTarget(clock, (at) => ({ afterMs: at >= 1000 && at < 2000 ? 2000 - at : 2 }));
    const rec = await run(clock, { model: 'open', maxInFlight: 10_000, phases: [{ kind: 'constant', ratePerSec: 100, durationMs: 10_000 }] }, target);
    const all = rec.recorder.histograms.all;
    expect(rec.recorder.counts.sent).toBe(1000);
    // 100 of 1000 requests waited up to 1 s: p90 is still fast, p99 sits inside the stall, max ~1 s.
    expect(all.getValueAtPercentile(90) / 1000).toBeLessThan(5);
    expect(all.getValueAtPercentile(99) / 1000).toBeGreaterThan(800);
    expect(all.maxValue / 1000).toBeGreaterThan(990);
  });

  it('service time leaves out a wait for a socket in the client; latency keeps it', async () => {
    const clock = new FakeClock();
    // Each request waits 30 ms for a socket, then the server takes 10 ms.
    const target = fakeTarget(clock, () => ({ afterMs: 40, outcome: { kind: 'ok', waitedMs: 30 } }));
    const rec = await run(clock, { model: 'open', maxInFlight: 100, phases: [{ kind: 'constant', ratePerSec: 10, durationMs: 1000 }] }, target);
    const { all, serviceTime } = rec.recorder.histograms;
    expect(all.getValueAtPercentile(50) / 1000).toBeCloseTo(40, 0);
    expect(serviceTime.getValueAtPercentile(50) / 1000).toBeCloseTo(10, 0);
  });

  it('counts arrivals past maxInFlight as dropped instead of delaying them', async () => {
    const clock = new FakeClock();
    const target = fakeTarget(clock, () => ({ afterMs: 100 }));
    const rec = await run(clock, { model: 'open', maxInFlight: 5, phases: [{ kind: 'constant', ratePerSec: 100, durationMs: 1000 }] }, target);
    // 100 arrivals; each request holds a slot for 100 ms = 10 arrivals, so 5 of every 10 are dropped.
    expect(rec.recorder.counts.planned).toBe(100);
    expect(rec.recorder.counts.sent).toBe(50);
    expect(rec.recorder.counts.dropped).toBe(50);
    expect(rec.recorder.histograms.scheduleLag.maxValue / 1000).toBeLessThan(0.2);
  });

  it('sends a burst at one instant and sleeps through idle phases', async () => {
    const clock = new FakeClock();
    const target = fakeTarget(clock, () => ({ afterMs: 1 }));
    const rec = await run(clock, { model: 'open', maxInFlight: 1000, phases: [{ kind: 'burst', count: 50 }, { kind: 'idle', durationMs: 60_000 }, { kind: 'burst', count: 20 }] }, target);
    expect(rec.recorder.counts.sent).toBe(70);
    expect(target.sent.filter((t) => t < 1)).toHaveLength(50);
    expect(target.sent.filter((t) => t >= 60_000 && t < 60_001)).toHaveLength(20);
  });

  it('counts throttles apart from errors, by reason and class', async () => {
    const clock = new FakeClock();
    const target = fakeTarget(clock, (_at, ctx) => ({
      afterMs: 1,
      outcome: ctx.seq % 10 === 0 ? { kind: 'throttled', reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' }
        : ctx.seq % 10 === 1 ? { kind: 'error', errorClass: 'http-5xx' } : { kind: 'ok' },
    }));
    const rec = await run(clock, { model: 'open', maxInFlight: 100, phases: [{ kind: 'constant', ratePerSec: 100, durationMs: 1000 }] }, target);
    expect(rec.recorder.counts).toMatchObject({ sent: 100, ok: 80, errors: 10, throttles: 10 });
    expect(Object.fromEntries(rec.recorder.errors)).toEqual({ 'http-5xx': 10 });
    expect(Object.fromEntries(rec.recorder.throttles)).toEqual({ ReservedFunctionConcurrentInvocationLimitExceeded: 10 });
    expect(rec.recorder.histograms.ok.totalCount).toBe(80);
  });

  it('stops sending when stopped, drains, and reports the run as interrupted', async () => {
    const clock = new FakeClock();
    const stop = new AbortController();
    const target = fakeTarget(clock, (at) => {
      if (at >= 500 && !stop.signal.aborted) stop.abort();
      return { afterMs: 10 };
    });
    const rec = await run(clock, { model: 'open', maxInFlight: 100, phases: [{ kind: 'constant', ratePerSec: 100, durationMs: 5000 }] }, target, stop.signal);
    expect(rec.status).toBe('interrupted');
    expect(rec.recorder.counts.sent).toBe(51);
    expect(rec.recorder.counts.ok).toBe(51);
    expect(rec.abandoned).toBe(0);
  });

  it('gives up on requests still in flight after the drain time', async () => {
    const clock = new FakeClock();
    const stop = new AbortController();
    const target = fakeTarget(clock, () => ({ afterMs: 60_000 }));
    const runner = new Runner({ load: { model: 'open', maxInFlight: 100, phases: [{ kind: 'constant', ratePerSec: 10, durationMs: 10_000 }] }, target, clock, stop: stop.signal, drainMs: 2000 });
    void clock.sleep(1050).then(() => stop.abort());
    const rec = await clock.run(runner.run());
    expect(rec.status).toBe('interrupted');
    expect(rec.abandoned).toBe(11);
    expect(rec.endedAt).toBeLessThan(1050 + 2000 + 1);
  });
});

describe('runner, closed model', () => {
  it('runs a fixed number of iterations with N workers', async () => {
    const clock = new FakeClock();
    let inFlight = 0;
    let maxInFlight = 0;
    const target: Target = {
      async send() {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await clock.sleep(10);
        inFlight--;
        return { kind: 'ok' };
      },
      async close() {},
    };
    const rec = await run(clock, { model: 'closed', concurrency: 4, iterations: 100 }, target);
    expect(rec.recorder.counts.sent).toBe(100);
    expect(maxInFlight).toBe(4);
    expect(rec.endedAt - rec.startedAt).toBeCloseTo(250, 0);
  });

  it('runs for a duration', async () => {
    const clock = new FakeClock();
    const target = fakeTarget(clock, () => ({ afterMs: 10 }));
    const rec = await run(clock, { model: 'closed', concurrency: 2, durationMs: 1000 }, target);
    expect(rec.recorder.counts.sent).toBe(200);
  });
});

/** A target with the callback form: answers after `afterMs`, or at once (inside sendWith) when 0. */
function callbackTarget(clock: FakeClock, respond: (ctx: SendContext) => { afterMs: number; outcome?: Outcome }): Target & { inFlight: number; peak: number } {
  const t = {
    inFlight: 0,
    peak: 0,
    send: () => Promise.reject(new Error('the callback form should be used')),
    sendWith(ctx: SendContext, done: (outcome: Outcome) => void) {
      t.peak = Math.max(t.peak, ++t.inFlight);
      const { afterMs, outcome = { kind: 'ok' } } = respond(ctx);
      const end = (): void => {
        t.inFlight--;
        done(outcome);
      };
      if (afterMs === 0) end();
      else void clock.sleep(afterMs).then(end);
    },
    async close() {},
  };
  return t;
}

describe('runner, closed model, targets with a completion callback', () => {
  it('runs a fixed number of iterations with N workers', async () => {
    const clock = new FakeClock();
    const target = callbackTarget(clock, () => ({ afterMs: 10 }));
    const rec = await run(clock, { model: 'closed', concurrency: 4, iterations: 100 }, target);
    expect(rec.recorder.counts).toMatchObject({ planned: 100, sent: 100, ok: 100 });
    expect(target.peak).toBe(4);
    expect(rec.endedAt - rec.startedAt).toBeCloseTo(250, 0);
    expect(rec.recorder.histograms.all.getValueAtPercentile(50) / 1000).toBeCloseTo(10, 0);
  });

  it('runs for a duration', async () => {
    const clock = new FakeClock();
    const rec = await run(clock, { model: 'closed', concurrency: 2, durationMs: 1000 }, callbackTarget(clock, () => ({ afterMs: 10 })));
    expect(rec.recorder.counts.sent).toBe(200);
  });

  it('outcomes given back inside sendWith loop without growing the stack', async () => {
    const clock = new FakeClock();
    const n = 200_000;
    const target = callbackTarget(clock, (ctx) => ({
      afterMs: ctx.seq % 50_000 === 49_999 ? 1 : 0,
      outcome: ctx.seq % 2 === 0 ? { kind: 'error', errorClass: 'connect-refused' } : { kind: 'ok' },
    }));
    const rec = await run(clock, { model: 'closed', concurrency: 2, iterations: n }, target);
    expect(rec.status).toBe('completed');
    expect(rec.recorder.counts).toMatchObject({ sent: n, ok: n / 2, errors: n / 2 });
    expect(target.inFlight).toBe(0);
  });

  it('an exception while recording an outcome fails the run instead of vanishing in the client', async () => {
    const clock = new FakeClock();
    const target = callbackTarget(clock, () => ({ afterMs: 5 }));
    let completed = 0;
    const runner = new Runner({
      load: { model: 'closed', concurrency: 1, iterations: 10 },
      target,
      clock,
      onCompleted: () => {
        if (++completed === 3) throw new Error('broken hook');
      },
    });
    await expect(clock.run(runner.run())).rejects.toThrow('broken hook');
  });

  it('stops taking iterations when stopped and reports the run as interrupted', async () => {
    const clock = new FakeClock();
    const stop = new AbortController();
    const target = callbackTarget(clock, (ctx) => {
      if (ctx.seq === 30) stop.abort();
      return { afterMs: 10 };
    });
    const rec = await run(clock, { model: 'closed', concurrency: 3, durationMs: 60_000 }, target, stop.signal);
    expect(rec.status).toBe('interrupted');
    expect(rec.recorder.counts.sent).toBe(31);
    expect(rec.recorder.counts.ok).toBe(31);
  });
});
