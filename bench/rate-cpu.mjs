// CPU a sender uses to hold a fixed request rate, open model, against the counting node server:
// what it costs to keep sub-millisecond timing between arrivals. Node's timers fire up to ~1 ms
// late, so coldbench covers the last stretch before each arrival by turning the event loop
// over, holding the thread between turns (src/run/clock.ts). autocannon -R (overallRate) is the
// peer, for contrast: it does not space its requests evenly (CV per 100 ms 1.6-2.3 in
// open-rate.mjs). Each tool runs in a child (lib/steady.mjs) and reports its CPU over a window
// after WARM_SEC; tools alternate within each round.
import { startNodeServer } from './lib/servers.mjs';
import { requireColdbench } from './lib/coldbench.mjs';
import { options, median, f, table, save, verdict, log } from './lib/report.mjs';
import { WARM_SEC, runChildFromArgv, spawnChild } from './lib/steady.mjs';
import { fileURLToPath } from 'node:url';

const RATES = [100, 300, 1000, 3000];
const TOOLS = ['coldbench', 'autocannon'];

export async function main(argv = {}) {
  const opt = { ...options({ runs: 3, durationSec: 4 }), ...argv };
  await requireColdbench();
  const server = await startNodeServer({ core: opt.serverCore, mode: 'fast' });
  const rows = [];
  try {
    for (const rate of RATES) {
      for (let i = 0; i < opt.runs; i++) {
        for (let k = 0; k < TOOLS.length; k++) {
          const tool = TOOLS[(i + k) % TOOLS.length];
          const r = await spawnChild(fileURLToPath(import.meta.url), { tool, url: server.url, windowSec: opt.durationSec, core: opt.toolCore, rate });
          if (r === null) continue;
          rows.push({ rate, ...r });
          log(`${tool} @${rate}/s: ${f(r.busy * 100, 1)}% of a core, ${f(r.ratePerSec, 0)} req/s`);
        }
      }
    }
  } finally {
    await server.close();
  }
  const pick = (tool, rate, key) => median(rows.filter((r) => r.tool === tool && r.rate === rate).map((r) => r[key]));
  console.log(
    table(
      ['rate/s', ...TOOLS.flatMap((t) => [`${t} % of a core`, `${t} req/s`])],
      RATES.map((rate) => [rate, ...TOOLS.flatMap((t) => [f(pick(t, rate, 'busy') * 100, 1), f(pick(t, rate, 'ratePerSec'), 0)])]),
    ),
  );
  // Not spinning: at 1,000/s a sender that turned the event loop over between every pair of
  // arrivals would keep a whole core busy.
  const at1000 = pick('coldbench', 1000, 'busy');
  const verdicts = [verdict(`coldbench at 1,000/s uses under half a core (${f(at1000 * 100, 1)}%)`, at1000 === null ? null : at1000 < 0.5)];
  console.log(verdicts.join('\n'));
  const path = save('rate-cpu', { options: opt, warmSec: WARM_SEC, rates: RATES, rows, verdicts });
  log(`wrote ${path}`);
  return { verdicts };
}

if (!(await runChildFromArgv()) && import.meta.url === `file://${process.argv[1]}`) await main();
