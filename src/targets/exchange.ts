/**
 * What every request on a pooled connection shares (the HTTP target's and the fast Lambda
 * path's): undici's dispatch callbacks in the form its Client calls natively (onConnect,
 * onHeaders, onData, onComplete, onError), the raw status and headers as they come, the stop by
 * deadline or hard stop, and ending once. Subclasses read the body and say what the outcome is.
 */
import type { Dispatcher } from 'undici';
import type { Connection, PooledRequest } from './http-pool.js';
import type { Inflight, StopListener } from './inflight.js';

const NO_HEADERS: Buffer[] = [];

export abstract class Exchange implements PooledRequest, StopListener {
  abstract readonly options: Dispatcher.DispatchOptions;
  connection: Connection | undefined = undefined;
  waitingSince = -1;
  waitedMs = 0;
  settled = false;
  protected status = 0;
  protected rawHeaders: Buffer[] = NO_HEADERS;
  private abortRequest: ((err?: Error) => void) | undefined;

  constructor(protected readonly req: Inflight) {
    req.listener = this;
  }

  abstract onData(chunk: Buffer): boolean;
  abstract onComplete(): void;
  /** Ends the request with an error (from undici, or raised before undici took it). */
  abstract fail(err: Error): void;
  /** Ends a request stopped while it still waited for a connection. */
  protected abstract stoppedWaiting(): void;
  /** Frees what the request held in its target (its deadline). */
  protected abstract released(): void;

  onConnect(abort: (err?: Error) => void): void {
    this.abortRequest = abort;
    if (this.req.aborted) abort(new Error('request aborted'));
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.status = statusCode;
    this.rawHeaders = rawHeaders;
    return true;
  }

  onError(err: Error): void {
    this.fail(err);
  }

  /**
   * The deadline or the run's hard stop: undici ends a started request (and its error comes
   * back through onError); one still waiting for a connection ends here, and the pool skips it.
   * One handed to a connection but not yet started is stopped in onConnect.
   */
  stopped(): void {
    if (this.abortRequest !== undefined) this.abortRequest(new Error('request aborted'));
    else if (this.connection === undefined) this.stoppedWaiting();
  }

  /** Ends the request once: frees its connection and its deadline. False when it had ended. */
  protected end(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.req.listener = undefined;
    this.connection?.release();
    this.released();
    return true;
  }
}
