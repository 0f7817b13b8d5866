/**
 * Requests in flight and the two ways they end early: their own deadline, or the run's hard
 * stop. Each request gets one Inflight and one timer; the run's signal gets a single listener
 * per target (not one per request), which stops every request of that run.
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
  timer: NodeJS.Timeout | undefined;
  /** Set when the request was ended early; decides its error class over whatever error follows. */
  why: StopReason | undefined;
  /** Told once when the request is stopped. */
  listener: StopListener | undefined;
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

const MAX_TIMER_MS = 2 ** 31 - 1;

function onDeadline(req: Inflight): void {
  req.stop('timeout');
}

export class InflightSet {
  private readonly requests = new Set<Inflight>();
  private readonly watched = new WeakSet<AbortSignal>();

  /** Starts tracking a request that must end within `timeoutMs` or when `runSignal` aborts. */
  begin(runSignal: AbortSignal, timeoutMs: number): Inflight {
    this.watch(runSignal);
    const req = new Inflight(runSignal);
    this.requests.add(req);
    // The request is the timer's argument, so no closure is allocated per request. Node fires
    // a delay above 2^31-1 ms at once, so a huge timeout is capped (about 24.8 days).
    if (timeoutMs > 0) req.timer = setTimeout(onDeadline, Math.min(timeoutMs, MAX_TIMER_MS), req);
    return req;
  }

  end(req: Inflight): void {
    clearTimeout(req.timer);
    this.requests.delete(req);
  }

  stopAll(why: StopReason): void {
    for (const req of this.requests) req.stop(why);
  }

  get size(): number {
    return this.requests.size;
  }

  private watch(signal: AbortSignal): void {
    if (this.watched.has(signal)) return;
    this.watched.add(signal);
    const onAbort = (): void => {
      for (const req of this.requests) if (req.runSignal === signal) req.stop('aborted');
    };
    signal.addEventListener('abort', onAbort, { once: true });
  }
}
