/**
 * The join split across the two threads of a run that reads its function's logs. The run's
 * thread (the one that sends and times requests) hands each request it cannot classify over in
 * batches, with what the join keys and times it by and what counting it takes (JoinClient),
 * and keeps nothing of it but a count (Recorder.undecided); the log reading thread holds the
 * requests and the LogJoin, matches each line to its request there, and sends each request back
 * with its decision, in batches (ThreadRecorder), which the run's thread counts as if the target
 * had known them (Recorder.decided); plain requests decided warm or unknown, most of them, are
 * counted on the reading thread by the recorder's own code and come back as sums
 * (Recorder.takeTally, addTally). The run's thread thus pays a few array writes per request,
 * not the join's maps nor most of the counting, and holds no request for the seconds its line
 * takes to come: at full speed, hundreds of thousands of them, new memory for each.
 *
 * Both batches travel in columns: an object per request would be cloned field by field on both
 * threads and become garbage on the run's thread. The columns are in shared memory
 * (sharedColumn): a message shares them, neither copied nor transferred; a batch is its
 * writer's until it is posted, then its reader's, until a batch of requests is given back.
 */
import type { LambdaReport } from '../lambda/records.js';
import { CostAccumulator } from '../lambda/cost.js';
import { Recorder } from '../run/recorder.js';
import type { Answered, DecidedTally, StartDecision, StartJoin } from '../run/recorder.js';
import { START_KINDS } from '../targets/target.js';
import type { Outcome } from '../targets/target.js';
import { decodeHistogram, encodeHistogram } from '../result/histogram.js';
import type { JoinFigures, JoinRecorder, PackedIds } from './join.js';
import { noTexts, TextColumn, textReader } from './text-column.js';
import type { PackedTexts } from './text-column.js';
import { grownTo, sharedColumn } from '../util/columns.js';

/**
 * What counting a request takes of its outcome, in one number: the index of its request in the
 * mix (-1 for none) of a plain `ok` answer, the usual answer of an endpoint; any other outcome
 * (an error) stays on the run's thread, kept whole under a key, and its tag is -2 - key.
 */
export type Tag = number;
const NO_REQUEST: Tag = -1;

/**
 * A request as the run's thread counts it: its times (the run's clock, ms) and its tag. The
 * latency is the end minus the planned instant, as Recorder.completed reckons it.
 */
interface RequestRows {
  plannedAt: Float64Array;
  endedAt: Float64Array;
  serviceMs: Float64Array;
  tags: Int32Array;
}

/** A batch of requests handed to the join, in the order they ended. */
export interface DeferBatch extends RequestRows {
  /** The ids the answer carried ('' for none). */
  requestIds: PackedTexts;
  frontIds: PackedTexts;
  /** Ids of requests whose start their target decided (StartJoin.known): claimed when read. */
  knownIds: PackedTexts;
}

/** A REPORT's numbers, in column order; NaN where it has none. */
const NUMBERS = ['durationMs', 'billedDurationMs', 'memorySizeMB', 'maxMemoryUsedMB', 'initDurationMs', 'restoreDurationMs', 'billedRestoreDurationMs'] as const;
/** `report` column of a decision without a REPORT. */
const NO_REPORT = 0;
const WITH_REPORT = 1;

/**
 * Requests decided since the last batch, each with its decision. Strings are indexes into
 * `texts` (a basis is one text for many decisions).
 */
