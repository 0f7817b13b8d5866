/**
 * An HTTP run whose cold starts come from a log group that answers the way CloudWatch Logs may:
 * lines ingested late and out of order, empty pages with a nextToken, throttles, pages cut short.
 * The server stands in for a Function URL: it returns x-amzn-RequestId and writes a REPORT per
 * request into the log group, cold for the first request of each of its "environments".
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseProfileText } from '../../src/profile/index.js';
import { runProfile } from '../../src/run/run-profile.js';
import { startEdgeLogsServer } from './logs-server.js';
import type { EdgeLogsServer } from './logs-server.js';

const GROUP = '/aws/lambda/orders';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

interface Truth {
  cold: Set<string>;
  warm: Set<string>;
  lost: Set<string>;
}

/** A function behind a URL: `environments` cold starts, then warm; every `loseEvery`-th REPORT never written. */
async function startFunctionUrl(logs: EdgeLogsServer, opts: { environments: number; loseEvery: number; maxLagMs: number }) {
  const truth: Truth = { cold: new Set(), warm: new Set(), lost: new Set() };
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    const id = randomUUID();
    const i = n++;
    const cold = i < opts.environments;
    const initMs = cold ? 180 : 0;
    const durationMs = 5;
    setTimeout(() => {
      const at = Date.now();
      if (i % opts.loseEvery === opts.loseEvery - 1) truth.lost.add(id);
      else {
        (cold ? truth.cold : truth.warm).add(id);
        const init = cold ? `Init Duration: ${initMs.toFixed(2)} ms\t` : '';
        logs.put({
          logGroup: GROUP,
          logStreamName: `2026/12/05/[$LATEST]${String(i % opts.environments).padStart(32, '0')}`,
          timestamp: at,
          // Lag spread over [0, maxLag]: lines arrive out of order, some after later ones.
          ingestionTime: at + ((i * 7919) % opts.maxLagMs),
          message: `REPORT RequestId: ${id}\tDuration: ${durationMs}.00 ms\tBilled Duration: ${initMs + durationMs} ms\tMemory Size: 256 MB\tMax Memory Used: 70 MB\t${init}\n`,
        });
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': id });
      res.end('{"ok":true}');
    }, initMs + durationMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`, truth };
}

function profile(url: string, logsEndpoint: string, wait = '4s'): string {
  return `name: http-logs
target:
  kind: http
  url: ${url}
  coldStart:
    logs:
      logGroup: ${GROUP}
      endpoint: ${logsEndpoint}
      wait: ${wait}
      poll: 200ms
load:
  phases:
    - burst: { count: 6 }
    - constant: { rate: 60, duration: 1s }
`;
}

describe('HTTP run with cold starts from the logs', () => {
  it('matches every request to its REPORT through late lines, empty pages and throttles, counting none twice', async () => {
    const logs = await startEdgeLogsServer({ pageSize: 20, emptyPagesBefore: 1, throttleEvery: 4 });
    closers.push(() => logs.close());
    logs.groups.add(GROUP);
    const fn = await startFunctionUrl(logs, { environments: 6, loseEvery: 1_000_000, maxLagMs: 1500 });
    const result = await runProfile(parseProfileText(profile(fn.url, logs.endpoint), { file: 'p.yaml', baseDir: '.', env: {} }));
    expect(result.counts.ok).toBe(66);
    expect(result.counts).toMatchObject({ cold: fn.truth.cold.size, warm: fn.truth.warm.size, proactive: 0, unknown: 0 });
    expect(new Set(result.coldStarts.map((e) => e.requestId))).toEqual(fn.truth.cold);
    expect(result.logs).toMatchObject({ matched: 66, unmatched: 0, complete: true, perRequest: true, unclaimedReports: 0 });
    expect(result.logs!.throttledCalls).toBeGreaterThan(0);
    expect(result.logs!.duplicateEvents).toBeGreaterThan(0); // re-read by overlapping polls, counted once
    expect(result.logs!.lagMs!.max).toBeGreaterThan(500);
    expect(result.init!.count).toBe(6);
    expect(result.cost).not.toBeNull();
    expect(result.startReasons.cold['CloudWatch Logs: REPORT Init Duration, caller waited']).toBe(6);
  });

  it('ends after the wait with the requests never logged unknown, and says how complete the join is', async () => {
    const logs = await startEdgeLogsServer();
    closers.push(() => logs.close());
    logs.groups.add(GROUP);
    const fn = await startFunctionUrl(logs, { environments: 2, loseEvery: 10, maxLagMs: 300 });
    const started = Date.now();
    const result = await runProfile(parseProfileText(profile(fn.url, logs.endpoint, '1500ms'), { file: 'p.yaml', baseDir: '.', env: {} }));
    expect(Date.now() - started).toBeLessThan(30_000); // the wait ends the reading: it does not hang
    expect(result.counts.unknown).toBe(fn.truth.lost.size);
    expect(result.counts.cold + result.counts.warm).toBe(66 - fn.truth.lost.size);
    expect(result.logs).toMatchObject({ unmatched: fn.truth.lost.size, complete: false });
    expect(result.logs!.waitedMs).toBeGreaterThanOrEqual(1400);
    expect(result.warnings.join('\n')).toMatch(/not matched to a REPORT line/);
  });

  it('stops before the load when the log group cannot be read', async () => {
    const logs = await startEdgeLogsServer({ denied: new Set([GROUP]) });
    closers.push(() => logs.close());
    logs.groups.add(GROUP);
    const fn = await startFunctionUrl(logs, { environments: 1, loseEvery: 1_000_000, maxLagMs: 10 });
    await expect(runProfile(parseProfileText(profile(fn.url, logs.endpoint), { file: 'p.yaml', baseDir: '.', env: {} }))).rejects.toThrow(/not allowed to read the log group/);
    expect(fn.truth.cold.size + fn.truth.warm.size).toBe(0);
    await expect(
      runProfile(parseProfileText(profile(fn.url, logs.endpoint).replace(GROUP, '/aws/lambda/missing'), { file: 'p.yaml', baseDir: '.', env: {} })),
    ).rejects.toThrow(/does not exist/);
  });
});
