/**
 * An abortOnFail count rule on `dropped.count` against a target that stalls: drops happen exactly
 * while no request completes, so the rule must be checked on every drop, not only when a request
 * ends (which here would be the request timeout, seconds later).
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProfileText } from '../../src/profile/index.js';
import { runProfile } from '../../src/run/run-profile.js';

let stalled: Server;
let url: string;

beforeAll(async () => {
  // Accepts every connection and request, never answers.
  stalled = createServer(() => undefined);
  await new Promise<void>((r) => stalled.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  stalled.closeAllConnections();
  await new Promise((r) => stalled.close(r));
});

describe('abortOnFail on dropped.count', () => {
  it('stops the run at the drop that fails the rule, while every request is still waiting', async () => {
    const loaded = parseProfileText(
      `name: stall
target: { kind: http, url: "${url}", timeout: 8s }
load:
  maxInFlight: 10
  phases: [ { constant: { rate: 100, duration: 10s } } ]
thresholds:
  - { rule: "dropped.count < 5", abortOnFail: true }
`,
      { file: 'stall.yaml', baseDir: '.', env: {} },
    );
    const result = await runProfile(loaded, { drainMs: 100 });
    expect(result.status).toBe('aborted');
    // 10 in flight, then the 5th drop (the 15th arrival, 150 ms in) fails the rule at once.
    expect(result.counts.sent).toBe(10);
    expect(result.counts.dropped).toBe(5);
    expect(result.counts.ok + result.counts.errors).toBe(0);
    expect(result.durationMs).toBeLessThan(2000);
    expect(result.thresholds).toEqual([{ rule: 'dropped.count < 5', actual: 5, pass: false }]);
    expect(result.warnings).toContain('stopped early: threshold "dropped.count < 5" failed during the run (abortOnFail)');
  }, 30_000);
});
