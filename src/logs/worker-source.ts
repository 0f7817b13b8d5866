/**
 * A LogSource on a thread of its own (read-worker.ts). Fetching a page of 10,000 lines, parsing
 * it and dropping the lines read before takes tens of milliseconds: on the run's thread that
 * time would be added to the latencies of the answers that came meanwhile, and to the sends of
 * an open model. Here the run's thread only joins parsed events, a few hundred at a time, and
 * answers the reader's questions (where the unmatched requests are).
 *
 * If the thread fails, the round under way and every later one fail with a message: the run
 * goes on, and its requests still unmatched stay `unknown`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LogsApiError } from './api.js';
import type { FilterPage, LogsApi, LogsClientOptions } from './api.js';
import type { ReaderThreadData } from './read-worker.js';
import { unpackEvents } from './packed-events.js';
import { newReadStats } from './reader.js';
import type { ReadStats } from './reader.js';
import type { GroupSpec, LogSource, RoundLink, RoundRequest } from './source.js';
import type { FailureData, FromReader, ToReader } from './worker-protocol.js';

/** Events per message: a few hundred are joined in well under a millisecond. */
const SLICE = 250;
const START_TIMEOUT_MS = 30_000;

interface Round {
  id: number;
  link: RoundLink;
  resolve(): void;
  reject(err: Error): void;
}

export class WorkerLogSource implements LogSource {
  private latest: ReadStats = newReadStats();
  private current: Round | undefined;
  private rounds = 0;
  private failure: string | undefined;
  private readonly calls = new Map<number, { resolve(page: FilterPage): void; reject(err: Error): void }>();
  private callIds = 0;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: FromReader) => this.onMessage(message));
    worker.on('error', (err) => this.fail(`the log reading thread failed: ${err.message}`));
    worker.on('exit', (code) => this.fail(`the log reading thread ended (exit code ${code})`));
    // The thread keeps coldbench running only while a round is under way.
    worker.unref();
  }

  /** Starts the thread and its CloudWatch Logs client; rejects when it cannot start. */
  static async start(client: LogsClientOptions, groups: readonly GroupSpec[]): Promise<WorkerLogSource> {
    const data: ReaderThreadData = { client, groups: [...groups], sliceSize: SLICE };
    const worker = new Worker(readerScript(), { workerData: data });
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

  round(request: RoundRequest, link: RoundLink, signal?: AbortSignal): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(new Error(this.failure));
    if (this.current !== undefined) return Promise.reject(new Error('a log reading round is already under way'));
    const id = ++this.rounds;
    const onAbort = (): void => this.post({ type: 'abort', id });
    this.worker.ref();
    return new Promise<void>((resolve, reject) => {
      this.current = { id, link, resolve, reject };
      this.post({ type: 'round', id, request });
      if (signal?.aborted === true) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    }).finally(() => {
      signal?.removeEventListener('abort', onAbort);
      this.worker.unref();
      if (this.current?.id === id) this.current = undefined;
    });
  }

  /** Single calls on the thread's client (the probes before the load). */
  readonly api: LogsApi = {
    filter: (params) => {
      if (this.failure !== undefined) return Promise.reject(new Error(this.failure));
      const id = ++this.callIds;
      this.worker.ref();
      return new Promise<FilterPage>((resolve, reject) => {
        this.calls.set(id, { resolve, reject });
        this.post({ type: 'filter', id, params });
      }).finally(() => {
        this.calls.delete(id);
        this.worker.unref();
      });
    },
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

  private post(message: ToReader): void {
    try {
      this.worker.postMessage(message);
    } catch {
      // A thread already gone: `fail` has said so.
    }
  }

  private onMessage(m: FromReader): void {
    const round = this.current;
    switch (m.type) {
      case 'platform':
        round?.link.platform(unpackEvents(m.packed));
        return;
      case 'access':
        round?.link.access(m.records);
        return;
      case 'ask':
        if (round !== undefined) void this.answer(round.link, m);
        return;
      case 'filtered': {
        const call = this.calls.get(m.id);
        if (m.error !== undefined) call?.reject(errorOf(m.error));
        else call?.resolve(m.page ?? { events: [] });
        return;
      }
      case 'done':
        this.latest = m.stats;
        if (round === undefined || round.id !== m.id) return;
        if (m.error === undefined) round.resolve();
        else round.reject(errorOf(m.error));
        return;
      default:
        return;
    }
  }

  private async answer(link: RoundLink, m: FromReader & { type: 'ask' }): Promise<void> {
    const value = m.what === 'ranges' ? await link.sweepRanges(m.covered) : await link.keepFrom();
    this.post({ type: 'answer', ask: m.ask, value });
  }

  private fail(message: string): void {
    if (this.failure === undefined) this.failure = message;
    this.current?.reject(new Error(this.failure));
    for (const call of this.calls.values()) call.reject(new Error(this.failure));
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
