/**
 * The join split across the two threads of a run that reads its function's logs. The run's
 * thread (the one that sends and times requests) keeps each request it cannot classify in its
 * Recorder and hands over, in batches, only what the join keys and times it by (JoinClient); the
 * log reading thread holds the LogJoin, matches each line to its request there, and sends back
 * the decisions in batches (ThreadRecorder), which the run's thread counts as if the target had
 * known them. The run's thread thus pays a few array writes per request, not the join's maps.
 *
 * Both batches travel in columns: an object per request would be cloned field by field on both
 * threads and become garbage on the run's thread. The columns are in shared memory
 * (sharedColumn): a message shares them, neither copied nor transferred; a batch is its
 * writer's until it is posted, then its reader's, until a batch of requests is given back.
 */
import type { LambdaReport } from '../lambda/records.js';
import type { DeferredRequests } from '../run/deferred.js';
import type { Answered, Recorder, StartDecision, StartJoin } from '../run/recorder.js';
import type { StartKind } from '../targets/target.js';
import { decodeHistogram, encodeHistogram } from '../result/histogram.js';
import type { AnswerIds, JoinFigures, JoinRecorder } from './join.js';
import { TextColumn, textReader } from './text-column.js';
import type { PackedTexts } from './text-column.js';
import { grownTo, sharedColumn } from '../util/columns.js';

/** Requests handed to the join since the last batch. Times are epoch ms (the run's clock). */
export interface DeferBatch {
  tickets: Int32Array;
  /** The ids the answer carried ('' for none). */
  requestIds: PackedTexts;
  frontIds: PackedTexts;
  /** Ids of requests whose start their target decided (StartJoin.known): not tickets, claimed when read. */
  knownIds: PackedTexts;
  plannedEpoch: Float64Array;
  endedEpoch: Float64Array;
  serviceMs: Float64Array;
}

/** A REPORT's numbers, in column order; NaN where it has none. */
const NUMBERS = ['durationMs', 'billedDurationMs', 'memorySizeMB', 'maxMemoryUsedMB', 'initDurationMs', 'restoreDurationMs', 'billedRestoreDurationMs'] as const;
const STARTS: readonly StartKind[] = ['warm', 'cold', 'proactive', 'unknown'];
/** `report` column of a decision without a REPORT. */
const NO_REPORT = 0;
const WITH_REPORT = 1;

/** Decisions since the last batch. Strings are indexes into `texts` (a basis is one text for many decisions). */
export interface DecisionBatch {
  tickets: Int32Array;
  /** Index into STARTS; -1: no decision (the function was never called). */
  starts: Int8Array;
  basis: Int32Array;
  reason: Int32Array;
  /** The Lambda request id of a cold or proactive decision (-1: none): the recorder names cold-start events by it, and reads it for no other. */
  requestId: Int32Array;
  /** WITH_REPORT when the decision has a REPORT: its numbers are the row's. */
  report: Uint8Array;
  numbers: Float64Array;
  /** A REPORT's status and error type, when it has them (-1: none). */
  status: Int32Array;
  errorType: Int32Array;
  texts: string[];
}

/**
 * The run's side: a Recorder's start join that batches its requests for the reading thread. The
 * recorder already keeps each request's times by ticket (DeferredRequests): a request's end
 * only notes its ticket and ids here, and the times are read from the recorder's columns when
 * the batch is taken (a ticket stays the recorder's until its decision comes back).
 */
export class JoinClient implements StartJoin {
  private tickets: Int32Array = sharedColumn(Int32Array, 1024);
  private count = 0;
  /** A batch the reading thread gave back once read: its buffers hold the next batches. */
  private spare: DeferBatch | undefined;
  private readonly requestIds = new TextColumn();
  private readonly frontIds = new TextColumn();
  private readonly knownIds = new TextColumn();

  constructor(
    private readonly epochOf: (clockMs: number) => number,
    private readonly kept: Pick<DeferredRequests, 'plannedAtOf' | 'endedAtOf' | 'serviceMsOf'>,
  ) {}

  defer(ticket: number, answered: Answered): void {
    if (this.count === this.tickets.length) this.tickets = grownTo(this.tickets, this.count * 2);
    this.tickets[this.count++] = ticket;
    this.requestIds.push(answered.outcome.requestId ?? '');
    this.frontIds.push(answered.outcome.frontRequestId ?? '');
  }

  known(requestId: string): void {
    this.knownIds.push(requestId);
  }

