/**
 * Warms the load engine up before an HTTP run, against a server of our own on loopback, never
 * the target. A fresh Node process pays for compiling undici's HTTP parser (a WebAssembly
 * module), for the JIT compiling the request path and for growing its heap; paid during the
 * run, that work made the first half second of a 10,000 requests/s run cost about three times
 * as much CPU per request as the rest: the sender fell behind, requests waited for connections
 * and arrivals were dropped.
 *
 * So the warm-up runs the same engine (Runner, Recorder, HttpTarget) for about half a second:
 * requests back to back, then a short open-model phase at a moderate rate. The server runs in a worker thread, so its own use of node:http does not
 * shape what the JIT learns about the client's code.
 */
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { HttpTarget } from '../targets/http.js';
import { Runner } from './runner.js';

export interface WarmUpOptions {
  /** Requests sent back to back by 32 workers first. */
  requests?: number;
  /** Then an open-model phase: this rate for this long. */
  ratePerSec?: number;
  durationMs?: number;
}

/** A worker thread's http server answering 200 "ok"; it posts its port, and closes on any message. */
const SERVER = `
const http = require('node:http');
const { parentPort } = require('node:worker_threads');
const body = Buffer.from('ok');
const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-length': body.length }).end(body);
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.once('message', () => {
  server.closeAllConnections();
  server.close(() => parentPort.close());
});
`;

export async function warmUpHttpClient({ requests = 2000, ratePerSec = 3000, durationMs = 300 }: WarmUpOptions = {}): Promise<void> {
  const worker = new Worker(SERVER, { eval: true });
  try {
    const [port] = (await Promise.race([once(worker, 'message'), once(worker, 'error').then(([err]) => Promise.reject(err))])) as [number];
    const target = new HttpTarget({ kind: 'http', url: `http://127.0.0.1:${port}/`, method: 'GET', headers: {}, timeoutMs: 5000 }, { connections: 256 });
    try {
      await new Runner({ load: { model: 'closed', concurrency: 32, iterations: requests }, target }).run();
      await new Runner({ load: { model: 'open', maxInFlight: 256, phases: [{ kind: 'constant', ratePerSec, durationMs }] }, target }).run();
    } finally {
      await target.close();
    }
  } catch {
    // A failed warm-up only means a slower first second; the run itself reports real failures.
  } finally {
    worker.postMessage('close');
    await worker.terminate();
  }
}
