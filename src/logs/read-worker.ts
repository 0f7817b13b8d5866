/**
 * The log reading thread (started by worker-source.ts): a LocalLogSource with its own
 * CloudWatch Logs client. It fetches, parses and deduplicates on this thread and posts the
 * parsed events; the run's thread joins them and answers where its unmatched requests are.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { createSdkLogsApi } from './api.js';
import type { LogsApi, LogsClientOptions, LogsFailureKind } from './api.js';
import { realReaderClock } from './reader.js';
import { packEvents } from './packed-events.js';
import { LocalLogSource } from './source.js';
import type { GroupSpec, RoundLink } from './source.js';
import type { FailureData, FromReader, ToReader } from './worker-protocol.js';

export interface ReaderThreadData {
  client: LogsClientOptions;
  groups: GroupSpec[];
  sliceSize: number;
}

const port = parentPort!;
const data = workerData as ReaderThreadData;
const post = (message: FromReader): void => port.postMessage(message);

const answers = new Map<number, (value: never) => void>();
let asked = 0;
function ask<T>(question: { what: 'ranges'; covered: number } | { what: 'keepFrom' }): Promise<T> {
  return new Promise<T>((resolve) => {
    const id = ++asked;
    answers.set(id, resolve as (value: never) => void);
    post({ type: 'ask', ask: id, ...question });
  });
}

const link: RoundLink = {
  platform: (events) => post({ type: 'platform', packed: packEvents(events) }),
  access: (records) => post({ type: 'access', records }),
  sweepRanges: (covered) => ask<[number, number][]>({ what: 'ranges', covered }),
  keepFrom: () => ask<number>({ what: 'keepFrom' }),
};

const aborts = new Map<number, AbortController>();

/**
 * The reading is background work: its lines are read seconds after they are written anyway.
 * On Linux, where a nice value belongs to the thread (setpriority(2) on the calling thread),
 * this thread takes the lowest priority, so that on a busy core the thread that sends and
 * times requests goes first; the reading catches up when the load leaves the core idle, or
 * after it. Elsewhere the call would lower the whole process: the thread keeps its priority.
 */
const READER_NICE = 19;
function yieldToTheRun(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(READER_NICE);
  } catch {
    // Not allowed here (a sandbox): the reading goes on at the run's priority.
  }
}

async function start(): Promise<void> {
  yieldToTheRun();
  const api = await createSdkLogsApi(data.client);
  const source = new LocalLogSource({ api, clock: realReaderClock, groups: data.groups, sliceSize: data.sliceSize });
  port.on('message', (message: ToReader) => {
    switch (message.type) {
      case 'round':
        void round(source, message.id, message.request);
        break;
      case 'filter':
        void filter(api, message.id, message.params);
        break;
      case 'abort':
        aborts.get(message.id)?.abort();
        break;
      case 'answer':
        answers.get(message.ask)?.(message.value as never);
        answers.delete(message.ask);
        break;
      case 'close':
        source.close();
        port.close();
        break;
    }
  });
  post({ type: 'ready' });
}

async function round(source: LocalLogSource, id: number, request: Parameters<LocalLogSource['round']>[0]): Promise<void> {
  const control = new AbortController();
  aborts.set(id, control);
  try {
    await source.round(request, link, control.signal);
    post({ type: 'done', id, stats: source.stats() });
  } catch (err) {
    post({ type: 'done', id, stats: source.stats(), error: failureData(err) });
  } finally {
    aborts.delete(id);
  }
}

/** One call for the run's thread (the probe of a group before the load). */
async function filter(api: LogsApi, id: number, params: Parameters<LogsApi['filter']>[0]): Promise<void> {
  try {
    post({ type: 'filtered', id, page: await api.filter(params) });
  } catch (err) {
    post({ type: 'filtered', id, error: failureData(err) });
  }
}

function failureData(err: unknown): FailureData {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { kind?: unknown; awsName?: unknown; message?: unknown };
  return {
    kind: typeof e.kind === 'string' ? (e.kind as LogsFailureKind) : undefined,
    awsName: typeof e.awsName === 'string' ? e.awsName : 'Error',
    message: typeof e.message === 'string' ? e.message : String(err),
  };
}

start().catch((err: unknown) => post({ type: 'failed', message: err instanceof Error ? err.message : String(err) }));
