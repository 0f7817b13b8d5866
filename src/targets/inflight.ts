/**
 * Requests in flight and the two ways they end early: their own deadline, or the run's hard
 * stop. Every request of a target has the same timeout, so deadlines come in the order requests
 * began: one timer, set for the oldest request's deadline, serves them all (a Node timer per
 * request cost a Timeout object and two list operations each). The run's signal gets a single
 * listener per target (not one per request), which stops every request of that run.
 *
 * A request learns that it was stopped through one listener object (the HTTP target's response
 * handler), which costs less per request than an EventEmitter or an AbortController. APIs that
 * need a real AbortSignal (the AWS SDK) get one from `abortSignal`, made on first use.
 */
export type StopReason = 'timeout' | 'aborted';

export interface StopListener {
  stopped(): void;
}

export class Inflight {
  /** performance.now() at which the request times out (Infinity: never). */
  deadline = Infinity;
  /** Set when the request was ended early; decides its error class over whatever error follows. */
  why: StopReason | undefined;
  /** Told once when the request is stopped. */
  listener: StopListener | undefined;
  /** Neighbours in its InflightSet's list, oldest first; `linked` while in it. */
  prev: Inflight | undefined;
  next: Inflight | undefined;
  linked = false;
  private controller: AbortController | undefined;

  constructor(readonly runSignal: AbortSignal) {}

  get aborted(): boolean {
    return this.why !== undefined;
  }

  get abortSignal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.why !== undefined) this.controller.abort();
    return this.controller.signal;
  }

  stop(why: StopReason): void {
    if (this.why !== undefined) return;
    this.why = why;
    this.listener?.stopped();
    this.controller?.abort();
  }
}

/** Node fires a delay above 2^31-1 ms at once: a longer wait is made of several timers. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The requests in flight, in the order they began (which is the order of their deadlines), as a
 * list linked through the requests themselves: adding and removing one costs two pointer
 * updates, where a Set also had to hash every new request object.
 */
export class InflightSet {
  private head: Inflight | undefined;
  private tail: Inflight | undefined;
  private count = 0;
  private readonly watched = new WeakSet<AbortSignal>();
  private lastWatched: AbortSignal | undefined;
  /** Set for the oldest request's deadline while any request is in flight. */
  private timer: NodeJS.Timeout | undefined;

  /** `timeoutMs`: each request's deadline after it began (0: none). */
  constructor(private readonly timeoutMs: number) {}

  /** Starts tracking a request that must end within the timeout or when `runSignal` aborts. */
  begin(runSignal: AbortSignal): Inflight {
    if (runSignal !== this.lastWatched) this.watch(runSignal);
    const req = new Inflight(runSignal);
    req.linked = true;
    req.prev = this.tail;
    if (this.tail === undefined) this.head = req;
    else this.tail.next = req;
    this.tail = req;
    this.count++;
    if (this.timeoutMs > 0) {
      req.deadline = performance.now() + this.timeoutMs;
      if (this.timer === undefined) this.arm(req.deadline);
    }
    return req;
  }

  end(req: Inflight): void {
    if (!req.linked) return;
    req.linked = false;
    if (req.prev === undefined) this.head = req.next;
    else req.prev.next = req.next;
    if (req.next === undefined) this.tail = req.prev;
    else req.next.prev = req.prev;
    req.prev = req.next = undefined;
    this.count--;
    if (this.count === 0 && this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private arm(at: number): void {
    this.timer = setTimeout(this.expire, Math.min(Math.max(at - performance.now(), 1), MAX_TIMER_MS));
  }

  /** Times out every request past its deadline, then waits for the next deadline. */
  private readonly expire = (): void => {
    this.timer = undefined;
    const now = performance.now();
    const expired: Inflight[] = [];
    let req = this.head;
    for (; req !== undefined && req.deadline <= now; req = req.next) expired.push(req);
    if (req !== undefined) this.arm(req.deadline); // armed only when there is a timeout
    // Each ends (and leaves the list) now or soon: either way it is past its deadline.
    for (const r of expired) r.stop('timeout');
  };

  stopAll(why: StopReason): void {
    for (const req of this.list()) req.stop(why);
  }

  get size(): number {
    return this.count;
  }

  /** A copy of the list: stopping a request may unlink it. */
  private list(): Inflight[] {
    const out: Inflight[] = [];
    for (let req = this.head; req !== undefined; req = req.next) out.push(req);
    return out;
  }

  private watch(signal: AbortSignal): void {
    this.lastWatched = signal; // every request of a run comes with the same signal
    if (this.watched.has(signal)) return;
    this.watched.add(signal);
    const onAbort = (): void => {
      for (const req of this.list()) if (req.runSignal === signal) req.stop('aborted');
    };
    signal.addEventListener('abort', onAbort, { once: true });
  }
}
