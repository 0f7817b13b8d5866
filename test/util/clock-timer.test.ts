import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clockTimer } from '../../src/util/clock-timer.js';

describe('clockTimer', () => {
  let nowMs = 0;
  const now = (): number => nowMs;
  beforeEach(() => {
    nowMs = 0;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => vi.useRealTimers());

  it('does not fire while its clock is short of the delay, though the timer came due', () => {
    const fire = vi.fn();
    clockTimer(fire, 10, now);
    // Node's timer fires after 10 ms of loop time, when the clock has moved only 9.4 ms.
    nowMs = 9.4;
    vi.advanceTimersByTime(10);
    expect(fire).not.toHaveBeenCalled();
    nowMs = 10;
    vi.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(100);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('counts from the last refresh, and never fires once cleared', () => {
    const fire = vi.fn();
    const timer = clockTimer(fire, 10, now);
    nowMs = 8;
    vi.advanceTimersByTime(8);
    timer.refresh();
    nowMs = 17;
    vi.advanceTimersByTime(9);
    expect(fire).not.toHaveBeenCalled();
    nowMs = 18;
    vi.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
    const cleared = vi.fn();
    clockTimer(cleared, 5, now).clear();
    nowMs = 100;
    vi.advanceTimersByTime(100);
    expect(cleared).not.toHaveBeenCalled();
  });

  it('waits out a delay longer than setTimeout takes (2^31 - 1 ms)', () => {
    const fire = vi.fn();
    const delayMs = 30 * 24 * 3_600_000;
    clockTimer(fire, delayMs, now);
    nowMs = 2 ** 31;
    vi.advanceTimersByTime(2 ** 31);
    expect(fire).not.toHaveBeenCalled();
    nowMs = delayMs;
    vi.advanceTimersByTime(delayMs - 2 ** 31);
    expect(fire).toHaveBeenCalledTimes(1);
  });
});
