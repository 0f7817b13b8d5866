// Steady-state load generators in a child process, for measurements that leave out each tool's
// start-up: the benchmark spawns `node <script> --child <tool> <url> <windowSec> [startAt]`
// pinned to the tool core, and the child prints one JSON line with what it measured. With
// `--rate N` (coldbench and autocannon) the load is N requests/s instead of as many as they can.
//
//   coldbench  its engine (Runner, Recorder, HttpTarget from dist/), closed model (open at a rate)
//   autocannon its programmatic API (overallRate at a rate)
//   undici     a bare undici Client per connection, the next request sent from onComplete:
//              the HTTP client alone, with nothing around it
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from './coldbench.mjs';
import { run, sleep } from './proc.mjs';
import { log } from './report.mjs';

export const CONNECTIONS = 50;
/** Seconds of load before a window that starts WARM_SEC after the child (no `startAt`). */
export const WARM_SEC = 2;

const starters = {
  async coldbench(url, totalSec, rate) {
    const { HttpTarget } = await import(join(repoRoot, 'dist', 'targets', 'http.js'));
    const { Runner } = await import(join(repoRoot, 'dist', 'run', 'runner.js'));
    const target = new HttpTarget({ kind: 'http', url, method: 'GET', headers: {}, timeoutMs: 5000 }, { connections: CONNECTIONS });
    const durationMs = totalSec * 1000;
    const load = rate
      ? { model: 'open', maxInFlight: CONNECTIONS, phases: [{ kind: 'constant', ratePerSec: rate, durationMs }] }
      : { model: 'closed', concurrency: CONNECTIONS, durationMs };
    const runner = new Runner({ load, target });
    const done = runner.run();
    return { count: () => runner.recorder.counts.ok, stop: async () => { await done; await target.close(); } };
  },
  async autocannon(url, totalSec, rate) {
    const autocannon = createRequire(join(repoRoot, 'package.json'))('autocannon');
    let n = 0;
    const instance = autocannon({ url, connections: CONNECTIONS, duration: totalSec, ...(rate && { overallRate: rate }) }, () => {});
    instance.on('response', () => n++);
    return { count: () => n, stop: async () => instance.stop() };
  },
  async undici(url, totalSec) {
    const { Client } = await import('undici');
    const origin = new URL(url).origin;
    const opts = { origin, path: new URL(url).pathname, method: 'GET', headers: {}, body: null };
    // No undici timers per request: coldbench's target turns them off too (its own deadline
    // covers headers and body).
    const clients = Array.from({ length: CONNECTIONS }, () => new Client(origin, { pipelining: 1, headersTimeout: 0, bodyTimeout: 0 }));
    let n = 0;
    let running = true;
    const send = (client) => {
      if (!running) return;
      client.dispatch(opts, {
        onConnect() {},
        onHeaders: () => true,
        onData: () => true,
        onComplete() {
          n++;
          send(client);
        },
        onError(err) {
          console.error(err.message);
        },
      });
    };
    clients.forEach(send);
    setTimeout(() => (running = false), totalSec * 1000).unref();
    return { count: () => n, stop: async () => { running = false; await Promise.all(clients.map((c) => c.destroy())); } };
  },
};

export const TOOLS = Object.keys(starters);

/**
 * Runs `tool` against `url` in this (pinned) process and measures requests and CPU time over a
 * window of `windowSec`: from WARM_SEC after start, or from `startAt` (epoch ms) when given, so
 * that two children started together measure the very same interval.
 */
export async function child(tool, url, windowSec, startAt, rate) {
  const begin = Number.isFinite(startAt) ? startAt : Date.now() + WARM_SEC * 1000;
  const load = await starters[tool](url, (begin - Date.now()) / 1000 + windowSec + 1, rate);
  await sleep(Math.max(0, begin - Date.now()));
  const c0 = load.count();
  const t0 = performance.now();
  const u0 = process.cpuUsage();
  await sleep(Math.max(0, begin + windowSec * 1000 - Date.now()));
  const n = load.count() - c0;
  const seconds = (performance.now() - t0) / 1000;
  const u = process.cpuUsage(u0);
  console.log(JSON.stringify({
    tool,
    requests: n,
    ratePerSec: n / seconds,
    cpuUsPerRequest: (u.user + u.system) / n,
    userUsPerRequest: u.user / n,
    sysUsPerRequest: u.system / n,
    busy: (u.user + u.system) / 1e6 / seconds,
  }));
  await load.stop();
  process.exit(0);
}

/** `[--rate N] --child tool url windowSec [startAt]` in argv: true when this process is a child (it then runs). */
export async function runChildFromArgv() {
  const at = process.argv.indexOf('--child');
  if (at === -1) return false;
  const [tool, url, windowSec, startAt] = process.argv.slice(at + 1, at + 5);
  const rateAt = process.argv.indexOf('--rate');
  const rate = rateAt === -1 ? undefined : Number(process.argv[rateAt + 1]);
  await child(tool, url, Number(windowSec), startAt === undefined ? NaN : Number(startAt), rate);
  return true;
}

/**
 * Runs `tool` in a child of `script` (a benchmark that calls runChildFromArgv), pinned to `core`,
 * at `rate` requests/s when given; resolves with what the child measured, or null (logged) when it failed.
 */
export async function spawnChild(script, { tool, url, windowSec, startAt, core, rate }) {
  const args = [script, ...(rate ? ['--rate', String(rate)] : []), '--child', tool, url, String(windowSec), ...(startAt === undefined ? [] : [String(startAt)])];
  const leadMs = startAt === undefined ? WARM_SEC * 1000 : Math.max(0, startAt - Date.now());
  const r = await run(process.execPath, args, { core, timeoutMs: leadMs + (windowSec + 30) * 1000 });
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    log(`${tool} FAILED (exit ${r.code}): ${r.stderr.slice(-1000)}`);
    return null;
  }
}
