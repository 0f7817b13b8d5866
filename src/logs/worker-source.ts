/**
 * A log reading on a thread of its own (read-worker.ts), with the join beside it. Fetching a
 * page of thousands of lines, parsing it, dropping the lines read before and joining each to
 * its request takes tens of milliseconds: on the run's thread that time would be added to the
 * latencies of the answers that came meanwhile, and to the sends of an open model. Here the
 * run's thread hands over the requests it could not classify, a few array writes each, and
 * counts the decisions that come back (thread-join.ts).
 *
 * If the thread fails, the round under way and every later one fail with a message: the run
 * goes on, and the requests not decided by then are counted `unknown` when the reading ends.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { newHistogram } from '../result/histogram.js';
import type { Recorder, StartJoin } from '../run/recorder.js';
import { LogsApiError } from './api.js';
import type { FilterPage, LogsApi, LogsClientOptions } from './api.js';
import type { JoinFigures } from './join.js';
import type { ReaderThreadData } from './read-worker.js';
import { newReadStats } from './reader.js';
import type { ReadStats } from './reader.js';
import type { GroupSpec, JoinedLogSource, JoinSetup, RoundRequest } from './source.js';
import { countDecided, decodeFigures, JoinClient, tallySetupOf } from './thread-join.js';
import type { DeferBatch } from './thread-join.js';
import type { FailureData, FromReader, ToReader } from './worker-protocol.js';

/** Events per slice: a few hundred are parsed and joined in well under a millisecond. */
const SLICE = 250;
const START_TIMEOUT_MS = 30_000;
/**
 * The reading thread's young generation, MB. V8 grows each isolate's to about 34 MB under a
 * steady load, the reading thread's too: at 2,000 requests/s for 45 s with logs on, peak RSS was
 * 206-231 MB with the default, 189-191 MB with 8 and 166-174 MB with 4 (two runs each). Smaller,
 * its collections run more often; closed runs at full speed showed no change in the engine
 * thread's requests per CPU-second with 8 or 4 (four interleaved rounds each, within their
 * spread), and the reading thread about 1 µs more per request with 4. At 2,000 requests/s, p99
 * with logs on was 4.4-6.9 ms with 8, 4.2-9.3 ms with 4 and 4.6-11.2 ms with 2 (V8's helper
 * threads busier), and no better with 16 or 32 (4 or 5 interleaved 15 s rounds each).
 */
const READER_YOUNG_GENERATION_MB = 8;

interface Call<T> {
  resolve(value: T): void;
  reject(err: Error): void;
}

