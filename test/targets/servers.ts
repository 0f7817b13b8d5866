/**
 * Small loopback servers for target tests: well-behaved and misbehaving ones. Every server
 * binds 127.0.0.1 on a free port and is closed (with its sockets) by `closeAll()`.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Started {
  port: number;
  url: string;
  /** Sockets accepted so far. */
  connections: () => number;
  /** Calls `listener` with each socket accepted from now on. */
  onConnection: (listener: (socket: net.Socket) => void) => void;
  /** Resets every open socket from the server's side. */
  dropConnections: () => void;
  close: () => Promise<void>;
}

const open: Started[] = [];

function track(server: net.Server): { count: () => number; destroyAll: () => void; resetAll: () => void } {
  const sockets = new Set<net.Socket>();
  let count = 0;
  server.on('connection', (socket: net.Socket) => {
    count++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    count: () => count,
    destroyAll: () => {
      for (const s of sockets) s.destroy();
    },
    resetAll: () => {
      for (const s of sockets) s.resetAndDestroy();
    },
  };
}

async function listen(server: net.Server): Promise<Started> {
  const tracked = track(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const started: Started = {
    port,
    url: `http://127.0.0.1:${port}`,
    connections: tracked.count,
    onConnection: (listener) => server.on('connection', listener),
    dropConnections: tracked.resetAll,
    close: () =>
      new Promise<void>((resolve) => {
        tracked.destroyAll();
        server.close(() => resolve());
      }),
  };
  open.push(started);
  return started;
}

export function httpServer(handler: http.RequestListener): Promise<Started> {
  return listen(http.createServer({ keepAliveTimeout: 10_000 }, handler));
}

/** A raw TCP server: `onData` gets each socket's first chunk and does what it likes. */
export function rawServer(onData: (socket: net.Socket, chunk: Buffer) => void): Promise<Started> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', (chunk) => onData(socket, chunk));
  });
  return listen(server);
}

/** A port that was free a moment ago and now refuses connections. */
export async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((s) => s.close()));
}

/** Reads a request body to a string. */
export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

/** Reads a request body as it came. */
export function readBodyBytes(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Holds requests until `n` are waiting at once, then answers them all (and every later one
 * at once). Passing means the client had `n` requests on the wire concurrently.
 */
export function gate(n: number): { arrive: (answer: () => void) => void; peak: () => number } {
  let waiting: Array<() => void> = [];
  let released = false;
  let peak = 0;
  return {
    arrive(answer) {
      if (released) return answer();
      waiting.push(answer);
      peak = Math.max(peak, waiting.length);
      if (waiting.length >= n) {
        released = true;
        for (const a of waiting) a();
        waiting = [];
      }
    },
    peak: () => peak,
  };
}
