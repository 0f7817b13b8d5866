import { describe, expect, it } from 'vitest';
import type { LoadModel } from '../../src/profile/types.js';
import { Runner } from '../../src/run/runner.js';
import type { SendContext, Target } from '../../src/targets/target.js';
import { FakeClock } from '../helpers/fake-clock.js';

function target(clock: FakeClock): Target & { sent: { at: number; seq: number }[] } {
  const sent: { at: number; seq: number }[] = [];
  return {
    sent,
    async send(ctx: SendContext) {
      sent.push({ at: clock.now(), seq: ctx.seq });
      await clock.sleep(2);
      return { kind: 'ok' };
    },
    async close() {},
  };
}

describe('runner: a start instant and a shard', () => {
  it('waits for the start instant and counts the schedule from it', async () => {
    const clock = new FakeClock();
    const t = target(clock);
    const load: LoadModel = { model: 'open', maxInFlight: 10, phases: [{ kind: 'constant', ratePerSec: 100, durationMs: 100 }] };
    const rec = await clock.run(new Runner({ load, target: t, clock, startAt: 500 }).run());
    expect(t.sent[0]!.at).toBeGreaterThanOrEqual(500);
    expect(t.sent[0]!.at).toBeLessThan(500.2);
    expect(rec.startedAt).toBe(500);
    expect(rec.firstSendLateMs).toBeLessThan(0.2);
  });

  it('shard 2 of 4 sends every fourth arrival, from the second, with its own request numbers', async () => {
    const clock = new FakeClock();
    const t = target(clock);
    const load: LoadModel = { model: 'open', maxInFlight: 10, phases: [{ kind: 'constant', ratePerSec: 100, durationMs: 200 }], shard: { index: 2, count: 4 } };
    const rec = await clock.run(new Runner({ load, target: t, clock }).run());
    expect(rec.recorder.counts).toMatchObject({ planned: 5, sent: 5 });
    t.sent.forEach((s, n) => expect(Math.abs(s.at - (10 + 40 * n))).toBeLessThan(0.2));
    expect(t.sent.map((s) => s.seq)).toEqual([1, 5, 9, 13, 17]);
  });

  it('the closed model waits for the start instant too', async () => {
    const clock = new FakeClock();
    const t = target(clock);
    const rec = await clock.run(new Runner({ load: { model: 'closed', concurrency: 1, iterations: 2 }, target: t, clock, startAt: 300 }).run());
    expect(t.sent[0]!.at).toBeCloseTo(300, 6);
    expect(t.sent[1]!.at).toBeCloseTo(302, 6);
    expect(rec.firstSendLateMs).toBeCloseTo(0, 6);
  });

  it('a closed-model shard that starts late records how late its first request left', async () => {
    const clock = new FakeClock();
    const t = target(clock);
    // The start instant is already 30 ms in the past when the runner is made.
    await clock.run(clock.sleep(50));
    const load: LoadModel = { model: 'closed', concurrency: 2, iterations: 6, shard: { index: 1, count: 2 } };
    const rec = await clock.run(new Runner({ load, target: t, clock, startAt: 20 }).run());
    expect(rec.recorder.counts.sent).toBe(6);
    expect(rec.firstSendLateMs).toBeCloseTo(30, 5);
    expect(t.sent.map((s) => s.seq)).toEqual([0, 2, 4, 6, 8, 10]);
  });
});