export interface DecisionBatch extends RequestRows {
  /** Index into START_KINDS; -1: no decision (the function was never called). */
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
 * Requests a batch holds at most. A batch full is sent as it is (onFull) and the next requests go
 * to another, a batch given back or a new one: no column is copied to grow. The reading thread
 * copies a batch's requests as it takes it in and gives it back at once, so that a run at full
 * speed writes the same few batches again; while that thread cannot run (on a shared core, at
 * its low priority), the requests wait in new batches, a page fault per page written on the
 * run's thread, and in columns that doubled, each copy would be written to new memory too.
 */
export const BATCH_ROWS = 8192;
/** Batches kept to be written again, at most (about 0.6 MB each); the reading thread gives back each it was sent. */
const MAX_SPARES = 8;

/**
 * The run's side: a Recorder's start join that carries its requests to the reading thread, in
 * batches, and counts them when they come back decided (applyDecisions).
 */
export class JoinClient implements StartJoin {
  private rows: RequestRows;
  private count = 0;
  /** Batches full, waiting for the next message. */
  private readonly full: DeferBatch[] = [];
  /** Batches the reading thread gave back once read: their buffers hold the next ones. */
  private readonly spares: DeferBatch[] = [];
  /** Room for a batch of Lambda request ids (36 characters) without growing; longer ids make it grow. */
  private readonly requestIds = new TextColumn(BATCH_ROWS, 40);
  private readonly frontIds: TextColumn | undefined;
  private readonly knownIds = new TextColumn();
  /** Outcomes other than a plain `ok` (errors: few), by key until their request comes back. */
  private readonly whole = new Map<number, Outcome>();
  private nextKey = 0;
  /** What outcomeOf returns for a plain `ok`, filled anew each time. */
  private readonly plain: Outcome & { kind: 'ok' } = { kind: 'ok', request: undefined };
  /**
   * Called as a batch fills: its owner sends it at once (takeFull), not with the next message it
   * has to send, so that the reading thread can take it in and give it back while the load runs.
   */
  onFull: (() => void) | undefined;

  /**
   * `withFrontIds`: the join reads the id a front gave each request (API Gateway's, through its
   * access log); else it reads the Lambda request id only, and the front's is not handed over.
   */
  constructor(withFrontIds = true) {
    this.rows = newRequestRows(BATCH_ROWS);
    if (withFrontIds) this.frontIds = new TextColumn(BATCH_ROWS, 40);
  }

  carry(answered: Answered): void {
    if (this.count === BATCH_ROWS) {
      this.full.push(this.cut());
      this.onFull?.();
    }
    const i = this.count++;
    const { rows } = this;
    rows.plannedAt[i] = answered.plannedAt;
    rows.endedAt[i] = answered.endedAt;
    rows.serviceMs[i] = answered.serviceMs;
    const { outcome } = answered;
    if (outcome.kind === 'ok' && outcome.report === undefined) rows.tags[i] = outcome.request ?? NO_REQUEST;
    else {
      const key = this.nextKey++;
      this.whole.set(key, outcome);
      rows.tags[i] = -2 - key;
    }
    this.requestIds.push(outcome.requestId ?? '');
    this.frontIds?.push(outcome.frontRequestId ?? '');
  }

  known(requestId: string): void {
    this.knownIds.push(requestId);
  }

  /** Requests handed over since the last take. */
  get unsent(): number {
    return this.full.length * BATCH_ROWS + this.count;
  }

  /**
   * The outcome of a request back with its tag: a kept one, given up; a plain one is this
   * client's one object, filled anew by each call (read it before the next, keep none of it).
   */
  outcomeOf(tag: Tag): Outcome {
    if (tag >= NO_REQUEST) {
      this.plain.request = tag >= 0 ? tag : undefined;
      return this.plain;
    }
    const key = -2 - tag;
    const outcome = this.whole.get(key);
    if (outcome === undefined) throw new Error(`request tag ${tag} is not kept (decided twice?)`);
    this.whole.delete(key);
    return outcome;
  }

  /**
   * Batches taken before, given back by the reading thread once read: the next batches are
   * written in their buffers. Buffers new to a run of tens of thousands of requests a second are
   * memory the system has to map page by page as they are first written, a cost on the run's
   * thread that reusing them avoids.
   */
  recycle(batches: readonly DeferBatch[]): void {
    for (const batch of batches) if (this.spares.length < MAX_SPARES) this.spares.push(batch);
  }

  /** The batches full since the last take. */
  takeFull(): DeferBatch[] {
    return this.full.splice(0);
  }

  /** The requests since the last take, in batches of at most BATCH_ROWS, or undefined when there are none. */
  takeBatches(): DeferBatch[] | undefined {
    if (this.count > 0 || this.knownIds.length > 0) this.full.push(this.cut());
    if (this.full.length === 0) return undefined;
    return this.full.splice(0);
  }