  /** Requests handed over since the last batch. */
  get unsent(): number {
    return this.count;
  }

  /**
   * A batch taken before, given back by the reading thread once read: the next batches are
   * written in its buffers. Buffers new to a run of tens of thousands of requests a second are
   * memory the system has to map page by page as they are first written, a cost on the run's
   * thread that reusing them avoids.
   */
  recycle(batch: DeferBatch): void {
    this.spare = batch;
  }

  /** The requests since the last batch, or undefined when there are none. */
  takeBatch(): DeferBatch | undefined {
    const n = this.count;
    if (n === 0 && this.knownIds.length === 0) return undefined;
    const spare = this.spare;
    this.spare = undefined;
    const batch: DeferBatch = {
      // The column itself goes with the batch; the next requests go to the spare's, or a new one.
      tickets: this.tickets.subarray(0, n),
      requestIds: this.requestIds.take(spare?.requestIds),
      frontIds: this.frontIds.take(spare?.frontIds),
      knownIds: this.knownIds.take(spare?.knownIds),
      plannedEpoch: timesColumn(spare?.plannedEpoch, n),
      endedEpoch: timesColumn(spare?.endedEpoch, n),
      serviceMs: timesColumn(spare?.serviceMs, n),
    };
    const tickets = spare?.tickets.buffer;
    this.tickets = tickets !== undefined && tickets.byteLength >= this.tickets.byteLength ? new Int32Array(tickets) : sharedColumn(Int32Array, this.tickets.length);
    for (let i = 0; i < n; i++) {
      const ticket = batch.tickets[i]!;
      batch.plannedEpoch[i] = this.epochOf(this.kept.plannedAtOf(ticket));
      batch.endedEpoch[i] = this.epochOf(this.kept.endedAtOf(ticket));
      batch.serviceMs[i] = this.kept.serviceMsOf(ticket);
    }
    this.count = 0;
    return batch;
  }
}

/** `n` times: in the buffer of a spare column when it has room, else in a new buffer with room to spare for larger batches. */
function timesColumn(spare: Float64Array | undefined, n: number): Float64Array {
  const buffer = spare?.buffer;
  if (buffer !== undefined && buffer.byteLength >= n * Float64Array.BYTES_PER_ELEMENT) return new Float64Array(buffer, 0, n);
  return sharedColumn(Float64Array, Math.max(MIN_TIMES, n + (n >> 1))).subarray(0, n);
}

const MIN_TIMES = 1024;

/**
 * Counts a batch of decisions in the run's recorder. A decision's REPORT comes back with its
 * numbers, status and error type (what Recorder.record reads), not its request id.
 *
 * Each decision is read into the same two objects, filled anew for each: decideStart reads them
 * and keeps none of them (Recorder.record), so deciding hundreds of thousands of requests makes
 * no garbage on the thread that sends and times requests.
 */
export function applyDecisions(batch: DecisionBatch, recorder: Pick<Recorder, 'decideStart'>): void {
  const { tickets, starts, texts } = batch;
  const report: LambdaReport = { type: 'report' };
  const decision: StartDecision = { start: 'unknown', basis: '', reason: '', report: undefined, requestId: undefined };
  for (let i = 0; i < tickets.length; i++) {
    const start = starts[i]!;
    if (start < 0) {
      recorder.decideStart(tickets[i]!, undefined);
      continue;
    }
    decision.start = STARTS[start]!;
    decision.basis = texts[batch.basis[i]!]!;
    decision.reason = texts[batch.reason[i]!]!;
    decision.requestId = batch.requestId[i]! >= 0 ? texts[batch.requestId[i]!]! : undefined;
    decision.report = batch.report[i] === WITH_REPORT ? readReport(batch, i, report) : undefined;
    recorder.decideStart(tickets[i]!, decision);
  }
}

/** Row i's REPORT, read into `report` (every field set: absent ones to undefined). */
function readReport(batch: DecisionBatch, i: number, report: LambdaReport): LambdaReport {
  const n = batch.numbers;
  const row = i * NUMBERS.length;
  report.durationMs = numberOrNot(n[row]!);
  report.billedDurationMs = numberOrNot(n[row + 1]!);
  report.memorySizeMB = numberOrNot(n[row + 2]!);
  report.maxMemoryUsedMB = numberOrNot(n[row + 3]!);
  report.initDurationMs = numberOrNot(n[row + 4]!);
  report.restoreDurationMs = numberOrNot(n[row + 5]!);
  report.billedRestoreDurationMs = numberOrNot(n[row + 6]!);
  report.status = batch.status[i]! >= 0 ? batch.texts[batch.status[i]!]! : undefined;
  report.errorType = batch.errorType[i]! >= 0 ? batch.texts[batch.errorType[i]!]! : undefined;
  return report;
}

