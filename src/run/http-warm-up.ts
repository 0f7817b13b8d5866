/**
 * Warms the load engine up before an HTTP run, against a server of our own on loopback, never
 * the target. A fresh Node process pays for compiling undici's HTTP parser (a WebAssembly
 * module), for the JIT compiling the request path and for growing its heap; paid during the
 * run, that work made the first half second of a 10,000 requests/s run cost about three times
 * as much CPU per request as the rest: the sender fell behind, requests waited for connections
 * and arrivals were dropped.
 *
 * So the warm-up runs the same engine (Runner, Recorder, HttpTarget) for one second with the
 * run's own load model, at the profile's peak rate (between 1,000 and 10,000/s) with the run's
 * maxInFlight, or with its workers (at most 256). Less was not enough: after half a second at 10,000/s, or a second at 3,000/s,
 * the first 100-300 ms of a 10,000/s run still fell behind. The server runs in a worker thread, so its own use of node:http does not
 * shape what the JIT learns about the client's code.
 */
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { HttpTarget } from '../targets/http.js';
import type { LoadModel } from '../profile/types.js';
import { peakRate } from '../schedule/index.js';
import { Runner } from './runner.js';

/** Warm-up load for a run's load: the same model, at the profile's peak rate or concurrency. */
export function warmUpLoad(load: LoadModel, connections: number): LoadModel {
  if (load.model === 'closed') {
    return { model: 'closed', concurrency: Math.min(load.concurrency, connections, MAX_WARM_UP_CONCURRENCY), durationMs: WARM_UP_MS };
  }
  const ratePerSec = Math.min(Math.max(peakRate(load.phases), MIN_WARM_UP_RATE), MAX_WARM_UP_RATE);
  return {
    model: 'open',
    // As many in flight as the run allows: a sender that falls behind here (the loopback server
    // shares its core) should still send the requests and warm up, not drop them.
    maxInFlight: load.maxInFlight,
    phases: [{ kind: 'constant', ratePerSec, durationMs: WARM_UP_MS }],
  };
}

const WARM_UP_MS = 1000;
const MIN_WARM_UP_RATE = 1000;
const MAX_WARM_UP_RATE = 10_000;
const MAX_WARM_UP_CONCURRENCY = 256;

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

export async function warmUpHttpClient(load: LoadModel, connections: number): Promise<void> {
  const worker = new Worker(SERVER, { eval: true });
  try {
    const [port] = (await Promise.race([once(worker, 'message'), once(worker, 'error').then(([err]) => Promise.reject(err))])) as [number];
    const target = new HttpTarget({ kind: 'http', url: `http://127.0.0.1:${port}/`, method: 'GET', headers: {}, timeoutMs: 5000 }, { connections });
    try {
      await new Runner({ load: warmUpLoad(load, connections), target }).run();
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