  /** The batch being written, as it is; the next requests go to a spare's columns, or new ones. */
  private cut(): DeferBatch {
    const n = this.count;
    const spare = this.spares.pop();
    const { rows } = this;
    const batch: DeferBatch = {
      // The columns themselves go with the batch.
      plannedAt: rows.plannedAt.subarray(0, n),
      endedAt: rows.endedAt.subarray(0, n),
      serviceMs: rows.serviceMs.subarray(0, n),
      tags: rows.tags.subarray(0, n),
      requestIds: this.requestIds.take(spare?.requestIds),
      frontIds: this.frontIds?.take(spare?.frontIds) ?? noTexts(),
      knownIds: this.knownIds.take(spare?.knownIds),
    };
    this.rows = spare !== undefined ? rowsIn(spare) : newRequestRows(BATCH_ROWS);
    this.count = 0;
    return batch;
  }
}

function newRequestRows(n: number): RequestRows {
  return { plannedAt: sharedColumn(Float64Array, n), endedAt: sharedColumn(Float64Array, n), serviceMs: sharedColumn(Float64Array, n), tags: sharedColumn(Int32Array, n) };
}

/** The rows of a batch given back, as columns over its whole buffers. */
function rowsIn(batch: RequestRows): RequestRows {
  return { plannedAt: new Float64Array(batch.plannedAt.buffer), endedAt: new Float64Array(batch.endedAt.buffer), serviceMs: new Float64Array(batch.serviceMs.buffer), tags: new Int32Array(batch.tags.buffer) };
}

function grownRows(rows: RequestRows, n: number): RequestRows {
  return { plannedAt: grownTo(rows.plannedAt, n), endedAt: grownTo(rows.endedAt, n), serviceMs: grownTo(rows.serviceMs, n), tags: grownTo(rows.tags, n) };
}

/**
 * The decisions since the last message: those of plain requests decided warm or unknown (or
 * never run) as sums, counted on the reading thread (ThreadRecorder.countPlainHere); every
 * other one a row, with its request.
 */
export interface Decided {
  batch?: DecisionBatch;
  tally?: DecidedTally;
  /** Of the tally's decisions, those with a REPORT. */
  tallyWithReport: number;
}

/**
 * What a recorder that counts plain decisions on the reading thread takes of the run's: whether
 * it bills (Recorder.cost) and the memory it bills a REPORT without one at.
 */
export interface TallySetup {
  cost: boolean;
  defaultMemoryMB: number | undefined;
}

export function tallySetupOf(recorder: Pick<Recorder, 'cost' | 'defaultMemoryMB'>): TallySetup {
  return { cost: recorder.cost !== undefined, defaultMemoryMB: recorder.defaultMemoryMB };
}

/**
 * Counts decisions in the run's recorder: the rows one by one (applyDecisions), the tally as
 * sums. The decisions with a REPORT among them.
 */
export function countDecided(d: Decided, client: Pick<JoinClient, 'outcomeOf'>, recorder: Pick<Recorder, 'decided' | 'addTally'>): number {
  let withReport = d.tallyWithReport;
  if (d.batch !== undefined) {
    applyDecisions(d.batch, client, recorder);
    for (const flag of d.batch.report) withReport += flag;
  }
  if (d.tally !== undefined) recorder.addTally(d.tally);
  return withReport;
}

/**
 * Counts a batch of decisions in the run's recorder: each request as the run's thread handed it
 * over (its times, and its outcome from `client`), with its decision. A decision's REPORT comes
 * back with its numbers, status and error type (what Recorder.record reads), not its request id.
 *
 * Each request and decision is read into the same objects, filled anew for each: Recorder.decided
 * reads them and keeps none of them, so counting hundreds of thousands of requests makes no
 * garbage on the thread that sends and times requests.
 */
export function applyDecisions(batch: DecisionBatch, client: Pick<JoinClient, 'outcomeOf'>, recorder: Pick<Recorder, 'decided'>): void {
  const { starts, texts } = batch;
  const report: LambdaReport = { type: 'report' };
  const decision: StartDecision = { start: 'unknown', basis: '', reason: '', report: undefined, requestId: undefined };
  const answered: Answered = { plannedAt: 0, endedAt: 0, latencyMs: 0, serviceMs: 0, outcome: { kind: 'ok' } };
  for (let i = 0; i < starts.length; i++) {
    answered.plannedAt = batch.plannedAt[i]!;
    answered.endedAt = batch.endedAt[i]!;
    answered.latencyMs = answered.endedAt - answered.plannedAt;
    answered.serviceMs = batch.serviceMs[i]!;
    answered.outcome = client.outcomeOf(batch.tags[i]!);
    const start = starts[i]!;
    if (start < 0) {
      recorder.decided(answered, undefined);
      continue;
    }
    decision.start = START_KINDS[start]!;
    decision.basis = texts[batch.basis[i]!]!;
    decision.reason = texts[batch.reason[i]!]!;
    decision.requestId = batch.requestId[i]! >= 0 ? texts[batch.requestId[i]!]! : undefined;
    decision.report = batch.report[i] === WITH_REPORT ? readReport(batch, i, report) : undefined;
    recorder.decided(answered, decision);
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
 * The reading thread's side: the LogJoin's recorder. It keeps the requests of each batch until
 * they are decided, by tickets of its own (slots reused once decided: small numbers), and
 * gathers them back with their decisions. Times are the run's clock, ms; the join's `epochOf`
 * turns them into epoch ms.
 */
export class ThreadRecorder implements JoinRecorder {
  /** By ticket: columns, not maps, so that keeping a request makes no garbage. */
  private rows: RequestRows = newRows(FIRST_TICKETS);
  private used = 0;
  /**
   * Free tickets, a stack in a column: an array would shrink as tickets are taken and grow again,
   * a copy each time, as each batch of decisions frees thousands of them.
   */
  private free = new Int32Array(FIRST_TICKETS);
  private freeCount = 0;
  private decisions = new DecisionsBuilder();
  /** Counts plain decisions here, as sums for the run's recorder (countPlainHere); undefined: none. */
  private tally: Recorder | undefined;
  private tallied = 0;
  private talliedWithReport = 0;
  /** The request of a plain decision, as the run's recorder reads it: filled anew for each. */
  private readonly plain: Answered = { plannedAt: 0, endedAt: 0, latencyMs: 0, serviceMs: 0, outcome: { kind: 'ok', request: undefined } };

  readonly deferred = {
    plannedAtOf: (ticket: number): number => this.rows.plannedAt[ticket]!,
    endedAtOf: (ticket: number): number => this.rows.endedAt[ticket]!,
    serviceMsOf: (ticket: number): number => this.rows.serviceMs[ticket]!,
  };

  /**
   * Keeps a batch's requests and hands each to `defer` under its ticket, with the batch's ids and
   * its row there (the join reads the ids and keeps none of the batch), each known id to `known`.
   */
  add(batch: DeferBatch, defer: (ticket: number, ids: PackedIds, row: number) => void, known?: (requestId: string) => void): void {
    if (known !== undefined) {
      const id = textReader(batch.knownIds);
      for (let i = 0; i < batch.knownIds.ends.length; i++) known(id(i));
    }
    for (let i = 0; i < batch.tags.length; i++) {
      const ticket = this.freeCount > 0 ? this.free[--this.freeCount]! : this.grow();
      const { rows } = this;
      rows.plannedAt[ticket] = batch.plannedAt[i]!;
      rows.endedAt[ticket] = batch.endedAt[i]!;
      rows.serviceMs[ticket] = batch.serviceMs[i]!;
      rows.tags[ticket] = batch.tags[i]!;
      defer(ticket, batch, i);
    }
  }

  /**
   * From now on a plain request (an `ok` answer of no named request: what an endpoint mostly
   * gives) decided warm or unknown, or never run, is counted here, in a recorder of this
   * thread's, and goes back as sums (Decided.tally): the run's thread then adds a few
   * histograms' buckets per message, not five histograms, a map and a bill per request. In a
   * closed run at full speed the run's thread counted each at 0.27 µs (0.11-0.62; 12 pairs,
   * `bench/logs-pairs.mjs --against`). Cold and proactive starts (an event each, a timeline
   * count), errors and named requests go back as rows.
   */
  countPlainHere(setup: TallySetup): void {
    this.tally = new Recorder(0, setup.cost ? new CostAccumulator() : undefined, setup.defaultMemoryMB);
  }

  /** The request of `ticket` goes back with its decision; its ticket is free again. */
  decideStart(ticket: number, decision: StartDecision | undefined): void {
    const { rows, tally } = this;
    if (tally !== undefined && rows.tags[ticket] === NO_REQUEST && (decision === undefined || decision.start === 'warm' || decision.start === 'unknown')) {
      const a = this.plain;
      a.plannedAt = rows.plannedAt[ticket]!;
      a.endedAt = rows.endedAt[ticket]!;
      a.latencyMs = a.endedAt - a.plannedAt;
      a.serviceMs = rows.serviceMs[ticket]!;
      tally.decided(a, decision);
      this.tallied++;
      if (decision?.report !== undefined) this.talliedWithReport++;
    } else {
      this.decisions.add(rows, ticket, decision);
    }
    this.free[this.freeCount++] = ticket;
  }

  /** A ticket never used before; the columns jump to the reserve when they first grow (nextRows). */
  private grow(): number {
    if (this.used === this.rows.tags.length) {
      const size = nextRows(this.used);
      this.rows = grownRows(this.rows, size);
      this.free = grownTo(this.free, size);
    }
    return this.used++;
  }

  /** Decisions made since the last take. */
  get decisionsWaiting(): number {
    return this.decisions.size + this.tallied;
  }

  /** The decisions since the last take, or undefined when there are none. */
  takeDecisions(): Decided | undefined {
    const batch = this.decisions.build();
    if (batch !== undefined) this.decisions = new DecisionsBuilder(batch.tags.length);
    const tally = this.tallied > 0 ? this.tally?.takeTally() : undefined;
    const tallyWithReport = this.talliedWithReport;
    this.tallied = 0;
    this.talliedWithReport = 0;
    if (batch === undefined && tally === undefined) return undefined;
    return { ...(batch !== undefined && { batch }), ...(tally !== undefined && { tally }), tallyWithReport };
  }
}

const FIRST_TICKETS = 1024;

/**
 * Rows the reading thread's columns jump to when they first grow: room for 524,288 requests (13 s
 * of 40,000 a second) without another copy. Columns that double from a thousand rows copy their
 * rows at each step and write each copy to memory the system has not mapped yet, a page fault per
 * page; the pages of a larger column cost nothing until they are written (a zeroed buffer this
 * large is mapped lazily), and rows reused as requests are decided touch the same pages again.
 * Not for the batches that go between the threads (of a fixed size, none grown): when they were
 * transferred, V8 counted a buffer coming back as memory newly held, and tens of MB of it each
 * poll started collections that raised p99 at 2,000 requests/s from 5.0-7.8 ms to 9.5-15.3 ms
 * (not measured again since they are shared).
 */
export const RESERVED_ROWS = 1 << 19;

/** The size a column of `rows` rows grows to when full: the reserve at first, then twice as many. */
export function nextRows(rows: number): number {
  return Math.max(RESERVED_ROWS, rows * 2);
}

/** Columns of this thread's own, not shared: they never leave it. */
function newRows(n: number): RequestRows {
  return { plannedAt: new Float64Array(n), endedAt: new Float64Array(n), serviceMs: new Float64Array(n), tags: new Int32Array(n) };
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
  private rows: RequestRows;
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
    this.rows = newRequestRows(n);
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

  /** The request of `ticket` in `from`, with its decision. */
  add(from: RequestRows, ticket: number, d: StartDecision | undefined): void {
    if (this.count === this.starts.length) this.grow();
    const i = this.count++;
    const { rows } = this;
    rows.plannedAt[i] = from.plannedAt[ticket]!;
    rows.endedAt[i] = from.endedAt[ticket]!;
    rows.serviceMs[i] = from.serviceMs[ticket]!;
    rows.tags[i] = from.tags[ticket]!;
    this.starts[i] = d === undefined ? -1 : START_KINDS.indexOf(d.start);
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
    const { rows } = this;
    return {
      plannedAt: rows.plannedAt.subarray(0, n),
      endedAt: rows.endedAt.subarray(0, n),
      serviceMs: rows.serviceMs.subarray(0, n),
      tags: rows.tags.subarray(0, n),
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
    const n = this.starts.length * 2;
    this.rows = grownRows(this.rows, n);
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
