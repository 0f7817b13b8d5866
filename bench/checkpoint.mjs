// What checkpoints cost a fast run: the open model at 10,000 requests/s against the counting
// node server, with checkpoints every 10 s (--checkpoint 10s, the default) and without
// (--checkpoint 0), in alternating runs on the same cores. Reports the achieved rate (coldbench's
// and the server's), schedule lag, drops, and the time checkpoints took from the load's thread
// (the result's `checkpoints` field). Target: less than 1% of throughput.
//   node bench/checkpoint.mjs [--runs 5] [--duration 30] [--rate 10000] [--every 10s]
import { parseArgs } from 'node:util';
import { startNodeServer } from './lib/servers.mjs';
import { requireColdbench, runColdbench } from './lib/coldbench.mjs';
import { attempt, f, log, median, options, save, table, verdict } from './lib/report.mjs';

const { values } = parseArgs({ args: process.argv.slice(2), strict: false, options: { rate: { type: 'string' }, every: { type: 'string' } } });

export async function main() {
  const opt = { ...options({ runs: 5, durationSec: 30 }), rate: Number(values.rate ?? 10_000), every: values.every ?? '10s' };
  await requireColdbench();
  const server = await startNodeServer({ core: opt.serverCore, mode: 'fast' });
  const variants = [['checkpoints', opt.every], ['off', '0']];
  const rows = [];
  const failures = [];
  try {
    for (let i = 0; i < opt.runs; i++) {
      // Alternate which variant goes first, so a drift of the machine falls on both.
      for (const [name, every] of i % 2 === 0 ? variants : [...variants].reverse()) {
        await server.reset();
        const r = await attempt(name, () => runColdbench(profile(server.url, opt), { core: opt.toolCore, args: ['--checkpoint', every] }), failures);
        const s = await server.stats();
        if (!r) continue;
        const serverRate = s.count > 1 ? (s.count - 1) / (s.spanMs / 1000) : null;
        const cp = r.result.checkpoints ?? null;
        log(`${name} run ${i + 1}: tool ${f(r.ratePerSec, 1)}/s, server ${f(serverRate, 1)}/s, lag p99 ${f(r.result.scheduleLag?.p99, 3)} ms, checkpoints ${cp?.written ?? 0} (longest ${f(cp?.buildMsMax, 2)} ms)`);
        rows.push({
          variant: name, run: i + 1, toolRatePerSec: r.ratePerSec, serverRatePerSec: serverRate, dropped: r.dropped,
          lagP99Ms: r.result.scheduleLag?.p99, lagMaxMs: r.result.scheduleLag?.max, checkpoints: cp, command: r.command,
        });
      }
    }
  } finally {
    await server.close();
  }
  return summarize(rows, opt, failures);
}

function profile(url, opt) {
  return {
    name: `bench-checkpoint-${opt.rate}`,
    target: { kind: 'http', url, timeout: '5s' },
    load: { model: 'open', maxInFlight: 2000, phases: [{ constant: { rate: opt.rate, duration: `${opt.durationSec}s` } }] },
  };
}

function summarize(rows, opt, failures) {
  const pick = (variant, key) => median(rows.filter((r) => r.variant === variant).map((r) => r[key]));
  const on = { tool: pick('checkpoints', 'toolRatePerSec'), server: pick('checkpoints', 'serverRatePerSec') };
  const off = { tool: pick('off', 'toolRatePerSec'), server: pick('off', 'serverRatePerSec') };
  const built = rows.filter((r) => r.checkpoints);
  const perCheckpointMs = median(built.map((r) => r.checkpoints.buildMsTotal / Math.max(1, r.checkpoints.written)));
  const longestMs = Math.max(0, ...built.map((r) => r.checkpoints.buildMsMax));
  console.log(table(
    ['variant', 'runs', 'tool rate/s', 'server rate/s', 'lag p99 ms', 'lag max ms', 'dropped'],
    ['checkpoints', 'off'].map((v) => [v, rows.filter((r) => r.variant === v).length, f(pick(v, 'toolRatePerSec'), 1), f(pick(v, 'serverRatePerSec'), 1), f(pick(v, 'lagP99Ms'), 3), f(pick(v, 'lagMaxMs'), 3), f(pick(v, 'dropped'), 0)]),
  ));
  console.log(`time per checkpoint on the load's thread: median ${f(perCheckpointMs, 2)} ms, longest ${f(longestMs, 2)} ms`);
  const lossPct = on.server !== null && off.server !== null ? (100 * (off.server - on.server)) / off.server : null;
  const verdicts = [verdict(`checkpoints every ${opt.every} cost less than 1% of the server-side rate at ${opt.rate}/s (${f(lossPct, 3)}%)`, lossPct === null ? null : lossPct < 1)];
  console.log(verdicts.join('\n'));
  const path = save('checkpoint', { options: opt, failures, runs: rows, medians: { on, off, perCheckpointMs, longestMs, lossPct }, verdicts });
  log(`wrote ${path}`);
  return { lossPct, verdicts };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
