import { describe, expect, it } from 'vitest';
import { StartMissedError, UsageError } from '../../src/errors.js';
import { approachStart, checkStartNotMissed, monotonicInstant, parseStartAt } from '../../src/run/start-at.js';
import type { WallAndMonotonic } from '../../src/run/start-at.js';

/**
 * Simulated clocks: the monotonic clock runs from 0 in fine steps; the wall clock is the same
 * time shifted by `offsetMs`, read in whole milliseconds as Date.now() is.
 */
function clocks(offsetMs: number, stepMs = 0.003): WallAndMonotonic & { sleeps: number[] } {
  let mono = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    monoNow: () => (mono += stepMs),
    wallNow: () => Math.floor(mono + offsetMs),
    sleep: async (ms) => {
      sleeps.push(ms);
      mono += ms;
    },
  };
}

describe('--start-at', () => {
  it('reads an ISO time with its zone, or epoch milliseconds', () => {
    expect(parseStartAt('2026-05-01T12:00:00Z')).toBe(Date.UTC(2026, 4, 1, 12));
    expect(parseStartAt('2026-05-01T14:00:00.250+02:00')).toBe(Date.UTC(2026, 4, 1, 12, 0, 0, 250));
    expect(parseStartAt('1777636800000')).toBe(1777636800000);
  });

  it.each([
    ['2026-05-01T12:00:00', /with a time zone/],
    ['1777636800', /epoch seconds\?/],
    ['soon', /expected an ISO time/],
  ])('refuses %s, naming the flag', (text, message) => {
    expect(() => parseStartAt(text)).toThrow(UsageError);
    expect(() => parseStartAt(text)).toThrow(new RegExp(`--start-at ${text}: .*${message.source}`));
  });

  it('a start that passed by more than the tolerance is exit 4, within it is fine', () => {
    expect(() => checkStartNotMissed(10_000, 10_100, 100)).not.toThrow();
    let err: unknown;
    try {
      checkStartNotMissed(10_000, 70_000, 100);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StartMissedError);
    expect((err as StartMissedError).exitCode).toBe(4);
    expect((err as Error).message).toMatch(/passed 60 s ago, more than the tolerance of 100 ms: nothing was sent/);
  });

  it('converts the wall-clock instant to the monotonic clock within microseconds, not a millisecond', () => {
    for (const offsetMs of [1_700_000_000_000.2, 1_700_000_000_000.9]) {
      const c = clocks(offsetMs);
      const instant = 1_700_000_005_000;
      const mono = monotonicInstant(instant, c);
      expect(Math.abs(mono - (instant - offsetMs))).toBeLessThan(0.01);
    }
  });

  it('sleeps on the wall clock until a second before, then converts once', async () => {
    const offsetMs = 1_700_000_000_000;
    const c = clocks(offsetMs);
    const mono = await approachStart(offsetMs + 90_000, 100, { clocks: c });
    expect(Math.abs(mono - 90_000)).toBeLessThan(0.01);
    expect(c.sleeps[0]).toBe(60_000);
    expect(c.monoNow()).toBeGreaterThan(88_900);
    expect(c.monoNow()).toBeLessThan(90_000);
  });
});
