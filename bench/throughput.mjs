// Benchmark 4: closed-model throughput, 50 connections, 10 s, the tool on one core and nginx
// (one worker, a 13-byte static file, no access log) on the other.
// Target: coldbench's requests/s at least autocannon's in the same run; the ratio to wrk is
// reported too. Tools run in turn within each round; ratios are taken within a round.
import { startNginx } from './lib/servers.mjs';
import { runAutocannon, runWrk } from './lib/peers.mjs';
import { runColdbench, coldbenchMissing } from './lib/coldbench.mjs';
import { options, median, f, table, save, verdict, log, latencyRounds } from './lib/report.mjs';

const CONNECTIONS = 50;

export async function main(argv = {}) {
  const opt = { ...options({ runs: 6, durationSec: 10 }), ...argv };
  const missing = await coldbenchMissing();
  if (missing) log(`coldbench not run: ${missing}`);
  const nginx = await startNginx({ core: opt.serverCore });
  const d = opt.durationSec;
  const url = nginx.url;
  const tools = [
    ...(missing ? [] : [['coldbench', () => runColdbench(profile(url, d), { core: opt.toolCore })]]),
    ['autocannon', () => runAutocannon({ url, connections: CONNECTIONS, durationSec: d, core: opt.toolCore })],
    ['wrk', () => runWrk({ url, connections: CONNECTIONS, durationSec: d, core: opt.toolCore })],
  ];
  const failures = [];
  let runs = [];
  try {
    runs = await latencyRounds(opt.runs, tools, failures);
  } finally {
    await nginx.close();
  }
  return summarize(runs, tools.map(([n]) => n), opt, missing, failures);
}

function profile(url, durationSec) {
  return { name: 'bench-throughput', target: { kind: 'http', url, timeout: '5s' }, load: { model: 'closed', concurrency: CONNECTIONS, duration: `${durationSec}s` } };
}

function summarize(runs, names, opt, missing, failures) {
  const groups = names.map((tool) => {
    const g = runs.map((r) => r[tool]).filter(Boolean);
    const pick = (k) => median(g.map((r) => r[k]));
    return { tool, runs: g.length, ratePerSec: pick('ratePerSec'), p50: pick('p50'), p99: pick('p99'), errors: pick('errors') };
  });
  const ratio = (a, b) => median(runs.filter((r) => r[a] && r[b]).map((r) => r[a].ratePerSec / r[b].ratePerSec));
  const vsAutocannon = ratio('coldbench', 'autocannon');
  const vsWrk = ratio('coldbench', 'wrk');
  console.log(
    table(
      ['tool', 'runs', 'req/s (median)', 'p50 ms', 'p99 ms', 'errors'],
      groups.map((g) => [g.tool, g.runs, f(g.ratePerSec, 0), f(g.p50, 3), f(g.p99, 3), f(g.errors, 0)]),
    ),
  );
  console.log(`coldbench / autocannon: ${f(vsAutocannon, 3)}   coldbench / wrk: ${f(vsWrk, 3)}   autocannon / wrk: ${f(ratio('autocannon', 'wrk'), 3)}`);
  const verdicts = [verdict(`coldbench req/s >= autocannon's in the same run (ratio ${f(vsAutocannon, 3)})`, vsAutocannon === null ? null : vsAutocannon >= 1)];
  console.log(verdicts.join('\n'));
  const path = save('throughput', { options: opt, connections: CONNECTIONS, coldbenchMissing: missing, failures, runs, medians: groups, ratios: { coldbenchToAutocannon: vsAutocannon, coldbenchToWrk: vsWrk }, verdicts });
  log(`wrote ${path}`);
  return { groups, verdicts };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
