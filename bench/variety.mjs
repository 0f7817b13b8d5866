// Benchmark: the cost of variety. A mix of 5 requests with templates (path, query, headers, a
// JSON body) reading a 10,000-row CSV, against the same server as the fixed request of the
// other HTTP benchmarks:
//   closed model, 50 connections: coldbench's requests/s with the mix at least 90% of its
//     requests/s with the fixed request, in the same round (autocannon, fixed, for reference);
//   open model at 2,000 and 10,000/s: the mix as even as the fixed request at the server (CV of
//     requests per 100 ms < 0.05) and its achieved rate within 0.5%.
// The server is bench/servers/node-server.mjs (it reads request bodies and counts arrivals).
//   node bench/variety.mjs [--runs 3] [--duration 10] [--rates 2000,10000] [--tool-core 0] [--server-core 1]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startNodeServer } from './lib/servers.mjs';
import { runAutocannon } from './lib/peers.mjs';
import { runColdbench, coldbenchMissing } from './lib/coldbench.mjs';
import { options, median, cv, f, table, save, verdict, log, latencyRounds, attempt } from './lib/report.mjs';

const CONNECTIONS = 50;
const ROWS = 10_000;
const RATES = [2000, 10000];

export async function main(argv = {}) {
  const opt = { ...options({ runs: 3, durationSec: 10 }), rates: ratesOption(), ...argv };
  const missing = await coldbenchMissing();
  if (missing) throw new Error(`coldbench not built: ${missing}`);
  const dir = mkdtempSync(join(tmpdir(), 'coldbench-variety-'));
  const csv = join(dir, 'users.csv');
  writeFileSync(csv, `user,sku,tenant\n${Array.from({ length: ROWS }, (_, i) => `user-${i},${100000 + i},t${i % 17}`).join('\n')}\n`);
  const server = await startNodeServer({ core: opt.serverCore, mode: 'fast' });
  const failures = [];
  let closed = [];
  const open = [];
  try {
    const d = opt.durationSec;
    const closedLoad = { model: 'closed', concurrency: CONNECTIONS, duration: `${d}s` };
    const tools = [
      ['coldbench fixed', () => runColdbench(fixedProfile(server.url, closedLoad), { core: opt.toolCore, cpu: true })],
      ['coldbench mix', () => runColdbench(mixProfile(server.url, csv, closedLoad), { core: opt.toolCore, cpu: true })],
      ['autocannon', () => runAutocannon({ url: server.url, connections: CONNECTIONS, durationSec: d, core: opt.toolCore })],
    ];
    closed = await latencyRounds(opt.runs, tools, failures);
    for (const rate of opt.rates) {
      const load = { model: 'open', maxInFlight: 2000, phases: [{ constant: { rate, duration: `${d}s` } }] };
      for (let i = 0; i < opt.runs; i++) {
        for (const [tool, profile] of [['coldbench fixed', fixedProfile(server.url, load)], ['coldbench mix', mixProfile(server.url, csv, load)]]) {
          await server.reset();
          const r = await attempt(tool, () => runColdbench(profile, { core: opt.toolCore }), failures);
          const s = await server.stats();
          if (!r) continue;
          const full = s.windows.slice(0, Math.floor(s.spanMs / s.windowMs));
          log(`${tool} @${rate}/s: server saw ${s.count}, cv100ms=${f(cv(full), 4)}`);
          open.push({ tool, rate, toolRatePerSec: r.ratePerSec, serverCount: s.count, cv100ms: cv(full), dropped: r.dropped, errors: r.errors });
        }
      }
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return summarize(closed, open, opt, failures);
}

function ratesOption() {
  const { values } = parseArgs({ args: process.argv.slice(2), strict: false, options: { rates: { type: 'string' } } });
  return values.rates === undefined ? RATES : String(values.rates).split(',').map(Number);
}

function fixedProfile(url, load) {
  return { name: 'bench-variety-fixed', target: { kind: 'http', url, timeout: '5s' }, load };
}

/** Five requests: templated paths and queries, a templated header, a JSON body with row values. */
function mixProfile(url, csv, load) {
  return {
    name: 'bench-variety-mix',
    target: {
      kind: 'http',
      url,
      timeout: '5s',
      headers: { 'x-tenant': '{{row.tenant}}' },
      data: { file: csv, order: 'random' },
      requests: [
        { name: 'item', weight: 4, path: '/items/{{row.sku}}' },
        { name: 'search', weight: 3, path: '/search?q={{row.user}}&page={{randomInt 1 10}}' },
        { name: 'user', weight: 2, path: '/users/{{row.user}}', headers: { 'x-request': '{{uuid}}' } },
        { name: 'home', weight: 2, path: '/' },
        { name: 'order', weight: 1, method: 'POST', path: '/orders', body: { user: '{{row.user}}', sku: '{{row.sku}}', qty: '{{randomInt 1 5}}', n: '{{seq}}' } },
      ],
    },
    load,
  };
}

function summarize(closed, open, opt, failures) {
  const names = ['coldbench fixed', 'coldbench mix', 'autocannon'];
  const groups = names.map((tool) => {
    const g = closed.map((r) => r[tool]).filter(Boolean);
    return { tool, runs: g.length, ratePerSec: median(g.map((r) => r.ratePerSec)), p50: median(g.map((r) => r.p50)), p99: median(g.map((r) => r.p99)), errors: median(g.map((r) => r.errors)) };
  });
  console.log(table(['closed model', 'runs', 'req/s (median)', 'p50 ms', 'p99 ms', 'errors'], groups.map((g) => [g.tool, g.runs, f(g.ratePerSec, 0), f(g.p50, 3), f(g.p99, 3), f(g.errors, 0)])));
  const ratio = median(closed.filter((r) => r['coldbench mix'] && r['coldbench fixed']).map((r) => r['coldbench mix'].ratePerSec / r['coldbench fixed'].ratePerSec));
  const vsAutocannon = median(closed.filter((r) => r['coldbench mix'] && r.autocannon).map((r) => r['coldbench mix'].ratePerSec / r.autocannon.ratePerSec));
  console.log(`mix / fixed: ${f(ratio, 3)}   mix / autocannon: ${f(vsAutocannon, 3)}`);
  // What one core of coldbench sustains: requests per CPU-second (the shell's `times`), mix / fixed
  // in each round. The server is the limit of the requests/s above, and the mix is more work for it.
  const perCpu = (r) => r.requests / r.cpuSec;
  const both = closed.filter((r) => r['coldbench mix']?.cpuSec && r['coldbench fixed']?.cpuSec);
  const cpuRatios = both.map((r) => perCpu(r['coldbench mix']) / perCpu(r['coldbench fixed']));
  const cpuRatio = median(cpuRatios);
  console.log(`requests per CPU-second of coldbench, mix / fixed: ${cpuRatios.map((x) => f(x, 3)).join(', ')} (median ${f(cpuRatio, 3)}); fixed ${both.map((r) => f(perCpu(r['coldbench fixed']), 0)).join(', ')}, mix ${both.map((r) => f(perCpu(r['coldbench mix']), 0)).join(', ')}`);
  const openGroups = [];
  for (const rate of opt.rates) {
    for (const tool of names.slice(0, 2)) {
      const g = open.filter((r) => r.rate === rate && r.tool === tool);
      if (g.length === 0) continue;
      const rateErrorPct = (100 * Math.abs(median(g.map((r) => r.toolRatePerSec)) - rate)) / rate;
      openGroups.push({ tool, rate, runs: g.length, rateErrorPct, cv100ms: median(g.map((r) => r.cv100ms)), dropped: median(g.map((r) => r.dropped)), errors: median(g.map((r) => r.errors)) });
    }
  }
  console.log(table(['open model', 'target/s', 'runs', 'rate err %', 'CV 100ms (server)', 'dropped', 'errors'], openGroups.map((g) => [g.tool, g.rate, g.runs, f(g.rateErrorPct, 3), f(g.cv100ms, 4), f(g.dropped, 0), f(g.errors, 0)])));
  const verdicts = [
    verdict(`closed model: the mix keeps at least 90% of the fixed request's requests/s (ratio ${f(ratio, 3)})`, ratio === null ? null : ratio >= 0.9),
    verdict(`the engine: the mix keeps at least 90% of the fixed request's requests per CPU-second of coldbench (ratio ${f(cpuRatio, 3)})`, cpuRatio === null ? null : cpuRatio >= 0.9),
    ...opt.rates.map((rate) => {
      const g = openGroups.find((x) => x.tool === 'coldbench mix' && x.rate === rate);
      return verdict(`open model ${rate}/s: the mix within 0.5% of its rate and CV per 100 ms < 0.05 (${f(g?.rateErrorPct, 3)}%, ${f(g?.cv100ms, 4)})`, g ? g.rateErrorPct <= 0.5 && g.cv100ms < 0.05 : null);
    }),
  ];
  console.log(verdicts.join('\n'));
  const path = save('variety', { options: opt, connections: CONNECTIONS, rows: ROWS, failures, closed, open, medians: { closed: groups, open: openGroups }, ratios: { mixToFixed: ratio, mixToAutocannon: vsAutocannon, mixToFixedPerCpu: cpuRatio }, verdicts });
  log(`wrote ${path}`);
  return { groups, openGroups, verdicts };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
