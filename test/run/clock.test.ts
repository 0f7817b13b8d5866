import { describe, expect, it } from 'vitest';
import { PAUSE_MARGIN_MS, PAUSE_SLICE_MS, TIMER_SLACK_MS, pauseBefore, realClock } from '../../src/run/clock.js';

describe('the last stretch before an instant', () => {
  it.each([
    [TIMER_SLACK_MS, PAUSE_SLICE_MS],
    [1.0, PAUSE_SLICE_MS],
    [PAUSE_MARGIN_MS + PAUSE_SLICE_MS, PAUSE_SLICE_MS],
    [PAUSE_MARGIN_MS + 0.05, 0.05],
    [PAUSE_MARGIN_MS, 0],
    [0.1, 0],
    [0, 0],
    [-1, 0],
  ])('%f ms before: held %f ms, then an event-loop turn', (remainingMs, pauseMs) => {
    expect(pauseBefore(remainingMs)).toBeCloseTo(pauseMs, 9);
  });

  it('never holds the thread into the margin before the instant', () => {
    for (let remaining = 0; remaining < 3; remaining += 0.01) {
      expect(remaining - pauseBefore(remaining)).toBeGreaterThanOrEqual(Math.min(remaining, PAUSE_MARGIN_MS) - 1e-9);
    }
  });

  it.each([0.1, 1.0])('the real clock, %f ms before an instant, lets queued callbacks run before it resolves', async (remainingMs) => {
    let ran = false;
    setImmediate(() => (ran = true));
    await realClock.yield(remainingMs);
    expect(ran).toBe(true);
  });
});
