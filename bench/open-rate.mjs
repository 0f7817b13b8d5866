// Benchmark 1: open model at 2,000 and 10,000 req/s for 10 s.
// Targets: achieved rate within 0.5% of the target; requests per 100 ms window, counted at the
// SERVER, with a coefficient of variation under 0.05 (what a constant-throughput tool like wrk2
// gives). autocannon -R is run in the same run for contrast. wrk2 is not packaged in Debian
// and plain wrk has no rate mode, so the evenness is judged against the 0.05 bound directly.
import { startNodeServer } from './lib/servers.mjs';
import { runAutocannon, runWrk } from './lib/peers.mjs';
import { runColdbench, coldbenchMissing } from './lib/coldbench.mjs';
import { parseArgs } from 'node:util';
import { options, median, cv, f, table, save, verdict, log, attempt } from './lib/report.mjs';

/** The rates of the target; `--rates 10000` runs a subset. */
const RATES = [2000, 10000];
const CAPPED = 100;
const CAPPED_TOOL = `coldbench connections=${CAPPED}`;
const COLDBENCHES = ['coldbench', CAPPED_TOOL];

export async function main(argv = {}) {
  const opt = { ...options({ runs: 3, durationSec: 10 }), rates: ratesOption(), ...argv };
  const missing = await coldbenchMissing();
  if (missing) log(`coldbench not run: ${missing}`);
  const server = await startNodeServer({ core: opt.serverCore, mode: 'fast' });
  const rows = [];
  const failures = [];
  const push = (row) => row && rows.push(row);
  try {
    for (const rate of opt.rates) {
      for (let i = 0; i < opt.runs; i++) {
        if (!missing) {
          push(await measure(server, rate, opt, failures, 'coldbench', () => runColdbench(profile(server.url, rate, opt.durationSec), { core: opt.toolCore })));
          // The same with its sockets capped as wrk's are (target.connections, like wrk2's -c).
          const capped = async () => ({ ...(await runColdbench(profile(server.url, rate, opt.durationSec, CAPPED), { core: opt.toolCore })), tool: CAPPED_TOOL });
          push(await measure(server, rate, opt, failures, CAPPED_TOOL, capped));
        }
        const connections = 50;
        push(await measure(server, rate, opt, failures, 'autocannon', () => runAutocannon({ url: server.url, connections, durationSec: opt.durationSec, ratePerSec: rate, core: opt.toolCore })));
        // wrk paced by a Lua delay: 10 ms per connection, rate/100 connections.
        const paceDelayMs = 10;
        push(await measure(server, rate, opt, failures, 'wrk', () => runWrk({ url: server.url, connections: (rate * paceDelayMs) / 1000, durationSec: opt.durationSec, paceDelayMs, core: opt.toolCore })));
      }
    }
  } finally {
    await server.close();
  }
  return summarize(rows, opt, missing, failures);
}

function ratesOption() {
  const { values } = parseArgs({ args: process.argv.slice(2), strict: false, options: { rates: { type: 'string' } } });
  return values.rates === undefined ? RATES : String(values.rates).split(',').map(Number);
}

function profile(url, rate, durationSec, connections) {
  return {
    name: `bench-open-${rate}`,
    target: { kind: 'http', url, timeout: '5s', ...(connections && { connections }) },
    load: { model: 'open', maxInFlight: 2000, phases: [{ constant: { rate, duration: `${durationSec}s` } }] },
  };
}

async function measure(server, rate, opt, failures, name, runTool) {
  await server.reset();
  const r = await attempt(name, runTool, failures);
  const s = await server.stats();
  if (!r) return null;
  // Only complete windows: the last one is cut short by the end of the run.
  const full = s.windows.slice(0, Math.floor(s.spanMs / s.windowMs));
  const steady = full.slice(Math.round(1000 / s.windowMs)); // without the first second
  const serverRate = s.count > 1 ? (s.count - 1) / (s.spanMs / 1000) : null;
  const perSec = timelineSent(r.result, opt.durationSec);
  log(`${r.tool} @${rate}/s: server saw ${s.count}, cv100ms=${f(cv(full), 4)}`);
  return {
    tool: r.tool,
    targetPerSec: rate,
    toolRatePerSec: r.ratePerSec,
    serverCount: s.count,
    serverConnections: s.connections,
    serverRatePerSec: serverRate,
    cv100ms: cv(full),
    cv100msSteady: cv(steady),
    minMaxWindow: [Math.min(...full), Math.max(...full)],
    timelineCv1s: perSec ? cv(perSec) : null,
    dropped: r.dropped ?? null,
    scheduleLagMs: r.result?.scheduleLag ?? null,
    windows: full,
    busyBeforePct: r.busyBeforePct,
    errors: r.errors,
    command: r.command,
  };
}

/** Requests sent per second from coldbench's result timeline (full seconds only). */
function timelineSent(result, durationSec) {
  if (!result?.timeline) return null;
  return result.timeline.filter((p) => p.t < durationSec).map((p) => p.sent);
}

function summarize(rows, opt, missing, failures) {
  const groups = [];
  for (const rate of opt.rates) {
    for (const tool of [...new Set(rows.map((r) => r.tool))]) {
      const g = rows.filter((r) => r.targetPerSec === rate && r.tool === tool);
      if (g.length === 0) continue;
      const pick = (k) => median(g.map((r) => r[k]));
      groups.push({
        tool,
        targetPerSec: rate,
        runs: g.length,
        toolRatePerSec: pick('toolRatePerSec'),
        serverRatePerSec: pick('serverRatePerSec'),
        rateErrorPct: (100 * Math.abs(pick('toolRatePerSec') - rate)) / rate,
        serverRateErrorPct: (100 * Math.abs(pick('serverRatePerSec') - rate)) / rate,
        cv100ms: pick('cv100ms'),
        cv100msSteady: pick('cv100msSteady'),
        timelineCv1s: pick('timelineCv1s'),
        dropped: pick('dropped'),
        errors: pick('errors'),
        serverConnections: pick('serverConnections'),
      });
    }
  }
  console.log(
    table(
      ['tool', 'target/s', 'tool rate/s', 'server rate/s', 'rate err %', 'CV 100ms', 'CV 100ms (after 1s)', 'CV 1s timeline', 'dropped', 'errors', 'sockets'],
      groups.map((g) => [g.tool, g.targetPerSec, f(g.toolRatePerSec, 1), f(g.serverRatePerSec, 1), f(g.rateErrorPct, 3), f(g.cv100ms, 4), f(g.cv100msSteady, 4), f(g.timelineCv1s, 4), f(g.dropped, 0), f(g.errors, 0), f(g.serverConnections, 0)]),
    ),
  );
  const verdicts = opt.rates.flatMap((rate) =>
    COLDBENCHES.flatMap((tool) => {
      const g = groups.find((x) => x.tool === tool && x.targetPerSec === rate);
      return [
        verdict(`${tool} ${rate}/s: achieved rate within 0.5% (tool ${f(g?.rateErrorPct, 3)}%, server ${f(g?.serverRateErrorPct, 3)}%)`, g ? g.rateErrorPct <= 0.5 && g.serverRateErrorPct <= 0.5 : null),
        verdict(`${tool} ${rate}/s: CV of requests per 100 ms at the server < 0.05 (${f(g?.cv100ms, 4)})`, g ? g.cv100ms < 0.05 : null),
      ];
    }),
  );
  console.log(verdicts.join('\n'));
  const path = save('open-rate', { options: opt, coldbenchMissing: missing, failures, runs: rows, medians: groups, verdicts });
  log(`wrote ${path}`);
  return { groups, verdicts };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
