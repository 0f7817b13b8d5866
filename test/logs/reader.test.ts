import { afterEach, describe, expect, it } from 'vitest';
import { createSdkLogsApi } from '../../src/logs/api.js';
import type { LogEvent, LogsApi } from '../../src/logs/api.js';
import { realReaderClock } from '../../src/logs/reader.js';
import { GroupReader, newReadStats } from '../../src/logs/reader.js';
import { startEdgeLogsServer } from './logs-server.js';
import type { EdgeLogsServer } from './logs-server.js';

const GROUP = '/aws/lambda/orders';
let server: EdgeLogsServer | undefined;
let api: LogsApi | undefined;

afterEach(async () => {
  api?.close();
  await server?.close();
  server = undefined;
  api = undefined;
});

async function setUp(behaviour: Parameters<typeof startEdgeLogsServer>[0] = {}) {
  server = await startEdgeLogsServer(behaviour);
  api = await createSdkLogsApi({ endpoint: server.endpoint, timeoutMs: 5000 }, {});
  const seen: LogEvent[] = [];
  const stats = newReadStats();
  const reader = (extra: Partial<ConstructorParameters<typeof GroupReader>[0]> = {}) =>
    new GroupReader({ api: api!, logGroup: GROUP, clock: realReaderClock, stats, onEvents: (events) => seen.push(...events), ...extra });
  return { server, seen, stats, reader };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('GroupReader', () => {
  it('reads every page of a window, through empty pages with a nextToken, throttles and 5xx, each event once', async () => {
    const { server, seen, stats, reader } = await setUp({ pageSize: 4, emptyPagesBefore: 2, throttleEvery: 3, failEvery: 7 });
    const now = Date.now();
    for (let i = 0; i < 25; i++) server.put({ logGroup: GROUP, logStreamName: 's', timestamp: now - 2000 + i, ingestionTime: now - 1000, message: `line ${i}` });
    const complete = await reader().poll(now - 5000);
    expect(complete).toBe(true);
    expect(seen.map((e) => e.message)).toEqual(Array.from({ length: 25 }, (_, i) => `line ${i}`));
    // 7 pages of events, each after 2 empty ones: the empty pages did not end the window.
    expect(server.calls.total).toBeGreaterThanOrEqual(7 * 3);
    expect(stats.throttled).toBeGreaterThan(0);
    expect(stats.failed).toBeGreaterThan(0);
    expect(stats.events).toBe(25);
  });

  it('reads an event ingested after the poll that covered its time on a later poll, and drops the re-read ones', async () => {
    const { server, seen, stats, reader } = await setUp();
    const now = Date.now();
    server.put({ logGroup: GROUP, logStreamName: 's', timestamp: now - 50, ingestionTime: now - 40, message: 'early' });
    server.put({ logGroup: GROUP, logStreamName: 's', timestamp: now - 30, ingestionTime: now + 600, message: 'late' });
    const r = reader({ overlapMarginMs: 2000 });
    await r.poll(now - 1000);
    expect(seen.map((e) => e.message)).toEqual(['early']);
    await sleep(700);
    await r.poll(now - 1000);
    expect(seen.map((e) => e.message)).toEqual(['early', 'late']);
    expect(stats.duplicates).toBe(1);
    expect(r.largestLagMs).toBeGreaterThanOrEqual(600);
  });

  it('reads again on the next poll what the first poll, before any lag was known, could not see yet', async () => {
    const { server, seen, stats, reader } = await setUp();
    const now = Date.now();
    // A steady 1.5 s ingestion lag: at the first poll, the lines of the last 1.5 s are not visible.
    for (let i = 0; i < 30; i++) {
      const timestamp = now - 3000 + i * 100;
      server.put({ logGroup: GROUP, logStreamName: 's', timestamp, ingestionTime: timestamp + 1500, message: `line ${i}` });
    }
    const r = reader();
    await r.poll(now - 5000);
    expect(seen.length).toBeLessThan(20);
    await sleep(1700);
    await r.poll(now - 5000);
    expect(seen.map((e) => e.message)).toEqual(Array.from({ length: 30 }, (_, i) => `line ${i}`));
    expect(stats.events).toBe(30);
  });

  it('misses on a poll an event later than the lag it has learnt, and finds it with a sweep around its time', async () => {
    const { server, seen, reader } = await setUp();
    const now = Date.now();
    // A usual line first: the reader learns the lag is ~10 ms and reads only a little back.
    server.put({ logGroup: GROUP, logStreamName: 's', timestamp: now - 6000, ingestionTime: now - 5990, message: 'usual' });
    server.put({ logGroup: GROUP, logStreamName: 's', timestamp: now - 5000, ingestionTime: now + 400, message: 'very late' });
    const r = reader({ overlapMarginMs: 100, skewMarginMs: 0 });
    await r.poll(now - 10_000);
    await sleep(500);
    await r.poll(now - 10_000);
    expect(seen.map((e) => e.message)).toEqual(['usual']);
    expect(r.coveredFrom()!).toBeGreaterThan(now - 5000);
    await r.sweep([[now - 5500, now - 4500]]);
    expect(seen.map((e) => e.message)).toEqual(['usual', 'very late']);
  });

  it('leaves a window it could not finish (throttled past its budget) to the next poll, losing nothing', async () => {
    const { server, seen, stats, reader } = await setUp({ throttleEvery: 1 });
    const now = Date.now();
    server.put({ logGroup: GROUP, logStreamName: 's', timestamp: now - 100, ingestionTime: now - 90, message: 'kept' });
    const r = reader({ windowBudgetMs: 600, overlapMarginMs: 0, skewMarginMs: 0 });
    expect(await r.poll(now - 1000)).toBe(false);
    expect(stats.throttled).toBeGreaterThan(1);
    expect(seen).toHaveLength(0);
    server.behaviour.throttleEvery = 0;
    await sleep(50);
    // The cursor did not move: the next poll starts where the failed one did.
    expect(await r.poll(now - 1000)).toBe(true);
    expect(seen.map((e) => e.message)).toEqual(['kept']);
  });

  it('stops with a clear error when reading is denied or the group does not exist', async () => {
    const { server, reader } = await setUp({ denied: new Set([GROUP]) });
    server.put({ logGroup: GROUP, logStreamName: 's', timestamp: Date.now(), ingestionTime: Date.now(), message: 'x' });
    await expect(reader().poll(Date.now() - 1000)).rejects.toMatchObject({ kind: 'denied', awsName: 'AccessDeniedException' });
    await expect(reader({ logGroup: '/aws/lambda/missing' }).poll(Date.now() - 1000)).rejects.toMatchObject({ kind: 'not-found' });
  });
});

describe('the SDK client of the log reader', () => {
  it("reads each call's own page from its bytes, concurrent calls included", async () => {
    const { server } = await setUp();
    const now = Date.now();
    const groups = ['/aws/lambda/a', '/aws/lambda/b', '/aws/lambda/c'];
    for (const [g, group] of groups.entries()) {
      for (let i = 0; i <= g; i++) server.put({ logGroup: group, logStreamName: 's', timestamp: now - 100 + i, ingestionTime: now - 50, message: `${group} ${i}` });
    }
    const pages = await Promise.all(groups.map((logGroupName) => api!.filter({ logGroupName, startTime: now - 1000, endTime: now + 1000 })));
    for (const [g, page] of pages.entries()) {
      // The transport's scan (page-scan.ts), not the SDK's reading, which gives an array.
      expect(Array.isArray(page.events)).toBe(false);
      expect(page.events.slice(0, page.events.length).map((e) => e.message)).toEqual(Array.from({ length: g + 1 }, (_, i) => `${groups[g]} ${i}`));
    }
  });
});
