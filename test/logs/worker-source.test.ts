/**
 * The log reading thread: it reads a group through the SDK client, parses, deduplicates and
 * joins on its own thread, and the run's recorder gets the decisions: every request of the run
 * decided once, as the join decides it, with the figures of the reading when it ends; failures
 * come back as the same errors a reading on the run's thread would meet, and if the thread is
 * gone the requests left are counted unknown. The thread runs the build's script (dist/).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { LogsApiError } from '../../src/logs/api.js';
import { BATCH_ROWS } from '../../src/logs/thread-join.js';
import { WorkerLogSource } from '../../src/logs/worker-source.js';
import { CostAccumulator, resolvePrices } from '../../src/lambda/cost.js';
import { Recorder } from '../../src/run/recorder.js';
import type { Outcome } from '../../src/targets/target.js';
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

const report = (id: string, init = '') => `REPORT RequestId: ${id}\tDuration: 5.00 ms\tBilled Duration: 6 ms\tMemory Size: 256 MB\tMax Memory Used: 70 MB\t${init}\n`;
/** The run's clock is epoch ms here: a request "ended" at clock time t ended at epoch t. */
const epochOf = (t: number) => t;

/** A recorder whose requests end at epoch `at` with these ids, handed to the source's join. */
function run(src: WorkerLogSource, setup: { viaAccessLog?: boolean } = {}) {
  const recorder = new Recorder(Date.now() - 10_000, undefined, 256);
  recorder.startJoin = src.attach(recorder, { mode: 'sync', viaAccessLog: setup.viaAccessLog ?? false, asyncMaxAttempts: 3 }, epochOf);
  src.setRunWindow(0, Infinity);
  const end = (at: number, outcome: { requestId?: string; frontRequestId?: string }, serviceMs = 300) => {
    recorder.sent(at - serviceMs, at - serviceMs);
    recorder.completed({ plannedAt: at - serviceMs, sentAt: at - serviceMs, endedAt: at, outcome: { kind: 'ok', status: 200, ...outcome } });
  };
  return { recorder, end };
}

