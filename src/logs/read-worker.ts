/**
 * The log reading thread (started by worker-source.ts): a LocalLogSource with its own
 * CloudWatch Logs client. It fetches, parses and deduplicates on this thread and posts the
 * parsed events; the run's thread joins them and answers where its unmatched requests are.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createSdkLogsApi } from './api.js';
import type { LogsClientOptions, LogsFailureKind } from './api.js';
import { realReaderClock } from './reader.js';
import { LocalLogSource } from './source.js';
import type { GroupSpec, RoundLink } from './source.js';
import type { FromReader, ToReader } from './worker-protocol.js';

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
  platform: (events) => post({ type: 'platform', events }),
  access: (records) => post({ type: 'access', records }),
  sweepRanges: (covered) => ask<[number, number][]>({ what: 'ranges', covered }),
  keepFrom: () => ask<number>({ what: 'keepFrom' }),
};

const aborts = new Map<number, AbortController>();

async function start(): Promise<void> {
  const source = new LocalLogSource({ api: await createSdkLogsApi(data.client), clock: realReaderClock, groups: data.groups, sliceSize: data.sliceSize });
  port.on('message', (message: ToReader) => {
    switch (message.type) {
      case 'round':
        void round(source, message.id, message.request);
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
    const e = err as { kind?: unknown; awsName?: unknown; message?: unknown };
    post({
      type: 'done',
      id,
      stats: source.stats(),
      error: {
        kind: typeof e.kind === 'string' ? (e.kind as LogsFailureKind) : undefined,
        awsName: typeof e.awsName === 'string' ? e.awsName : 'Error',
        message: typeof e.message === 'string' ? e.message : String(err),
      },
    });
  } finally {
    aborts.delete(id);
  }
}

start().catch((err: unknown) => post({ type: 'failed', message: err instanceof Error ? err.message : String(err) }));