function numberOrNot(value: number): number | undefined {
  return Number.isNaN(value) ? undefined : value;
}

/**
 * The reading thread's side: the LogJoin's recorder. It keeps the times of the requests of each
 * batch by ticket (epoch ms: the join's `epochOf` is then the identity) and gathers decisions.
 */
export class ThreadRecorder implements JoinRecorder {
  /** By ticket (the recorder's slots: small numbers, reused): columns, not maps, so that keeping a request makes no garbage. */
  private plannedEpoch = new Float64Array(1024);
  private endedEpoch = new Float64Array(1024);
  private serviceMs = new Float64Array(1024);
  private decisions = new DecisionsBuilder();

  readonly deferred = {
    plannedAtOf: (ticket: number): number => this.plannedEpoch[ticket]!,
    endedAtOf: (ticket: number): number => this.endedEpoch[ticket]!,
    serviceMsOf: (ticket: number): number => this.serviceMs[ticket]!,
  };

  /**
   * Keeps a batch's times and hands each request to `defer` (the join's: it reads the answer's
   * ids and keeps none of the answer), each known id to `known`.
   */
  add(batch: DeferBatch, defer: (ticket: number, answered: { outcome: AnswerIds }) => void, known?: (requestId: string) => void): void {
    if (known !== undefined) {
      const id = textReader(batch.knownIds);
      for (let i = 0; i < batch.knownIds.ends.length; i++) known(id(i));
    }
    const requestId = textReader(batch.requestIds);
    const frontId = textReader(batch.frontIds);
    // One answer filled anew for each request: the join reads its ids and keeps the ids only.
    const answered: { outcome: AnswerIds } = { outcome: { requestId: undefined, frontRequestId: undefined } };
    const { outcome } = answered;
    for (let i = 0; i < batch.tickets.length; i++) {
      const ticket = batch.tickets[i]!;
      if (ticket >= this.plannedEpoch.length) this.grow(ticket);
      this.plannedEpoch[ticket] = batch.plannedEpoch[i]!;
      this.endedEpoch[ticket] = batch.endedEpoch[i]!;
      this.serviceMs[ticket] = batch.serviceMs[i]!;
      const id = requestId(i);
      const front = frontId(i);
      outcome.requestId = id !== '' ? id : undefined;
      outcome.frontRequestId = front !== '' ? front : undefined;
      defer(ticket, answered);
    }
  }

  decideStart(ticket: number, decision: StartDecision | undefined): void {
    this.decisions.add(ticket, decision);
  }

  private grow(ticket: number): void {
    const size = Math.max(ticket + 1, this.plannedEpoch.length * 2);
    this.plannedEpoch = grownTo(this.plannedEpoch, size);
    this.endedEpoch = grownTo(this.endedEpoch, size);
    this.serviceMs = grownTo(this.serviceMs, size);
  }

  /** Decisions made since the last batch. */
  get decisionsWaiting(): number {
    return this.decisions.size;
  }

  /** The decisions since the last batch, or undefined when there are none. */
  takeDecisions(): DecisionBatch | undefined {
    const batch = this.decisions.build();
    if (batch !== undefined) this.decisions = new DecisionsBuilder(batch.tickets.length);
    return batch;
  }
}

/**
 * Decisions gathered in columns until their batch leaves. They wait up to a tenth of a second
 * (read-worker.ts), thousands of them: in arrays of numbers they would be copied by the reading
 * thread's young-generation collections and promoted, work its collector's helper threads share
 * with every other thread of the process; typed columns hold them outside the heap, shared with
 * the run's thread when the batch is posted.
 */
class DecisionsBuilder {
  private count = 0;
  private tickets: Int32Array;
  private starts: Int8Array;
  private basis: Int32Array;
  private reason: Int32Array;
  private requestId: Int32Array;
  private report: Uint8Array;
  private numbers: Float64Array;
  private status: Int32Array;
  private errorType: Int32Array;
  private readonly texts: string[] = [];
  private readonly textIndex = new Map<string, number>();

