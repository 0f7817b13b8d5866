import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InflightSet } from '../../src/targets/inflight.js';
import type { Inflight } from '../../src/targets/inflight.js';

/** Begins a request that ends the way a target's does when stopped: at once, through its listener. */
function begin(set: InflightSet, signal: AbortSignal, log: string[], name: string): Inflight {
  const req = set.begin(signal);
  req.listener = { stopped: () => { log.push(`${name}:${req.why}`); set.end(req); } };
  return req;
}

describe('InflightSet deadlines', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('times out each request at its own deadline, with one timer for all', () => {
    const set = new InflightSet(100);
    const run = new AbortController();
    const log: string[] = [];
    begin(set, run.signal, log, 'a');
    vi.advanceTimersByTime(40);
    const b = begin(set, run.signal, log, 'b');
    vi.advanceTimersByTime(30);
    begin(set, run.signal, log, 'c');
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(29); // t=99
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1); // t=100: a's deadline
    expect(log).toEqual(['a:timeout']);
    set.end(b); // b answered in time
    vi.advanceTimersByTime(69); // t=169
    expect(log).toEqual(['a:timeout']);
    vi.advanceTimersByTime(1); // t=170: c's deadline
    expect(log).toEqual(['a:timeout', 'c:timeout']);
    expect(set.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a timed-out request that ends later does not hold up the deadlines behind it', () => {
    const set = new InflightSet(100);
    const run = new AbortController();
    const log: string[] = [];
    const slow = set.begin(run.signal);
    slow.listener = { stopped: () => { log.push('slow:stopped'); setTimeout(() => set.end(slow), 500); } };
    vi.advanceTimersByTime(10);
    const b = begin(set, run.signal, log, 'b');
    vi.advanceTimersByTime(90); // t=100
    expect(log).toEqual(['slow:stopped']);
    vi.advanceTimersByTime(10); // t=110: b's deadline, slow still in the list
    expect(log).toEqual(['slow:stopped', 'b:timeout']);
    vi.advanceTimersByTime(500);
    expect(set.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops every request of a run on its signal, in the order they began; ending twice is harmless', () => {
    const set = new InflightSet(1000);
    const run = new AbortController();
    const other = new AbortController();
    const log: string[] = [];
    const reqs = ['a', 'b', 'c'].map((name) => {
      return begin(set, run.signal, log, name);
    });
    const mine = set.begin(other.signal);
    set.end(reqs[1]!);
    set.end(reqs[1]!);
    expect(set.size).toBe(3);
    run.abort();
    expect(log).toEqual(['a:aborted', 'c:aborted']);
    expect(set.size).toBe(1);
    set.stopAll('aborted');
    expect(mine.why).toBe('aborted');
  });

  it('leaves no timer behind once nothing is in flight', () => {
    const set = new InflightSet(5000);
    const run = new AbortController();
    const reqs = [set.begin(run.signal), set.begin(run.signal)];
    expect(vi.getTimerCount()).toBe(1);
    for (const r of reqs) set.end(r);
    expect(vi.getTimerCount()).toBe(0);
    const later = set.begin(run.signal);
    expect(vi.getTimerCount()).toBe(1);
    set.end(later);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waits past the longest single timer Node allows', () => {
    const days30 = 30 * 24 * 3600 * 1000;
    const set = new InflightSet(days30);
    const log: string[] = [];
    begin(set, new AbortController().signal, log, 'a');
    vi.advanceTimersByTime(2 ** 31 - 1);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(days30 - (2 ** 31 - 1));
    expect(log).toEqual(['a:timeout']);
  });

  it('sets no deadline for a timeout of 0, and the run signal still stops everything', () => {
    const set = new InflightSet(0);
    const run = new AbortController();
    const log: string[] = [];
    begin(set, run.signal, log, 'a');
    expect(vi.getTimerCount()).toBe(0);
    run.abort();
    expect(log).toEqual(['a:aborted']);
  });
});
