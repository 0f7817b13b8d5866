/**
 * A discrete-event clock for testing the runner without waiting: time moves only when every
 * pending promise has settled and the earliest sleeper is woken.
 */
import type { Clock } from '../../src/run/clock.js';

interface Sleeper {
  at: number;
  seq: number;
  resolve: () => void;
}

export class FakeClock implements Clock {
  private t = 0;
  private seq = 0;
  private sleepers: Sleeper[] = [];
  /** How far `yield()` moves time: the event-loop turn of the real clock. */
  constructor(private readonly tickMs = 0.05) {}

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      // Like the real clock's timer, a sleep that ends normally leaves no listener on the signal.
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        resolve();
      };
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const sleeper = { at: this.t + Math.max(0, ms), seq: this.seq++, resolve: wake };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  yield(_remainingMs: number): Promise<void> {
    return this.sleep(this.tickMs);
  }

  /** Runs until `done` settles, advancing time from sleeper to sleeper. */
  async run<T>(done: Promise<T>): Promise<T> {
    let settled = false;
    const result = done.finally(() => (settled = true));
    // A run that fails is the caller's to see (it gets `result`), not an unhandled rejection
    // while time is still being advanced.
    result.catch(() => undefined);
    for (;;) {
      await new Promise((r) => setImmediate(r));
      if (settled) return result;
      if (this.sleepers.length === 0) throw new Error('fake clock: nothing left to wake, but the run is not done');
      this.sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.sleepers.shift()!;
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
  }
}
