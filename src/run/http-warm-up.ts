/**
 * Warms the load engine up before an HTTP run, against a server of our own on loopback, never
 * the target. A fresh Node process pays for compiling undici's HTTP parser (a WebAssembly
 * module), for the JIT compiling the request path and for growing its heap; paid during the
 * run, that work made the first half second of a 10,000 requests/s run cost about three times
 * as much CPU per request as the rest: the sender fell behind, requests waited for connections
 * and arrivals were dropped.
 *
 * So the warm-up runs the same engine (Runner, Recorder, HttpTarget) with the profile's method,
 * headers and body for one second (2.5 s from 5,000/s on) with the run's own load model: at the
 * profile's peak rate (between 1,000 and 10,000/s) with the run's maxInFlight, or with its
 * workers (at most 256).
 *
 * The server runs in this process. A worker thread's second V8 heap raised the run's peak RSS
 * by ~20 MB, with no better first second. The price of this process: node's HTTP server
 * compiles the stream and socket functions it shares with the client for both sides, and a
 * closed-model run then spends ~5% more CPU per request for the rest of its life (measured
 * against an engine without warm-up on the same core at the same time). A server in a child
 * process cut that to ~2%, but sharing a pinned core with it the warm-up answered fewer
 * requests, and every uncapped 10,000/s run with it was uneven (6 of 6, CV per 100 ms
 * 0.06-0.20; in process the same day 7 of 11). Not kept; see docs/benchmarks.md.
 *
 * It does so in two rounds, each with a target of its own, closed at the end of its round.
 * Closing a target (its sockets, parsers and timers) changes the kinds of values some objects
 * hold, and V8 then throws away the compiled code that relied on them: closed once, right
 * before the run, it left the run's first 300-400 ms at a quarter of the speed (closed model, 50
 * connections to nginx) while the code was compiled again. The second round pays for that
 * instead, and a second close throws nothing more away: the slow start fell to 100-200 ms.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpTarget, preconnectCount } from '../targets/http.js';
import type { HttpTargetConfig, LoadModel } from '../profile/types.js';
import { peakRate } from '../schedule/index.js';
import { Runner } from './runner.js';
import type { HttpRequestSet } from '../requests/http-requests.js';

/** Each round of the warm-up runs a fresh target for an equal share of the time. */
export const WARM_UP_ROUNDS = 2;

/** Warm-up load for a run's load, all rounds together: the same model, at the profile's peak rate or concurrency. */
export function warmUpLoad(load: LoadModel, connections: number): LoadModel {
  if (load.model === 'closed') {
    return { model: 'closed', concurrency: Math.min(load.concurrency, connections, MAX_WARM_UP_CONCURRENCY), durationMs: WARM_UP_MS };
  }
  // A shard of N runs a 1/N share of the rate.
  const peakPerSec = peakRate(load.phases) / (load.shard?.count ?? 1);
  const ratePerSec = Math.min(Math.max(peakPerSec, MIN_WARM_UP_RATE), MAX_WARM_UP_RATE);
  const durationMs = ratePerSec >= HIGH_RATE ? HIGH_RATE_WARM_UP_MS : WARM_UP_MS;
  return {
    model: 'open',
    // As many in flight as the run allows: a sender that falls behind here (the loopback server
    // shares its core) should still send the requests and warm up, not drop them.
    maxInFlight: load.maxInFlight,
    phases: [{ kind: 'constant', ratePerSec, durationMs }],
  };
}

const WARM_UP_MS = 1000;
/**
 * From this peak rate on, the sender has little headroom on one core, and the first second of a
 * run fell behind after a 1 s warm-up (10,000/s, 100 sockets: CV per 100 ms 0.07-0.17); after
 * 2.5 s it kept up in two runs of three (0.018, 0.041).
 */
const HIGH_RATE = 5000;
const HIGH_RATE_WARM_UP_MS = 2500;
const MIN_WARM_UP_RATE = 1000;
const MAX_WARM_UP_RATE = 10_000;
const MAX_WARM_UP_CONCURRENCY = 256;

/** One round's share of the warm-up load. */
export function roundLoad(load: LoadModel): LoadModel {
  if (load.model === 'closed') return { ...load, durationMs: (load.durationMs ?? WARM_UP_MS) / WARM_UP_ROUNDS };
  return { ...load, phases: load.phases.map((p) => (p.kind === 'constant' ? { ...p, durationMs: p.durationMs / WARM_UP_ROUNDS } : p)) };
}

/** What a warm-up did: requests answered by its server (0 when it could not run). */
export interface WarmUpReport {
  answered: number;
}

/** `stop` (the run's Ctrl-C) ends the warm-up at once; the run then starts already stopped. */
export async function warmUpHttpClient(
  config: HttpTargetConfig,
  load: LoadModel,
  connections: number,
  stop?: AbortSignal,
  /** The run's compiled requests, sent to the warm-up's server: the same code gets compiled. */
  requestsAt?: (origin: string) => HttpRequestSet,
): Promise<WarmUpReport> {
  let answered = 0;
  if (stop?.aborted) return { answered };
  const body = Buffer.from('ok');
  const server = createServer((req, res) => {
    req.resume(); // the profile's body, if any, is read and dropped
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/`;
    const round = roundLoad(warmUpLoad(load, connections));
    for (let i = 0; i < WARM_UP_ROUNDS && !stop?.aborted; i++) {
      const own: HttpTargetConfig = { kind: 'http', url, method: config.method, headers: config.headers, timeoutMs: 5000, ...(config.body !== undefined && { body: config.body }) };
      const target = new HttpTarget(own, { connections, ...(requestsAt && { requests: requestsAt(`http://127.0.0.1:${port}`) }) });
      try {
        await target.preconnect(preconnectCount(round, connections), stop);
        const run = await new Runner({ load: round, target, ...(stop && { stop }), drainMs: 100 }).run();
        answered += run.recorder.counts.ok;
      } finally {
        await target.close();
      }
    }
  } catch {
    // A failed warm-up only means a slower first second; the run itself reports real failures.
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  return { answered };
}
