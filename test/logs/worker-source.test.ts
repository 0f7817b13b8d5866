/**
 * The log reading thread: it reads a group through the SDK client, parses and deduplicates on
 * its own thread, hands the run's thread parsed events, asks it where unmatched requests are,
 * and brings failures back as the same errors a reading on the run's thread would meet.
 * The thread runs the build's script (dist/): `npm test` builds first.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { LogsApiError } from '../../src/logs/api.js';
import type { AccessRecord, PlatformEvent } from '../../src/logs/events.js';
import type { RoundLink } from '../../src/logs/source.js';
import { WorkerLogSource } from '../../src/logs/worker-source.js';
import { startEdgeLogsServer } from './logs-server.js';
import type { EdgeLogsServer } from './logs-server.js';

const GROUP = '/aws/lambda/orders';
const ACCESS = '/aws/apigateway/orders';
let server: EdgeLogsServer | undefined;
let source: WorkerLogSource | undefined;

afterEach(async () => {
  source?.close();
  await server?.close();
  server = undefined;
  source = undefined;
});

/** A run's side of a round; `ranges` are its unmatched requests' spans, `keepFrom` the oldest of them. */
function collecting(ranges: [number, number][] = [], keepFrom = Infinity) {
  const platform: PlatformEvent[] = [];
  const access: AccessRecord[] = [];
  const asked: number[] = [];
  const link: RoundLink = {
    platform: (events) => platform.push(...events),
    access: (records) => access.push(...records),
    sweepRanges: (covered) => {
      asked.push(covered);
      return ranges;
    },
    keepFrom: () => keepFrom,
  };
  return { link, platform, access, asked };
}

const report = (id: string) => `REPORT RequestId: ${id}\tDuration: 5.00 ms\tBilled Duration: 6 ms\tMemory Size: 256 MB\tMax Memory Used: 70 MB\t\n`;

describe('WorkerLogSource', () => {
  it('reads, parses and deduplicates on its thread: the run gets each platform and access line once, parsed', async () => {
    server = await startEdgeLogsServer({ pageSize: 3, emptyPagesBefore: 1, throttleEvery: 4 });
    const now = Date.now();
    for (let i = 0; i < 10; i++) server.put({ logGroup: GROUP, logStreamName: 's1', timestamp: now - 3000 + i, ingestionTime: now - 2000, message: report(`id-${i}`) });
    server.put({ logGroup: GROUP, logStreamName: 's1', timestamp: now - 2500, ingestionTime: now - 2000, message: 'function output, not a platform line' });
    server.put({ logGroup: ACCESS, logStreamName: 'a', timestamp: now - 2900, ingestionTime: now - 2000, message: JSON.stringify({ requestId: 'front-1', lambdaRequestId: 'id-1', integrationStatus: '200' }) });
    source = await WorkerLogSource.start({ endpoint: server.endpoint, timeoutMs: 5000 }, [
      { logGroup: GROUP },
      { logGroup: ACCESS, access: { requestIdField: 'requestId', lambdaRequestIdField: 'lambdaRequestId', integrationStatusField: 'integrationStatus' } },
    ]);
    const first = collecting([], now - 3000);
    await source.round({ fromEpoch: now - 10_000, sweep: false }, first.link);
    expect(first.platform.map((e) => (e.kind === 'report' ? e.requestId : e.kind))).toEqual(Array.from({ length: 10 }, (_, i) => `id-${i}`));
    expect(first.platform[0]).toMatchObject({ kind: 'report', report: { durationMs: 5, billedDurationMs: 6, memorySizeMB: 256 }, stream: 's1', lagMs: 1000 });
    expect(first.access).toEqual([{ frontId: 'front-1', lambdaId: 'id-1', integrationStatus: 200, lagMs: 900 }]);
    expect(source.stats()).toMatchObject({ events: 12, duplicates: 0 });
    expect(source.stats().throttled).toBeGreaterThan(0);
    // A sweep over the same span reads every line again: the thread drops them by eventId.
    const second = collecting([[now - 3000, now - 2000]], now - 3000);
    await source.round({ fromEpoch: now - 10_000, sweep: true }, second.link);
    expect(second.asked.length).toBe(2);
    expect(second.platform).toEqual([]);
    expect(source.stats().duplicates).toBeGreaterThanOrEqual(11);
  });

  it('brings a failure back as the reading would meet it: a missing group is a LogsApiError "not-found"', async () => {
    server = await startEdgeLogsServer();
    server.put({ logGroup: GROUP, logStreamName: 's', timestamp: Date.now() - 5000, ingestionTime: Date.now() - 5000, message: 'x' });
    source = await WorkerLogSource.start({ endpoint: server.endpoint, timeoutMs: 5000 }, [{ logGroup: '/aws/lambda/absent' }]);
    const failed = await source.round({ fromEpoch: Date.now() - 10_000, sweep: false }, collecting().link).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(LogsApiError);
    expect(failed).toMatchObject({ kind: 'not-found', awsName: 'ResourceNotFoundException' });
  });

  it.runIf(process.platform === 'linux')('reads at the lowest priority (nice 19) on a thread of its own, leaving every other thread as it was', async () => {
    server = await startEdgeLogsServer();
    const before = niceOfThreads();
    source = await WorkerLogSource.start({ endpoint: server.endpoint, timeoutMs: 5000 }, [{ logGroup: GROUP }]);
    const after = niceOfThreads();
    const started = [...after].filter(([tid]) => !before.has(tid)).map(([, nice]) => nice);
    expect(started).toContain(19);
    for (const [tid, nice] of before) if (after.has(tid)) expect({ tid, nice: after.get(tid) }).toEqual({ tid, nice });
  });

  it('fails every round once closed, with a message, instead of waiting forever', async () => {
    server = await startEdgeLogsServer();
    source = await WorkerLogSource.start({ endpoint: server.endpoint, timeoutMs: 5000 }, [{ logGroup: GROUP }]);
    source.close();
    await expect(source.round({ fromEpoch: 0, sweep: false }, collecting().link)).rejects.toThrow(/closed/);
  });
});

/** The nice value of each thread of this process, by thread id (Linux: /proc/self/task). */
function niceOfThreads(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command's closing parenthesis: state is field 3, nice field 19.
      out.set(tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return out;
}