describe('WorkerLogSource', () => {
  it('reads, parses, deduplicates and joins on its thread: each request decided once, cold starts as the join decides them', async () => {
    server = await startEdgeLogsServer({ pageSize: 3, emptyPagesBefore: 1, throttleEvery: 4 });
    const now = Date.now();
    source = await WorkerLogSource.start({ endpoint: server.endpoint, timeoutMs: 5000 }, [{ logGroup: GROUP }]);
    const { recorder, end } = run(source);
    for (let i = 0; i < 10; i++) {
      end(now - 3000 + i, { requestId: `id-${i}` });
      server.put({ logGroup: GROUP, logStreamName: 's1', timestamp: now - 3000 + i, ingestionTime: now - 2000, message: report(`id-${i}`, i === 0 ? 'Init Duration: 250.00 ms\t' : '') });
    }
    end(now - 2900, {}); // no id to join on
    end(now - 2800, { requestId: 'never-logged' });
    server.put({ logGroup: GROUP, logStreamName: 's1', timestamp: now - 2500, ingestionTime: now - 2000, message: 'function output, not a platform line' });
    expect(source.pending).toBe(12);
    await source.round({ fromEpoch: now - 10_000, sweep: false });
    expect(recorder.counts).toMatchObject({ cold: 1, warm: 9, unknown: 1 });
    expect(source.pending).toBe(1);
    expect(recorder.histograms.billed.totalCount).toBe(10);
    expect(recorder.coldStarts.map((e) => e.requestId)).toEqual(['id-0']);
    expect(source.stats()).toMatchObject({ events: 11, duplicates: 0 });
    expect(source.stats().throttled).toBeGreaterThan(0);
    // A sweep around the request still waiting reads its span again: the thread drops the lines by eventId.
    await source.round({ fromEpoch: now - 10_000, sweep: true });
    expect(source.stats().duplicates).toBeGreaterThanOrEqual(10);
    const figures = await source.finish();
    expect(figures).toMatchObject({ deferred: 12, matched: 10, unmatched: 1, withoutId: 1 });
    expect(figures.lag.totalCount).toBe(10);
    expect(recorder.counts).toMatchObject({ cold: 1, warm: 9, unknown: 2 });
    expect(recorder.undecided).toBe(0);
  });

  it('hands each request over with its name and outcome and gets it back so: a mix counts its starts by name, and a 502 without its REPORT is not billed', async () => {
    server = await startEdgeLogsServer();
    const now = Date.now();
    source = await WorkerLogSource.start({ endpoint: server.endpoint, timeoutMs: 5000 }, [{ logGroup: GROUP }]);
    const cost = new CostAccumulator('x86_64', resolvePrices(undefined));
    const recorder = new Recorder(now - 10_000, cost, 256, ['browse', 'checkout']);
    recorder.startJoin = source.attach(recorder, { mode: 'sync', viaAccessLog: false, asyncMaxAttempts: 3 }, epochOf);
    source.setRunWindow(0, Infinity);
    const end = (at: number, outcome: Outcome) => {
      recorder.sent(at - 300, at - 300);
      recorder.completed({ plannedAt: at - 300, sentAt: at - 300, endedAt: at, outcome });
    };
    end(now - 3000, { kind: 'ok', status: 200, requestId: 'b-1', request: 0 });
    end(now - 2990, { kind: 'ok', status: 200, requestId: 'c-1', request: 1 });
    // Neither has its REPORT in the logs: the 502 of a front never reached the function, the answer did.
    end(now - 2980, { kind: 'error', errorClass: 'http-5xx', status: 502, requestId: 'c-2', request: 1 });
    end(now - 2970, { kind: 'ok', status: 200, requestId: 'c-3', request: 1 });
    server.put({ logGroup: GROUP, logStreamName: 's1', timestamp: now - 3000, ingestionTime: now - 2000, message: report('b-1') });
    server.put({ logGroup: GROUP, logStreamName: 's1', timestamp: now - 2990, ingestionTime: now - 2000, message: report('c-1', 'Init Duration: 250.00 ms\t') });
    expect(recorder.undecided).toBe(4);
    await source.round({ fromEpoch: now - 10_000, sweep: false });
    expect(recorder.undecided).toBe(2);
    await source.finish();
    expect(recorder.undecided).toBe(0);
    expect(recorder.requests[0]!.counts).toMatchObject({ completed: 1, ok: 1, warm: 1 });
    expect(recorder.requests[1]!.counts).toMatchObject({ completed: 3, ok: 2, errors: 1, cold: 1, unknown: 2 });
    expect(recorder.requests[1]!.histograms.cold.totalCount).toBe(1);
    // Two REPORTs, and the answer without one billed unreported; not the 502.
    expect(cost.summary()).toMatchObject({ invocations: 3, unreported: 1 });
  });

  it('sends a batch to the thread as it fills, before any round: each request is pending once meanwhile, and decided once', async () => {
    server = await startEdgeLogsServer({ pageSize: 5000 });
    const now = Date.now();
    source = await WorkerLogSource.start({ endpoint: server.endpoint, timeoutMs: 5000 }, [{ logGroup: GROUP }]);
    const { recorder, end } = run(source);
    const n = 2 * BATCH_ROWS + 10;
    for (let i = 0; i < n; i++) {
      end(now - 3000 + i / 100, { requestId: `id-${i}` });
      server.put({ logGroup: GROUP, logStreamName: 's1', timestamp: now - 3000, ingestionTime: now - 2000, message: report(`id-${i}`) });
    }
    // The two full batches went as they filled; the thread says so when it gives them back.
    for (let waited = 0; waited < 1000; waited += 20) {
      expect(source.pending).toBe(n);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await source.round({ fromEpoch: now - 10_000, sweep: false });
    expect(recorder.counts).toMatchObject({ warm: n, unknown: 0 });
    expect(source.pending).toBe(0);
    expect(await source.finish()).toMatchObject({ deferred: n, matched: n });
  });

  it('joins through an access log: API Gateway ids to Lambda ids, on the thread', async () => {
    server = await startEdgeLogsServer();
    const now = Date.now();
    source = await WorkerLogSource.start({ endpoint: server.endpoint, timeoutMs: 5000 }, [
      { logGroup: GROUP },
      { logGroup: ACCESS, access: { requestIdField: 'requestId', lambdaRequestIdField: 'lambdaRequestId', integrationStatusField: 'integrationStatus' } },
    ]);
    const { recorder, end } = run(source, { viaAccessLog: true });
    end(now - 3000, { frontRequestId: 'front-1' });
    end(now - 2990, { frontRequestId: 'front-2' });
    server.put({ logGroup: ACCESS, logStreamName: 'a', timestamp: now - 2999, ingestionTime: now - 2000, message: JSON.stringify({ requestId: 'front-1', lambdaRequestId: 'id-1', integrationStatus: '200' }) });
    server.put({ logGroup: ACCESS, logStreamName: 'a', timestamp: now - 2989, ingestionTime: now - 2000, message: JSON.stringify({ requestId: 'front-2', lambdaRequestId: '-', integrationStatus: '429' }) });
    server.put({ logGroup: GROUP, logStreamName: 's1', timestamp: now - 3001, ingestionTime: now - 2000, message: report('id-1') });
    await source.round({ fromEpoch: now - 10_000, sweep: false });
    const figures = await source.finish();
    expect(figures).toMatchObject({ deferred: 2, matched: 1, notInvoked: 1, throttledBehindFront: 1, unmatched: 0 });
    expect(recorder.counts).toMatchObject({ warm: 1, cold: 0, unknown: 0 });
    expect(recorder.undecided).toBe(0);
  });

  it('brings a failure back as the reading would meet it: a missing group is a LogsApiError "not-found"', async () => {
    server = await startEdgeLogsServer();
    server.put({ logGroup: GROUP, logStreamName: 's', timestamp: Date.now() - 5000, ingestionTime: Date.now() - 5000, message: 'x' });
    source = await WorkerLogSource.start({ endpoint: server.endpoint, timeoutMs: 5000 }, [{ logGroup: '/aws/lambda/absent' }]);
    run(source);
    const failed = await source.round({ fromEpoch: Date.now() - 10_000, sweep: false }).catch((err: unknown) => err);
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

  it('once closed, fails every round with a message, and counts the requests not decided as unknown when the reading ends', async () => {
    server = await startEdgeLogsServer();
    source = await WorkerLogSource.start({ endpoint: server.endpoint, timeoutMs: 5000 }, [{ logGroup: GROUP }]);
    const { recorder, end } = run(source);
    end(Date.now() - 1000, { requestId: 'a' });
    end(Date.now() - 1000, { requestId: 'b' });
    source.close();
    await expect(source.round({ fromEpoch: 0, sweep: false })).rejects.toThrow(/closed/);
    expect(recorder.undecided).toBe(2);
    const figures = await source.finish();
    expect(figures).toMatchObject({ deferred: 2, matched: 0, unmatched: 2 });
    expect(recorder.counts.unknown).toBe(2);
    expect([...recorder.startBases.unknown.keys()][0]).toMatch(/the reading ended before a line was read \(.*closed/);
    expect(recorder.undecided).toBe(0);
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
