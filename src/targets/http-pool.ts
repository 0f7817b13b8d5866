/**
 * The HTTP target's connections: undici Clients (one socket each, no pipelining), handed out
 * one request at a time.
 *
 * Why not undici's Pool: the Pool opens a new connection for every request that finds all
 * connections busy, and binds the request to that new connection. Opening a connection costs
 * the sender about 0.1 ms of CPU at once and 0.2 ms more when it completes; at 10,000
 * requests/s (0.1 ms apart) a sender that falls behind once finds every connection busy, opens
 * one per request, falls further behind, and ends up with thousands of connections opened in a
 * few hundred milliseconds: an event-loop stall of 300-400 ms, arrivals dropped, and, with the
 * server's accept queue overrun, some connects left hanging for a second or more.
 *
 * Here at most `maxConnecting` connections are being opened at any moment, and new ones are
 * opened only after pending I/O has been handled (see growSoon); a request that finds
 * no idle connection and no room to open one waits in a FIFO queue for whichever connection
 * frees or finishes connecting first. Its latency still counts from its planned instant, so the
 * wait is measured, not hidden. Idle connections are reused last-in first-out, so a steady load
 * keeps reusing a few warm sockets.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { buildConnector, Client } from 'undici';
import type { Dispatcher } from 'undici';
import { bareHostname } from './loopback.js';

/** A request for the pool: a dispatch handler that tells its connection when it has ended. */
export interface PooledRequest extends Dispatcher.DispatchHandler {
  readonly options: Dispatcher.DispatchOptions;
  /** Set by the pool when the request is handed to a connection. */
  connection: Connection | undefined;
  /** performance.now() when it started waiting for a connection; -1 when it never waited. */
  waitingSince: number;
  /** Set by the pool: how long it waited for a connection, in ms. */
  waitedMs: number;
  /** True when the request ended before reaching a connection (aborted while it waited). */
  readonly settled: boolean;
  /** Ends the request with an error raised before undici took it. */
  fail(err: Error): void;
}

export interface HttpPoolOptions {
  /** Most sockets open at once. */
  maxConnections: number;
  /** Most sockets being opened at once. */
  maxConnecting: number;
  /** Per-client options (timeouts); the sockets come from the pool's connector. */
  client: Omit<Client.Options, 'connect'>;
  /** Most time a socket may take to connect (and finish its TLS handshake). */
  connectTimeoutMs: number;
}

/** One socket to the origin. */
export class Connection {
  /** Opening its first socket; counted against maxConnecting until it connects or fails. */
  opening = true;
  readonly client: Client;
  /** A socket opened before the connection's first request, handed to undici when it connects. */
  private spare: Socket | undefined;

  constructor(
    origin: string,
    private readonly pool: HttpPool,
    options: Omit<Client.Options, 'connect'>,
    private readonly connector: buildConnector.connector,
  ) {
    this.client = new Client(origin, { ...options, connect: this.connect });
  }

  /** The request on this connection has ended: the connection takes the next one or goes idle. */
  release(): void {
    this.pool.released(this);
  }

  /**
   * Keeps an open socket for the connection's first request. Until then nothing should arrive on
   * it: data, the server's end of it or an error retire it, and the request then opens a socket
   * of its own.
   */
  adopt(socket: Socket): void {
    this.spare = socket;
    socket.on('readable', this.spareReadable);
    socket.on('end', this.retireSpare);
    socket.on('close', this.retireSpare);
    socket.on('error', this.retireSpare);
  }

  /** undici's connect: the spare socket if it is still good, else a new one. */
  private readonly connect: buildConnector.connector = (options, callback) => {
    const socket = this.takeSpare();
    if (socket === undefined) return this.connector(options, callback);
    queueMicrotask(() => callback(null, socket));
  };

  private takeSpare(): Socket | undefined {
    const socket = this.spare;
    if (socket === undefined) return undefined;
    this.unwatch(socket);
    if (socket.destroyed || socket.readableEnded) {
      socket.destroy();
      return undefined;
    }
    return socket;
  }

  private readonly spareReadable = (): void => {
    const socket = this.spare;
    if (socket !== undefined && socket.read() !== null) this.retireSpare();
  };

  private readonly retireSpare = (): void => {
    const socket = this.spare;
    if (socket === undefined) return;
    this.unwatch(socket);
    socket.destroy();
  };

  private unwatch(socket: Socket): void {
    this.spare = undefined;
    socket.off('readable', this.spareReadable);
    socket.off('end', this.retireSpare);
    socket.off('close', this.retireSpare);
    socket.off('error', this.retireSpare);
  }
}

export class HttpPool {
  private readonly idle: Connection[] = [];
  private readonly connections = new Set<Connection>();
  private waiting: (PooledRequest | undefined)[] = [];
  private waitingHead = 0;
  /** Connections freed while requests wait, handed a request in the next microtask. */
  private freed: Connection[] = [];
  private opening = 0;
  private growing = false;
  private closed = false;
  /** One connector for every connection: TLS sessions are cached across them. */
  private readonly connector: buildConnector.connector;

  constructor(
    private readonly origin: string,
    private readonly opts: HttpPoolOptions,
  ) {
    this.connector = buildConnector({ timeout: opts.connectTimeoutMs });
  }

