import { describe, expect, it } from 'vitest';
import { WARM_UP_ROUNDS, roundLoad, warmUpHttpClient, warmUpLoad } from '../../src/run/http-warm-up.js';

describe('HTTP warm-up load', () => {
  it('open model: one second at the peak rate, kept between 1,000 and 10,000/s (2.5 s from 5,000/s)', () => {
    const open = (ratePerSec: number, maxInFlight = 2000) =>
      warmUpLoad({ model: 'open', maxInFlight, phases: [{ kind: 'ramp', fromPerSec: 5, toPerSec: ratePerSec, durationMs: 60_000 }] }, 2000);
    expect(open(4000)).toEqual({ model: 'open', maxInFlight: 2000, phases: [{ kind: 'constant', ratePerSec: 4000, durationMs: 1000 }] });
    expect(open(50)).toMatchObject({ phases: [{ ratePerSec: 1000 }] });
    expect(open(50_000)).toMatchObject({ phases: [{ ratePerSec: 10_000, durationMs: 2500 }] });
    expect(open(5000)).toMatchObject({ phases: [{ ratePerSec: 5000, durationMs: 2500 }] });
    expect(open(4999)).toMatchObject({ phases: [{ ratePerSec: 4999, durationMs: 1000 }] });
    expect(open(4000, 20)).toMatchObject({ maxInFlight: 20 });
    // Only bursts: no rate to copy, so the floor.
    expect(warmUpLoad({ model: 'open', maxInFlight: 500, phases: [{ kind: 'burst', count: 300 }] }, 500)).toMatchObject({ phases: [{ ratePerSec: 1000 }] });
  });

  it('closed model: one second with the run\'s workers, at most the sockets and 256', () => {
    expect(warmUpLoad({ model: 'closed', concurrency: 50, iterations: 10 }, 50)).toEqual({ model: 'closed', concurrency: 50, durationMs: 1000 });
    expect(warmUpLoad({ model: 'closed', concurrency: 50, durationMs: 60_000 }, 10)).toMatchObject({ concurrency: 10 });
    expect(warmUpLoad({ model: 'closed', concurrency: 5000, durationMs: 60_000 }, 5000)).toMatchObject({ concurrency: 256 });
  });

  it('splits the time between its rounds', () => {
    expect(WARM_UP_ROUNDS).toBe(2);
    expect(roundLoad({ model: 'closed', concurrency: 50, durationMs: 1000 })).toEqual({ model: 'closed', concurrency: 50, durationMs: 500 });
    expect(roundLoad({ model: 'open', maxInFlight: 100, phases: [{ kind: 'constant', ratePerSec: 10_000, durationMs: 2500 }] })).toEqual({
      model: 'open',
      maxInFlight: 100,
      phases: [{ kind: 'constant', ratePerSec: 10_000, durationMs: 1250 }],
    });
  });

  it('runs against its own loopback server and finishes', async () => {
    const started = performance.now();
    const config = { kind: 'http', url: 'http://127.0.0.1:9/not-used-by-the-warm-up', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}', timeoutMs: 1000 } as const;
    const report = await warmUpHttpClient(config, { model: 'closed', concurrency: 4, iterations: 1 }, 4);
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    // Answered by the warm-up's own server (port 9, the profile's, is never used), by workers
    // that kept going for the time, not once each per round as the run's own iterations say. How
    // many more depends on the machine's load (76 in a second on a busy one), so no rate is asked.
    expect(report.answered).toBeGreaterThan(4 * WARM_UP_ROUNDS);
  });

  it('ends at once when the run is stopped (Ctrl-C during the warm-up)', async () => {
    const config = { kind: 'http', url: 'http://127.0.0.1:9/not-used-by-the-warm-up', method: 'GET', headers: {}, timeoutMs: 1000 } as const;
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 100);
    const started = performance.now();
    await warmUpHttpClient(config, { model: 'open', maxInFlight: 100, phases: [{ kind: 'constant', ratePerSec: 8000, durationMs: 5000 }] }, 100, stop.signal);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
