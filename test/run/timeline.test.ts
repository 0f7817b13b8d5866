/** The timeline: 100 ms buckets under a minute, 1 s past it, flat memory, past instants. */
import { describe, expect, it } from 'vitest';
import { Timeline } from '../../src/run/timeline.js';

const START = 1_000_000;

/** A completed request at `ms` after the start: the way the recorder counts one. */
function complete(tl: Timeline, ms: number, latencyMs: number): void {
  const b = tl.at(START + ms);
  b.ok++;
  b.record(latencyMs);
}

describe('timeline', () => {
  it('gives a run under a minute 100 ms buckets with per-bucket percentiles', () => {
    const tl = new Timeline(START);
    for (let ms = 0; ms < 10_000; ms += 10) complete(tl, ms, ms < 5_000 ? 20 : 200);
    tl.at(START + 50).sent++;
    const entries = tl.finish();
    expect(tl.bucketMs).toBe(100);
    expect(entries).toHaveLength(100);
    expect(entries.map((e) => e.t).slice(0, 4)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(entries[99]!.t).toBe(9.9);
    expect(entries.every((e) => e.ok === 10)).toBe(true);
    expect(entries[0]!.sent).toBe(1);
    expect(entries[10]!).toMatchObject({ p50: expect.closeTo(20, 0) as number, p99: expect.closeTo(20, 0) as number });
    expect(entries[60]!.p90).toBeCloseTo(200, 0);
  });

  it('gives a run past a minute 1 s buckets whose counts are the same events', () => {
    const tl = new Timeline(START);
    for (let ms = 0; ms < 90_000; ms += 50) complete(tl, ms, 10);
    const entries = tl.finish();
    expect(tl.bucketMs).toBe(1000);
    expect(entries).toHaveLength(90);
    expect(entries.map((e) => e.t).slice(0, 3)).toEqual([0, 1, 2]);
    expect(entries.every((e) => e.ok === 20)).toBe(true);
  });

  it('keeps memory flat: the 100 ms series stops at one minute', () => {
    const tl = new Timeline(START);
    for (let ms = 0; ms < 2 * 3600_000; ms += 100) complete(tl, ms, 5);
    const fine = (tl as unknown as { series: { fine: { entries: unknown[] } } }).series.fine.entries;
    expect(fine.length).toBe(600);
    expect(tl.finish()).toHaveLength(7200);
  });

  it('adds a count for a past instant to the bucket of that instant', () => {
    const tl = new Timeline(START);
    for (let ms = 0; ms < 5_000; ms += 100) complete(tl, ms, 5);
    tl.at(START + 250).cold++;
    tl.at(START + 250).cold++;
    tl.at(START + 4_950).cold++;
    const entries = tl.finish();
    expect(entries.map((e) => e.cold).filter((c) => c > 0)).toEqual([2, 1]);
    expect(entries[2]!.cold).toBe(2);
    expect(entries[49]!.cold).toBe(1);
    expect(entries.reduce((s, e) => s + e.ok, 0)).toBe(50);
  });

  it('counts a past instant in the 1 s series too, once the run passed a minute', () => {
    const tl = new Timeline(START);
    for (let ms = 0; ms < 70_000; ms += 100) complete(tl, ms, 5);
    tl.at(START + 2_500).cold++;
    const entries = tl.finish();
    expect(entries[2]!.cold).toBe(1);
    expect(entries.reduce((s, e) => s + e.cold, 0)).toBe(1);
  });

  it('keeps the latency of a completion a few ms late in its own bucket', () => {
    const tl = new Timeline(START);
    complete(tl, 95, 10);
    complete(tl, 105, 300);
    complete(tl, 99, 10); // arrives after the 100 ms bucket began
    const entries = tl.finish();
    expect(entries[0]).toMatchObject({ ok: 2 });
    expect(entries[0]!.p99).toBeCloseTo(10, 0);
    expect(entries[1]!.p50).toBeCloseTo(300, 0);
  });
});
