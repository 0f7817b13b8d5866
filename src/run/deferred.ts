/**
 * Requests whose start is decided later, by a join with the function's logs that runs beside
 * the recorder (StartJoin.defer: a LogJoin given the Recorder itself), kept in columns until
 * then. A run reads its logs on a thread of its own, which holds its requests there instead
 * (thread-join.ts). A run at full speed may hold hundreds of thousands of them for the seconds
 * their log lines take to arrive: objects kept that long are copied by each young-generation
 * collection until they are promoted; numbers in typed arrays cost nothing to keep.
 *
 * A request is a slot (its ticket), reused once the request is decided. The outcome object is
 * kept as it is except a plain `ok` without a REPORT, the usual answer of an HTTP endpoint: of
 * that one the recorder reads only its kind and request index (Recorder.record), which the
 * columns keep. Not its request id: a string kept that long would cost the collections what
 * the columns save, and the join names the cold starts it decides by their REPORT's id.
 */
import type { Outcome } from '../targets/target.js';
import type { Answered } from './recorder.js';
import { grownTo } from '../util/columns.js';

const FIRST_SLOTS = 1024;

/**
 * Rows the columns jump to when they first grow: room for 524,288 requests (13 s of
 * 40,000 a second) without another copy. Columns that double from a thousand rows copy their rows
 * at each step and write each copy to memory the system has not mapped yet, a page fault per
 * page; the pages of a larger column cost nothing until they are written (a zeroed buffer this
 * large is mapped lazily), and rows reused as requests are decided touch the same pages again.
 * Not for the columns that go to the reading thread and back (thread-join.ts, text-column.ts:
 * batches of a fixed size, none grown): when they were transferred, V8 counted a buffer coming
 * back as memory newly held, and tens of MB of it each poll started collections that raised p99
 * at 2,000 requests/s from 5.0-7.8 ms to 9.5-15.3 ms (not measured again since they are shared).
 */
export const RESERVED_ROWS = 1 << 19;

/** The size a column of `rows` rows grows to when full: the reserve at first, then twice as many. */
export function nextRows(rows: number): number {
  return Math.max(RESERVED_ROWS, rows * 2);
}

export class DeferredRequests {
  private plannedAt = new Float64Array(FIRST_SLOTS);
  private endedAt = new Float64Array(FIRST_SLOTS);
  private latencyMs = new Float64Array(FIRST_SLOTS);
  private serviceMs = new Float64Array(FIRST_SLOTS);
  /** Index of the request in the target's mix; -1 for none. */
  private request = new Int32Array(FIRST_SLOTS);
  /** 1 while a slot holds a request. */
  private live = new Uint8Array(FIRST_SLOTS);
  /** 1 while a slot's outcome is kept whole (in `outcomes`). */
  private whole = new Uint8Array(FIRST_SLOTS);
  /** Outcomes kept whole (errors, answers with a REPORT), by slot. */
  private readonly outcomes = new Map<number, Outcome>();
  /**
   * The free slots, a stack in a column: an array would shrink as slots are taken and grow again,
   * a copy each time, as each batch of decisions frees thousands of them.
   */
  private free = new Int32Array(FIRST_SLOTS);
  private freeCount = 0;
  private used = 0;
  /** What take returns, filled anew each time. */
  private readonly plain: Outcome & { kind: 'ok' } = { kind: 'ok', request: undefined };
  private readonly view: Answered = { plannedAt: 0, endedAt: 0, latencyMs: 0, serviceMs: 0, outcome: this.plain };

  /** Keeps a request; its ticket. */
  add(a: Answered): number {
    const slot = this.freeCount > 0 ? this.free[--this.freeCount]! : this.grow();
    this.plannedAt[slot] = a.plannedAt;
    this.endedAt[slot] = a.endedAt;
    this.latencyMs[slot] = a.latencyMs;
    this.serviceMs[slot] = a.serviceMs;
    this.live[slot] = 1;
    const { outcome } = a;
    if (outcome.kind === 'ok' && outcome.report === undefined) {
      this.request[slot] = outcome.request ?? -1;
      this.whole[slot] = 0;
    } else {
      this.outcomes.set(slot, outcome);
      this.whole[slot] = 1;
    }
    return slot;
  }

  /**
   * The request of a ticket, as it was answered; its slot is free again. The object returned is
   * this store's one view, filled anew by each call (as is a plain outcome in it): read it before
   * the next take, keep none of it. A request decided makes no garbage on the thread that sends
   * and times requests, which decides hundreds of thousands of them a run.
   */
  take(ticket: number): Answered {
    if (this.live[ticket] !== 1) throw new Error(`request ticket ${ticket} is not kept (decided twice?)`);
    const view = this.view;
    if (this.whole[ticket] === 1) {
      view.outcome = this.outcomes.get(ticket)!;
      this.outcomes.delete(ticket);
    } else {
      const plain = this.plain;
      const request = this.request[ticket]!;
      plain.request = request >= 0 ? request : undefined;
      view.outcome = plain;
    }
    this.live[ticket] = 0;
    this.free[this.freeCount++] = ticket;
    view.plannedAt = this.plannedAt[ticket]!;
    view.endedAt = this.endedAt[ticket]!;
    view.latencyMs = this.latencyMs[ticket]!;
    view.serviceMs = this.serviceMs[ticket]!;
    return view;
  }

  /** Clock ms of the planned instant, the end of the response, and the service time of a request kept. */
  plannedAtOf(ticket: number): number {
    return this.plannedAt[ticket]!;
  }

  endedAtOf(ticket: number): number {
    return this.endedAt[ticket]!;
  }

  serviceMsOf(ticket: number): number {
    return this.serviceMs[ticket]!;
  }

  /** Requests kept. */
  get size(): number {
    return this.used - this.freeCount;
  }

  /** The tickets of the requests kept. */
  tickets(): number[] {
    const out: number[] = [];
    for (let slot = 0; slot < this.used; slot++) if (this.live[slot] === 1) out.push(slot);
    return out;
  }

  private grow(): number {
    if (this.used === this.plannedAt.length) {
      const size = nextRows(this.used);
      this.plannedAt = grownTo(this.plannedAt, size);
      this.endedAt = grownTo(this.endedAt, size);
      this.latencyMs = grownTo(this.latencyMs, size);
      this.serviceMs = grownTo(this.serviceMs, size);
      this.request = grownTo(this.request, size);
      this.live = grownTo(this.live, size);
      this.whole = grownTo(this.whole, size);
      this.free = grownTo(this.free, size);
    }
    return this.used++;
  }
}