export class WorkerLogSource implements JoinedLogSource {
  private latest: ReadStats = newReadStats();
  private readonly calls = new Map<number, Call<unknown>>();
  private callIds = 0;
  private failure: string | undefined;
  private recorder: Recorder | undefined;
  private client: JoinClient | undefined;
  /** Requests the thread said were still waiting, as of its last message. */
  private waitingThere = 0;
  /** Of those, async events that may still be retried, as of its last round. */
  private retryingThere = 0;
  /** Requests handed over and decisions counted, here. */
  private deferredCount = 0;
  /** Requests sent to the thread in batches it has not said it took in yet. */
  private sentNotTaken = 0;
  private decidedWithReport = 0;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: FromReader) => this.onMessage(message));
    worker.on('error', (err) => this.fail(`the log reading thread failed: ${err.message}`));
    worker.on('exit', (code) => this.fail(`the log reading thread ended (exit code ${code})`));
    // The thread keeps coldbench running only while a call to it is under way.
    worker.unref();
  }

  /** Starts the thread and its CloudWatch Logs client; rejects when it cannot start. */
  static async start(client: LogsClientOptions, groups: readonly GroupSpec[]): Promise<WorkerLogSource> {
    const data: ReaderThreadData = { client, groups: [...groups], sliceSize: SLICE };
    const worker = new Worker(readerScript(), { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: READER_YOUNG_GENERATION_MB } });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the log reading thread did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
        const done = (err?: Error): void => {
          clearTimeout(timer);
          worker.off('message', onMessage).off('error', done).off('exit', onExit);
          if (err === undefined) resolve();
          else reject(err);
        };
        const onMessage = (m: FromReader): void => {
          if (m.type === 'ready') done();
          else if (m.type === 'failed') done(new Error(`the log reading thread could not start: ${m.message}`));
        };
        const onExit = (code: number): void => done(new Error(`the log reading thread ended (exit code ${code}) before it started`));
        worker.on('message', onMessage).on('error', done).on('exit', onExit);
      });
    } catch (err) {
      void worker.terminate();
      throw err;
    }
    return new WorkerLogSource(worker);
  }

  /**
   * The run's clock and the epoch differ by a constant (the run's clock is performance.now()):
   * the thread is given it, and turns the times of the requests it holds into epochs itself.
   */
  attach(recorder: Recorder, setup: JoinSetup, epochOf: (clockMs: number) => number): StartJoin {
    const client = new JoinClient(setup.viaAccessLog);
    this.recorder = recorder;
    this.client = client;
    client.onFull = () => this.post({ type: 'defers', defers: this.sending(client.takeFull()) });
    this.post({ type: 'attach', setup, epochOffsetMs: epochOf(0), tally: tallySetupOf(recorder) });
    return {
      carry: (answered) => {
        this.deferredCount++;
        client.carry(answered);
      },
      known: (requestId) => client.known(requestId),
    };
  }

  setRunWindow(fromMs: number, toMs: number): void {
    this.post({ type: 'window', fromMs, toMs });
  }

  get pending(): number {
    return this.waitingThere + this.sentNotTaken + (this.client?.unsent ?? 0);
  }

  get retrying(): number {
    return Math.min(this.retryingThere, this.pending);
  }

  round(request: RoundRequest, signal?: AbortSignal): Promise<void> {
    return this.call<void>((id) => ({ type: 'round', id, request, ...this.defers() }), signal);
  }

  async finish(): Promise<JoinFigures> {
    try {
      return decodeFigures(await this.call((id) => ({ type: 'finish', id, ...this.defers() })));
    } catch (err) {
      return this.finishHere(err instanceof Error ? err.message : String(err));
    }
  }

  /** Single calls on the thread's client (the probes before the load). */
  readonly api: LogsApi = {
    filter: (params) => this.call<FilterPage>((id) => ({ type: 'filter', id, params })),
    close: () => undefined,
  };

  stats(): ReadStats {
    return { ...this.latest };
  }

  close(): void {
    if (this.failure === undefined) this.failure = 'the log reading thread was closed';
    this.post({ type: 'close' });
    void this.worker.terminate();
  }

  /** The requests handed over since the last message, to go with the next one. */
  private defers(): { defers?: DeferBatch[] } {
    const batches = this.client?.takeBatches();
    return batches === undefined ? {} : { defers: this.sending(batches) };
  }

  /** `batches`, counted as sent until the thread gives them back. */
  private sending(batches: DeferBatch[]): DeferBatch[] {
    this.sentNotTaken += rowsOf(batches);
    return batches;
  }

  /** Posts a call and waits for its answer; the thread keeps coldbench alive meanwhile. */
  private call<T>(message: (id: number) => ToReader, signal?: AbortSignal): Promise<T> {
    if (this.failure !== undefined) return Promise.reject(new Error(this.failure));
    const id = ++this.callIds;
    const onAbort = (): void => this.post({ type: 'abort', id });
    this.worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.calls.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.post(message(id));
      if (signal?.aborted === true) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    }).finally(() => {
      signal?.removeEventListener('abort', onAbort);
      this.calls.delete(id);
      this.worker.unref();
    });
  }

  private post(message: ToReader): void {
    try {
      // The requests' columns are shared with the thread, not copied (thread-join.ts).
      this.worker.postMessage(message);
    } catch {
      // A thread already gone: `fail` has said so.
    }
  }

  private onMessage(m: FromReader): void {
    switch (m.type) {
      case 'decisions':
        if (this.recorder !== undefined && this.client !== undefined) {
          this.decidedWithReport += countDecided(m.decided, this.client, this.recorder);
        }
        this.waitingThere = m.pending;
        return;
      case 'filtered':
        this.settle(m.id, m.error, m.page ?? { events: [] });
        return;
      case 'spare':
        this.client?.recycle(m.spare);
        // After finishHere every request was counted here: a thread still alive changes nothing.
        if (this.recorder === undefined) return;
        this.sentNotTaken -= rowsOf(m.spare);
        this.waitingThere = m.pending;
        return;
      case 'done':
        this.latest = m.stats;
        this.waitingThere = m.pending;
        this.retryingThere = m.retrying;
        this.settle(m.id, m.error, undefined);
        return;
      case 'finished':
        this.latest = m.stats;
        this.waitingThere = 0;
        this.settle(m.id, m.error ?? (m.figures === undefined ? { kind: undefined, awsName: 'Error', message: 'the join gave no figures' } : undefined), m.figures);
        return;
      case 'ready':
      case 'failed':
        return;
    }
  }

  private settle(id: number, error: FailureData | undefined, value: unknown): void {
    const call = this.calls.get(id);
    if (error !== undefined) call?.reject(errorOf(error));
    else call?.resolve(value);
  }

  private fail(message: string): void {
    if (this.failure === undefined) this.failure = message;
    for (const call of this.calls.values()) call.reject(new Error(this.failure));
  }

  /**
   * The thread is gone: every request not decided yet is counted `unknown` here, and the
   * figures are what this side knows (the lag and run-level figures stay with the thread).
   */
  private finishHere(why: string): JoinFigures {
    const basis = `CloudWatch Logs: the reading ended before a line was read (${why})`;
    const left = this.recorder?.leftUndecided(basis) ?? 0;
    // Decisions a thread still alive sends after this are for requests counted here: not counted again.
    this.recorder = undefined;
    this.client?.takeBatches();
    this.waitingThere = 0;
    this.sentNotTaken = 0;
    return {
      deferred: this.deferredCount, matched: this.decidedWithReport, unmatched: left, withoutId: 0, notInvoked: 0, throttledBehindFront: 0, withoutAccessLog: 0, withoutLambdaField: 0, unclaimedReports: 0, claimedReports: this.decidedWithReport,
      lag: newHistogram(),
      runLevel: { invocations: 0, coldStarts: 0, init: newHistogram() },
      skew: { lowMs: undefined, highMs: undefined },
    };
  }
}

function errorOf(data: FailureData): Error {
  return data.kind === undefined ? new Error(data.message) : new LogsApiError(data.kind, data.awsName, data.message);
}

/**
 * The compiled thread script beside this module. Run from the TypeScript sources (the tests),
 * it is the build's copy in dist/: a thread loads JavaScript only, and `npm test` builds first.
 */
function readerScript(): URL {
  const here = new URL('./read-worker.js', import.meta.url);
  const url = import.meta.url.endsWith('.ts') ? new URL('../../dist/logs/read-worker.js', import.meta.url) : here;
  if (!existsSync(fileURLToPath(url))) throw new Error(`the log reading thread's script is missing: ${fileURLToPath(url)} (run npm run build)`);
  return url;
}

function rowsOf(batches: readonly DeferBatch[]): number {
  let rows = 0;
  for (const batch of batches) rows += batch.tags.length;
  return rows;
}
