// CPU time per request in the steady state, closed model, 50 connections against nginx: the
// figure behind benchmark 4 (throughput on one core is 1 / CPU per request), measured without
// each tool's start-up and first second, and less sensitive than req/s to slow spells of a
// shared machine. Tools alternate within each round; ratios are taken within a round.
//
//   coldbench  its engine (Runner, Recorder, HttpTarget from dist/) in a child process
//   autocannon its programmatic API in a child process
//   undici     a bare undici Client per connection, the next request sent from onComplete:
//              the HTTP client alone, the floor under coldbench's own work
//
// Each child runs the load for warm + window seconds and reports process.cpuUsage() and the
// requests completed over the window only.
import { startNginx } from './lib/servers.mjs';
import { run } from './lib/proc.mjs';
import { coldbenchMissing, repoRoot } from './lib/coldbench.mjs';
import { options, median, f, table, save, verdict, log } from './lib/report.mjs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const CONNECTIONS = 50;
const WARM_SEC = 2;
const TOOLS = ['coldbench', 'autocannon', 'undici'];

export async function main(argv = {}) {
  const opt = { ...options({ runs: 6, durationSec: 4 }), ...argv };
  const missing = await coldbenchMissing();
  if (missing) throw new Error(`coldbench not built: ${missing}`);
  const nginx = await startNginx({ core: opt.serverCore });
  const rounds = [];
  try {
    for (let i = 0; i < opt.runs; i++) {
      const round = {};
      for (let k = 0; k < TOOLS.length; k++) {
        const tool = TOOLS[(i + k) % TOOLS.length];
        const r = await run(process.execPath, [fileURLToPath(import.meta.url), '--child', tool, nginx.url, String(opt.durationSec)], {
          core: opt.toolCore,
          timeoutMs: (WARM_SEC + opt.durationSec + 30) * 1000,
        });
        const line = r.stdout.trim().split('\n').pop();
        try {
          round[tool] = JSON.parse(line);
          log(`${tool}: ${f(round[tool].cpuUsPerRequest, 2)} us/request (user ${f(round[tool].userUsPerRequest, 2)}), ${f(round[tool].ratePerSec, 0)} req/s`);
        } catch {
          log(`${tool} FAILED (exit ${r.code}): ${r.stderr.slice(-1000)}`);
        }
      }
      rounds.push(round);
    }
  } finally {
    await nginx.close();
  }
  const pick = (tool, key) => median(rounds.map((r) => r[tool]?.[key]).filter((x) => x !== undefined));
  const ratio = (a, b, key) => median(rounds.filter((r) => r[a] && r[b]).map((r) => r[a][key] / r[b][key]));
  console.log(
    table(
      ['tool', 'CPU us/request (median)', 'user us', 'system us', 'req/s'],
      TOOLS.map((t) => [t, f(pick(t, 'cpuUsPerRequest'), 2), f(pick(t, 'userUsPerRequest'), 2), f(pick(t, 'sysUsPerRequest'), 2), f(pick(t, 'ratePerSec'), 0)]),
    ),
  );
  const vsAutocannon = ratio('coldbench', 'autocannon', 'cpuUsPerRequest');
  const vsUndici = ratio('coldbench', 'undici', 'cpuUsPerRequest');
  console.log(`CPU per request, coldbench / autocannon: ${f(vsAutocannon, 3)}   coldbench / bare undici: ${f(vsUndici, 3)}`);
  const verdicts = [verdict(`coldbench CPU per request <= autocannon's (ratio ${f(vsAutocannon, 3)})`, vsAutocannon === null ? null : vsAutocannon <= 1)];
  console.log(verdicts.join('\n'));
  const path = save('cpu-per-request', { options: opt, connections: CONNECTIONS, warmSec: WARM_SEC, rounds, ratios: { coldbenchToAutocannon: vsAutocannon, coldbenchToUndici: vsUndici }, verdicts });
  log(`wrote ${path}`);
  return { verdicts };
}

/** One tool in this (pinned) process: load for WARM_SEC, then measure over `windowSec`. */
async function child(tool, url, windowSec) {
  const load = await starters[tool](url, WARM_SEC + windowSec + 1);
  await sleep(WARM_SEC * 1000);
  const c0 = load.count();
  const t0 = performance.now();
  const u0 = process.cpuUsage();
  await sleep(windowSec * 1000);
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

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const starters = {
  async coldbench(url, totalSec) {
    const { HttpTarget } = await import(join(repoRoot, 'dist', 'targets', 'http.js'));
    const { Runner } = await import(join(repoRoot, 'dist', 'run', 'runner.js'));
    const target = new HttpTarget({ kind: 'http', url, method: 'GET', headers: {}, timeoutMs: 5000 }, { connections: CONNECTIONS });
    const runner = new Runner({ load: { model: 'closed', concurrency: CONNECTIONS, durationMs: totalSec * 1000 }, target });
    const done = runner.run();
    return { count: () => runner.recorder.counts.ok, stop: async () => { await done; await target.close(); } };
  },
  async autocannon(url, totalSec) {
    const autocannon = createRequire(join(repoRoot, 'package.json'))('autocannon');
    let n = 0;
    const instance = autocannon({ url, connections: CONNECTIONS, duration: totalSec }, () => {});
    instance.on('response', () => n++);
    return { count: () => n, stop: async () => instance.stop() };
  },
  async undici(url, totalSec) {
    const { Client } = await import('undici');
    const origin = new URL(url).origin;
    const opts = { origin, path: new URL(url).pathname, method: 'GET', headers: {}, body: null };
    const clients = Array.from({ length: CONNECTIONS }, () => new Client(origin, { pipelining: 1 }));
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

const childAt = process.argv.indexOf('--child');
if (childAt !== -1) await child(process.argv[childAt + 1], process.argv[childAt + 2], Number(process.argv[childAt + 3]));
else if (import.meta.url === `file://${process.argv[1]}`) await main();
