/**
 * The log reading thread (started by worker-source.ts): a LocalLogSource with its own
 * CloudWatch Logs client, and the join. It fetches, parses, deduplicates and joins on this
 * thread; the run's thread sends the requests to join and counts the decisions it gets back.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { createSdkLogsApi } from './api.js';
import type { LogsApi, LogsClientOptions, LogsFailureKind } from './api.js';
import { LogJoin } from './join.js';
import { realReaderClock } from './reader.js';
import { joinLink, LocalLogSource } from './source.js';
import type { GroupSpec, JoinSetup, RoundLink, RoundRequest } from './source.js';
import { encodeFigures, ThreadRecorder } from './thread-join.js';
import type { DeferBatch, TallySetup } from './thread-join.js';
import type { FailureData, FromReader, ToReader } from './worker-protocol.js';

export interface ReaderThreadData {
  client: LogsClientOptions;
  groups: GroupSpec[];
  sliceSize: number;
}

const port = parentPort!;
const data = workerData as ReaderThreadData;
/** Posts a message to the run's thread (the columns of its batches are shared, not copied: thread-join.ts). */
const post = (message: FromReader): void => port.postMessage(message);

/**
 * The join lives here, beside the reading: the run's thread sends the requests it could not
 * classify in batches, as each fills and with each round (thread-join.ts), and gets back each
 * batch once its requests are copied, and the decisions.
 */
const recorder = new ThreadRecorder();
let join: LogJoin | undefined;
let link: RoundLink | undefined;

function attach(setup: JoinSetup, epochOffsetMs: number, tally: TallySetup): void {
  recorder.countPlainHere(tally);
  join = new LogJoin({ ...setup, recorder, epochOf: (clockMs) => epochOffsetMs + clockMs });
  const local = joinLink(join);
  link = {
    ...local,
    // Decisions go back as lines are joined, so the run counts cold starts as they are found.
    platform: (events) => {
      local.platform(events);
      soonSendDecisions();
    },
    access: (records) => {
      local.access(records);
      soonSendDecisions();
    },
  };
}

/**
 * Decisions made within this long of each other go back in one message, unless this many wait:
 * a message a slice of lines (100) would be hundreds a second at full speed, each an event to
 * dispatch and a batch to read on the run's thread; a tenth of a second is no delay for the
 * progress line.
 */
const DECISIONS_EVERY_MS = 100;
const DECISIONS_AT_ONCE = 5_000;
let decisionsTimer: NodeJS.Timeout | undefined;

function soonSendDecisions(): void {
  if (recorder.decisionsWaiting >= DECISIONS_AT_ONCE) sendDecisions();
  else decisionsTimer ??= setTimeout(sendDecisions, DECISIONS_EVERY_MS);
}

function sendDecisions(): void {
  if (decisionsTimer !== undefined) clearTimeout(decisionsTimer);
  decisionsTimer = undefined;
  const decided = recorder.takeDecisions();
  if (decided !== undefined) post({ type: 'decisions', decided, pending: join?.pending ?? 0 });
}

/** Takes the requests of `defers` in, and gives their buffers back at once: they are copied. */
function takeDefers(defers: DeferBatch[] | undefined): void {
  if (defers === undefined || join === undefined) return;
  const j = join;
  for (const batch of defers) recorder.add(batch, (ticket, ids, row) => j.deferRow(ticket, ids, row), (requestId) => j.known(requestId));
  post({ type: 'spare', spare: defers, pending: j.pending });
  sendDecisions();
}

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
      case 'attach':
        attach(message.setup, message.epochOffsetMs, message.tally);
        break;
      case 'window':
        join?.setRunWindow(message.fromMs, message.toMs);
        break;
      case 'defers':
        takeDefers(message.defers);
        break;
      case 'round':
        takeDefers(message.defers);
        void round(source, message.id, message.request);
        break;
      case 'finish':
        takeDefers(message.defers);
        finish(source, message.id);
        break;
      case 'filter':
        void filter(api, message.id, message.params);
        break;
      case 'abort':
        aborts.get(message.id)?.abort();
        break;
      case 'close':
        if (decisionsTimer !== undefined) clearTimeout(decisionsTimer);
        source.close();
        port.close();
        break;
    }
  });
  post({ type: 'ready' });
}

async function round(source: LocalLogSource, id: number, request: RoundRequest): Promise<void> {
  const control = new AbortController();
  aborts.set(id, control);
  try {
    if (link === undefined) throw new Error('a round before the join was attached');
    await source.round(request, link, control.signal);
    sendDecisions();
    post({ type: 'done', id, stats: source.stats(), pending: join?.pending ?? 0, retrying: join?.retrying ?? 0 });
  } catch (err) {
    sendDecisions();
    post({ type: 'done', id, stats: source.stats(), pending: join?.pending ?? 0, retrying: join?.retrying ?? 0, error: failureData(err) });
  } finally {
    aborts.delete(id);
  }
}

function finish(source: LocalLogSource, id: number): void {
  try {
    if (join === undefined) throw new Error('the reading ended before the join was attached');
    const figures = join.finish();
    sendDecisions();
    post({ type: 'finished', id, stats: source.stats(), figures: encodeFigures(figures) });
  } catch (err) {
    // Decisions made before the failure go first: none may come after the answer (the run's
    // thread then counts every request left as unknown).
    sendDecisions();
    post({ type: 'finished', id, stats: source.stats(), error: failureData(err) });
  }
}

/** One call for the run's thread (the probe of a group before the load). */
async function filter(api: LogsApi, id: number, params: Parameters<LogsApi['filter']>[0]): Promise<void> {
  try {
    const { events, nextToken } = await api.filter(params);
    // The events cross to the run's thread as an array (a page from the API parses them when taken).
    post({ type: 'filtered', id, page: { events: events.slice(0, events.length), ...(nextToken !== undefined && { nextToken }) } });
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