  /** `rows`: room for this many decisions before the columns grow (the last batch's size). */
  constructor(rows = FIRST_DECISIONS) {
    const n = Math.max(FIRST_DECISIONS, rows);
    this.tickets = sharedColumn(Int32Array, n);
    this.starts = sharedColumn(Int8Array, n);
    this.basis = sharedColumn(Int32Array, n);
    this.reason = sharedColumn(Int32Array, n);
    this.requestId = sharedColumn(Int32Array, n);
    this.report = sharedColumn(Uint8Array, n);
    this.numbers = sharedColumn(Float64Array, n * NUMBERS.length);
    this.status = sharedColumn(Int32Array, n);
    this.errorType = sharedColumn(Int32Array, n);
  }

  get size(): number {
    return this.count;
  }

  add(ticket: number, d: StartDecision | undefined): void {
    if (this.count === this.tickets.length) this.grow();
    const i = this.count++;
    this.tickets[i] = ticket;
    this.starts[i] = d === undefined ? -1 : STARTS.indexOf(d.start);
    this.basis[i] = d === undefined ? -1 : this.text(d.basis);
    this.reason[i] = d === undefined ? -1 : this.text(d.reason);
    const named = d?.start === 'cold' || d?.start === 'proactive';
    this.requestId[i] = !named || d.requestId === undefined ? -1 : this.text(d.requestId);
    const r = d?.report;
    this.report[i] = r === undefined ? NO_REPORT : WITH_REPORT;
    const row = i * NUMBERS.length;
    for (let k = 0; k < NUMBERS.length; k++) this.numbers[row + k] = r?.[NUMBERS[k]!] ?? Number.NaN;
    this.status[i] = r?.status === undefined ? -1 : this.text(r.status);
    this.errorType[i] = r?.errorType === undefined ? -1 : this.text(r.errorType);
  }

  /** The batch, its columns cut to the decisions made (they leave with it). */
  build(): DecisionBatch | undefined {
    const n = this.count;
    if (n === 0) return undefined;
    return {
      tickets: this.tickets.subarray(0, n),
      starts: this.starts.subarray(0, n),
      basis: this.basis.subarray(0, n),
      reason: this.reason.subarray(0, n),
      requestId: this.requestId.subarray(0, n),
      report: this.report.subarray(0, n),
      numbers: this.numbers.subarray(0, n * NUMBERS.length),
      status: this.status.subarray(0, n),
      errorType: this.errorType.subarray(0, n),
      texts: this.texts,
    };
  }

  private grow(): void {
    const n = this.tickets.length * 2;
    this.tickets = grownTo(this.tickets, n);
    this.starts = grownTo(this.starts, n);
    this.basis = grownTo(this.basis, n);
    this.reason = grownTo(this.reason, n);
    this.requestId = grownTo(this.requestId, n);
    this.report = grownTo(this.report, n);
    this.numbers = grownTo(this.numbers, n * NUMBERS.length);
    this.status = grownTo(this.status, n);
    this.errorType = grownTo(this.errorType, n);
  }

  private text(value: string): number {
    let i = this.textIndex.get(value);
    if (i === undefined) {
      i = this.texts.length;
      this.texts.push(value);
      this.textIndex.set(value, i);
    }
    return i;
  }
}

const FIRST_DECISIONS = 1024;

/** JoinFigures with histograms of type H: the join's own (Histogram), or encoded for a message (string). */
type FiguresWith<H> = Omit<JoinFigures, 'lag' | 'runLevel' | 'async'> & {
  lag: H;
  runLevel: Omit<JoinFigures['runLevel'], 'init'> & { init: H };
  async?: Omit<NonNullable<JoinFigures['async']>, 'queueDelay' | 'endToEnd'> & { queueDelay: H; endToEnd: H };
};

/** JoinFigures with their histograms encoded, for the message that ends a reading. */
export type EncodedFigures = FiguresWith<string>;

export function encodeFigures(f: JoinFigures): EncodedFigures {
  return withHistograms(f, encodeHistogram);
}

export function decodeFigures(f: EncodedFigures): JoinFigures {
  return withHistograms(f, decodeHistogram);
}

function withHistograms<A, B>(f: FiguresWith<A>, convert: (h: A) => B): FiguresWith<B> {
  const { lag, runLevel, async, ...rest } = f;
  return {
    ...rest,
    lag: convert(lag),
    runLevel: { ...runLevel, init: convert(runLevel.init) },
    ...(async !== undefined && { async: { ...async, queueDelay: convert(async.queueDelay), endToEnd: convert(async.endToEnd) } }),
  };
}
