// Benchmark 3: a server that answers after 10 ms (a node:http timer, on its own core).
// Target: coldbench's p50 within 0.5 ms of wrk's, measured in the same run.
// Same load shape for both: closed model, 10 connections, 10 s. coldbench also runs the open
// model at 500 req/s (about 5 in flight), to show the open-model latency of the same server.
import { startNodeServer } from './lib/servers.mjs';
import { runAutocannon, runWrk } from './lib/peers.mjs';
import { runColdbench, coldbenchMissing } from './lib/coldbench.mjs';
import { options, median, f, table, save, verdict, log, latencyRounds } from './lib/report.mjs';

const DELAY_MS = 10;
const CONNECTIONS = 10;
const OPEN_RATE = 500;

export async function main(argv = {}) {
  const opt = { ...options({ runs: 3, durationSec: 10 }), ...argv };
  const missing = await coldbenchMissing();
  if (missing) log(`coldbench not run: ${missing}`);
  const server = await startNodeServer({ core: opt.serverCore, mode: 'delay', delayMs: DELAY_MS });
  const d = opt.durationSec;
  const url = server.url;
  const tools = [
    ...(missing
      ? []
      : [
          ['coldbench closed', () => runColdbench(closedProfile(url, d), { core: opt.toolCore })],
          [`coldbench open ${OPEN_RATE}/s`, () => runColdbench(openProfile(url, d), { core: opt.toolCore })],
        ]),
    ['wrk', () => runWrk({ url, connections: CONNECTIONS, durationSec: d, core: opt.toolCore })],
    ['autocannon', () => runAutocannon({ url, connections: CONNECTIONS, durationSec: d, core: opt.toolCore })],
  ];
  let runs = [];
  const failures = [];
  try {
    runs = await latencyRounds(opt.runs, tools, failures, () => server.reset());
  } finally {
    await server.close();
  }
  return summarize(runs, tools.map(([n]) => n), opt, missing, failures);
}

function closedProfile(url, durationSec) {
  return { name: 'bench-latency-closed', target: { kind: 'http', url, timeout: '5s' }, load: { model: 'closed', concurrency: CONNECTIONS, duration: `${durationSec}s` } };
}

function openProfile(url, durationSec) {
  return {
    name: 'bench-latency-open',
    target: { kind: 'http', url, timeout: '5s' },
    load: { model: 'open', maxInFlight: 1000, phases: [{ constant: { rate: OPEN_RATE, duration: `${durationSec}s` } }] },
  };
}

function summarize(runs, names, opt, missing, failures) {
  const groups = names.map((tool) => {
    const g = runs.map((r) => r[tool]).filter(Boolean);
    const pick = (k) => median(g.map((r) => r[k]));
    return { tool, runs: g.length, ratePerSec: pick('ratePerSec'), p50: pick('p50'), p90: pick('p90'), p99: pick('p99'), max: pick('max'), errors: pick('errors') };
  });
  // The difference is taken within each run (same minute, same machine load), then its median.
  const diffs = runs.filter((r) => r['coldbench closed'] && r.wrk).map((r) => r['coldbench closed'].p50 - r.wrk.p50);
  const diffMs = median(diffs);
  console.log(
    table(
      ['tool', 'runs', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'errors'],
      groups.map((g) => [g.tool, g.runs, f(g.ratePerSec, 0), f(g.p50, 3), f(g.p90, 3), f(g.p99, 3), f(g.max, 2), f(g.errors, 0)]),
    ),
  );
  const verdicts = [verdict(`coldbench closed p50 within 0.5 ms of wrk's (median difference ${f(diffMs, 3)} ms, per run: ${diffs.map((x) => f(x, 3)).join(', ')})`, diffs.length ? Math.abs(diffMs) <= 0.5 : null)];
  console.log(verdicts.join('\n'));
  const path = save('latency', { options: opt, delayMs: DELAY_MS, coldbenchMissing: missing, failures, runs, medians: groups, p50DiffMs: diffs, verdicts });
  log(`wrote ${path}`);
  return { groups, verdicts };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