  /**
   * Opens up to `count` sockets before the run, as wrk and autocannon do, so the run's first
   * requests do not pay for opening them while they are being timed. At most `maxConnecting`
   * are opened at once. Resolves with the number opened once all have connected or failed,
   * after `maxWaitMs`, or when `stop` aborts (no more are started then); sockets that connect
   * later still join the pool. Failures are ignored here: the run's own requests meet them and
   * report them.
   */
  preconnect(count: number, maxWaitMs: number, stop?: AbortSignal): Promise<number> {
    const total = Math.min(count, this.opts.maxConnections - this.connections.size);
    if (total <= 0 || stop?.aborted) return Promise.resolve(0);
    const url = new URL(this.origin);
    const target: buildConnector.Options = { hostname: bareHostname(url.hostname), host: url.host, protocol: url.protocol, port: url.port };
    return new Promise<number>((resolve) => {
      let started = 0;
      let ended = 0;
      let opened = 0;
      const finish = (): void => {
        clearTimeout(timer);
        stop?.removeEventListener('abort', finish);
        resolve(opened);
      };
      const timer = setTimeout(finish, maxWaitMs);
      stop?.addEventListener('abort', finish, { once: true });
      const next = (): void => {
        if (this.closed || stop?.aborted || started >= total) return;
        started++;
        this.connector(target, (err, socket) => {
          ended++;
          if (err === null && socket !== null && this.addSpare(socket)) opened++;
          if (ended === total) finish();
          else next();
        });
      };
      for (let i = 0; i < Math.min(total, this.opts.maxConnecting); i++) next();
    });
  }

  /** A socket opened ahead: a new idle connection, or the next waiting request's. */
  private addSpare(socket: Socket): boolean {
    if (this.closed || this.connections.size >= this.opts.maxConnections) {
      socket.destroy();
      return false;
    }
    const conn = new Connection(this.origin, this, this.opts.client, this.connector);
    conn.opening = false;
    conn.adopt(socket);
    this.connections.add(conn);
    this.released(conn);
    return true;
  }

  /** Connections opening their first socket now. */
  get connecting(): number {
    return this.opening;
  }

  /** Requests waiting for a connection. */
  get queued(): number {
    return this.waiting.length - this.waitingHead;
  }

  dispatch(request: PooledRequest): void {
    if (this.closed) throw new Error('connection pool closed');
    const conn = this.idle.pop();
    if (conn !== undefined) return this.start(conn, request);
    // With no socket at all, none can free up: open one at once.
    if (this.connections.size === 0 && this.canOpen()) return this.start(this.open(), request);
    request.waitingSince = performance.now();
    this.waiting.push(request);
    this.growSoon();
  }

  /**
   * Called by a connection whose request has ended. The next waiting request is handed over in
   * a microtask, not here: this runs inside undici's callbacks, and a dispatch to the same
   * client from within them (while it is still failing its queue) breaks its invariants.
   */
  released(conn: Connection): void {
    if (this.closed) return;
    if (this.queued === 0) {
      this.idle.push(conn);
      return;
    }
    this.freed.push(conn);
    if (this.freed.length === 1) queueMicrotask(this.handOff);
  }

  private readonly handOff = (): void => {
    const freed = this.freed;
    this.freed = [];
    for (const conn of freed) {
      if (this.closed) return;
      const next = this.nextWaiting();
      if (next === undefined) this.idle.push(conn);
      else this.start(conn, next);
    }
  };

  async close(): Promise<void> {
    this.closed = true;
    this.waiting = [];
    this.waitingHead = 0;
    this.idle.length = 0;
    const clients = [...this.connections].map((conn) => conn.client.destroy());
    this.connections.clear();
    await Promise.all(clients);
  }

  private canOpen(): boolean {
    return this.connections.size < this.opts.maxConnections && this.opening < this.opts.maxConnecting;
  }

  private open(): Connection {
    const conn = new Connection(this.origin, this, this.opts.client, this.connector);
    this.connections.add(conn);
    this.opening++;
    const opened = (): void => this.opened(conn);
    conn.client.on('connect', opened);
    conn.client.on('connectionError', opened);
    return conn;
  }

  /** A connection's first socket connected or failed: room for another to open. */
  private opened(conn: Connection): void {
    if (!conn.opening) return;
    conn.opening = false;
    this.opening--;
    if (this.queued > 0) this.growSoon();
  }

  /**
   * Opens connections for waiting requests, but only after the event loop has handled the
   * I/O that is already there: responses waiting to be read free busy connections, so a sender
   * that merely fell behind reuses them instead of opening new ones. Only requests still
   * waiting then (every connection busy at the server) get new connections.
   */
  private growSoon(): void {
    if (this.growing) return;
    this.growing = true;
    setImmediate(this.grow);
  }

  private readonly grow = (): void => {
    this.growing = false;
    if (this.closed) return;
    while (this.queued > 0 && this.canOpen()) {
      const next = this.nextWaiting();
      if (next === undefined) break;
      this.start(this.open(), next);
    }
  };

  private start(conn: Connection, request: PooledRequest): void {
    request.connection = conn;
    if (request.waitingSince >= 0) request.waitedMs = performance.now() - request.waitingSince;
    try {
      conn.client.dispatch(request.options, request);
    } catch (err) {
      request.fail(err as Error);
    }
  }

  /** Keeps the queue's array from growing: emptied when drained, cut when mostly consumed. */
  private compact(): void {
    if (this.waitingHead === this.waiting.length) {
      this.waiting.length = 0;
      this.waitingHead = 0;
    } else if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.waitingHead);
      this.waitingHead = 0;
    }
  }

  /** The oldest waiting request that has not ended meanwhile. */
  private nextWaiting(): PooledRequest | undefined {
    while (this.waitingHead < this.waiting.length) {
      const request = this.waiting[this.waitingHead];
      this.waiting[this.waitingHead++] = undefined;
      if (request !== undefined && !request.settled) {
        this.compact();
        return request;
      }
    }
    this.compact();
    return undefined;
  }
}
