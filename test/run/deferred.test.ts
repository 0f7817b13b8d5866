/**
 * Requests kept for the start join: each comes back as it was answered, whatever came and went
 * meanwhile (slots are reused, the columns grow), with the outcome fields the recorder reads; an
 * outcome other than a plain `ok` comes back whole. A plain `ok` leaves its request id behind
 * (the join names the cold starts it decides).
 */
import { describe, expect, it } from 'vitest';
import { DeferredRequests, nextRows, RESERVED_ROWS } from '../../src/run/deferred.js';
import type { Answered } from '../../src/run/recorder.js';
import { asRead } from '../helpers/as-read.js';

const answered = (i: number): Answered => ({
  plannedAt: i * 10,
  endedAt: i * 10 + 7.25,
  latencyMs: 7.25 + (i % 3),
  serviceMs: 6.5,
  outcome: i % 5 === 0
    ? { kind: 'error', errorClass: 'http-5xx', status: 502, requestId: `id-${i}` }
    : { kind: 'ok', ...(i % 3 === 0 && { request: i % 4 }) },
});
/** As answered, with a request id, which a plain `ok` does not keep. */
const withId = (i: number): Answered => {
  const a = answered(i);
  return i % 2 === 0 ? { ...a, outcome: { ...a.outcome, requestId: `id-${i}` } } : a;
};

describe('DeferredRequests', () => {
  it('gives each request back as answered, through reused slots and grown columns', () => {
    const kept = new DeferredRequests();
    const tickets = new Map<number, number>();
    // Keep 5,000 (past the first columns' size), take every other one, keep 3,000 more in the freed slots and beyond.
    for (let i = 0; i < 5000; i++) tickets.set(i, kept.add(withId(i)));
    for (let i = 0; i < 5000; i += 2) expect(asRead(kept.take(tickets.get(i)!))).toStrictEqual(answered(i));
    for (let i = 5000; i < 8000; i++) tickets.set(i, kept.add(withId(i)));
    expect(kept.size).toBe(2500 + 3000);
    expect(kept.tickets().sort((x, y) => x - y)).toEqual([...tickets].filter(([i]) => i % 2 === 1 || i >= 5000).map(([, t]) => t).sort((x, y) => x - y));
    const left = [...tickets.keys()].filter((i) => i % 2 === 1 || i >= 5000);
    for (const i of left) {
      const t = tickets.get(i)!;
      expect([kept.endedAtOf(t), kept.serviceMsOf(t), kept.plannedAtOf(t)]).toEqual([i * 10 + 7.25, 6.5, i * 10]);
      expect(asRead(kept.take(t))).toStrictEqual(answered(i));
    }
    expect(kept.size).toBe(0);
  });

  it('refuses a ticket it does not hold: a request decided twice would hand its slot to two requests', () => {
    const kept = new DeferredRequests();
    const t = kept.add(answered(1));
    kept.take(t);
    expect(() => kept.take(t)).toThrow(/not kept/);
    expect(() => kept.take(12_345)).toThrow(/not kept/);
    expect(kept.tickets()).toEqual([]);
  });

  it('keeps a plain ok outcome by its kind and request index only', () => {
    const kept = new DeferredRequests();
    const t = kept.add({ plannedAt: 0, endedAt: 1, latencyMs: 1, serviceMs: 1, outcome: { kind: 'ok', status: 200, requestId: 'r', request: 2, waitedMs: 0.5 } });
    expect(asRead(kept.take(t).outcome)).toStrictEqual({ kind: 'ok', request: 2 });
  });

  it('grows its columns to the reserve first, then doubles them', () => {
    expect(nextRows(1024)).toBe(RESERVED_ROWS);
    expect(nextRows(RESERVED_ROWS)).toBe(2 * RESERVED_ROWS);
    expect(nextRows(3 * RESERVED_ROWS)).toBe(6 * RESERVED_ROWS);
  });

  it('keeps every request past the reserve (DeferredRequests)', () => {
    const kept = new DeferredRequests();
    const n = RESERVED_ROWS + 1500;
    const tickets = new Int32Array(n);
    for (let i = 0; i < n; i++) tickets[i] = kept.add({ plannedAt: i, endedAt: i + 0.5, latencyMs: 0.5, serviceMs: i % 7, outcome: { kind: 'ok', request: i % 3 } });
    expect(kept.size).toBe(n);
    let wrong = 0;
    for (let i = 0; i < n; i++) {
      const t = tickets[i]!;
      if (kept.plannedAtOf(t) !== i || kept.endedAtOf(t) !== i + 0.5 || kept.serviceMsOf(t) !== i % 7) wrong++;
    }
    expect(wrong).toBe(0);
    expect(asRead(kept.take(tickets[n - 1]!))).toStrictEqual({ plannedAt: n - 1, endedAt: n - 0.5, latencyMs: 0.5, serviceMs: (n - 1) % 7, outcome: { kind: 'ok', request: (n - 1) % 3 } });
    expect(asRead(kept.take(tickets[0]!))).toStrictEqual({ plannedAt: 0, endedAt: 0.5, latencyMs: 0.5, serviceMs: 0, outcome: { kind: 'ok', request: 0 } });
  });

});
