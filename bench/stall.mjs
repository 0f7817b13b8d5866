// Benchmark 2: the server stalls for 1 s in a 10 s run at 200 req/s (its whole process is
// blocked, as if stopped with Ctrl-Z, 4 s after the first arrival).
// Target: coldbench's p99 between 800 and 1,100 ms and max near 1 s. Why: 200 of the 2,000
// planned requests fall in the stall and wait from 1,000 ms down to 0 ms, so the top 10% of
// latencies spread evenly over 0..1,000 ms and p99 (the 20th highest) is about 900 ms.
// A closed-model tool stops sending while the server is stalled, so only its few in-flight
// requests see the stall and its p99 stays near the normal response time.
import { startNodeServer } from './lib/servers.mjs';
import { runAutocannon, runWrk } from './lib/peers.mjs';
import { runColdbench, coldbenchMissing } from './lib/coldbench.mjs';
import { options, median, f, table, save, verdict, log, attempt } from './lib/report.mjs';

const RATE = 200;
const STALL_AT_MS = 4000;
const STALL_MS = 1000;
const CONNECTIONS = 10;

export async function main(argv = {}) {
  const opt = { ...options({ runs: 3, durationSec: 10 }), ...argv };
  const missing = await coldbenchMissing();
  if (missing) log(`coldbench not run: ${missing}`);
  const server = await startNodeServer({ core: opt.serverCore, mode: 'stall' });
  const d = opt.durationSec;
  const tools = [
    ...(missing ? [] : [['coldbench', () => runColdbench(profile(server.url, d), { core: opt.toolCore })]]),
    ['wrk', () => runWrk({ url: server.url, connections: CONNECTIONS, durationSec: d, core: opt.toolCore })],
    ['autocannon', () => runAutocannon({ url: server.url, connections: CONNECTIONS, durationSec: d, core: opt.toolCore })],
    ['autocannon -R', () => runAutocannon({ url: server.url, connections: CONNECTIONS, durationSec: d, ratePerSec: RATE, core: opt.toolCore })],
  ];
  const rows = [];
  const failures = [];
  try {
    for (let i = 0; i < opt.runs; i++) {
      for (const [name, runTool] of tools) {
        await server.reset({ stallAtMs: STALL_AT_MS, stallMs: STALL_MS });
        const r = await attempt(name, runTool, failures);
        const s = await server.stats();
        if (!r) continue;
        log(`${r.tool}: p99=${f(r.latencyMs.p99)} max=${f(r.latencyMs.max)} (stall at ${f(s.stalledAtMs, 0)} ms)`);
        rows.push({ tool: r.tool, requests: r.requests, ...r.latencyMs, busyBeforePct: r.busyBeforePct, stalledAtMs: s.stalledAtMs, errors: r.errors, command: r.command });
      }
    }
  } finally {
    await server.close();
  }
  return summarize(rows, opt, missing, failures);
}

function profile(url, durationSec) {
  return {
    name: 'bench-stall',
    target: { kind: 'http', url, timeout: '5s' },
    load: { model: 'open', maxInFlight: 2000, phases: [{ constant: { rate: RATE, duration: `${durationSec}s` } }] },
  };
}

function summarize(rows, opt, missing, failures) {
  const groups = [...new Set(rows.map((r) => r.tool))].map((tool) => {
    const g = rows.filter((r) => r.tool === tool);
    const pick = (k) => median(g.map((r) => r[k]));
    return { tool, runs: g.length, requests: pick('requests'), p50: pick('p50'), p90: pick('p90'), p99: pick('p99'), max: pick('max'), errors: pick('errors') };
  });
  console.log(
    table(
      ['tool', 'runs', 'requests', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'errors'],
      groups.map((g) => [g.tool, g.runs, f(g.requests, 0), f(g.p50), f(g.p90), f(g.p99), f(g.max), f(g.errors, 0)]),
    ),
  );
  const cb = groups.find((g) => g.tool === 'coldbench');
  const verdicts = [
    verdict(`coldbench p99 in [800, 1100] ms (${f(cb?.p99)})`, cb ? cb.p99 >= 800 && cb.p99 <= 1100 : null),
    // "near 1 s": within 10% of the stall.
    verdict(`coldbench max near 1 s, within [900, 1100] ms (${f(cb?.max)})`, cb ? cb.max >= 900 && cb.max <= 1100 : null),
  ];
  console.log(verdicts.join('\n'));
  const path = save('stall', { options: opt, stall: { atMs: STALL_AT_MS, durationMs: STALL_MS, ratePerSec: RATE }, coldbenchMissing: missing, failures, runs: rows, medians: groups, verdicts });
  log(`wrote ${path}`);
  return { groups, verdicts };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
