// CPU time per request in the steady state, closed model, 50 connections against nginx: the
// figure behind benchmark 4 (throughput on one core is 1 / CPU per request), measured without
// each tool's start-up and first second, and less sensitive than req/s to slow spells of a
// shared machine. Tools alternate within each round; ratios are taken within a round.
//
// The tools (coldbench's engine, autocannon, bare undici) are described in lib/steady.mjs. Each
// child runs the load for warm + window seconds and reports process.cpuUsage() and the requests
// completed over the window only.
import { startNginx } from './lib/servers.mjs';
import { requireColdbench } from './lib/coldbench.mjs';
import { options, median, f, table, save, verdict, log } from './lib/report.mjs';
import { CONNECTIONS, TOOLS, WARM_SEC, runChildFromArgv, spawnChild } from './lib/steady.mjs';
import { fileURLToPath } from 'node:url';

export async function main(argv = {}) {
  const opt = { ...options({ runs: 6, durationSec: 4 }), ...argv };
  await requireColdbench();
  const nginx = await startNginx({ core: opt.serverCore });
  const rounds = [];
  try {
    for (let i = 0; i < opt.runs; i++) {
      const round = {};
      for (let k = 0; k < TOOLS.length; k++) {
        const tool = TOOLS[(i + k) % TOOLS.length];
        const r = await spawnChild(fileURLToPath(import.meta.url), { tool, url: nginx.url, windowSec: opt.durationSec, core: opt.toolCore });
        if (r === null) continue;
        round[tool] = r;
        log(`${tool}: ${f(r.cpuUsPerRequest, 2)} us/request (user ${f(r.userUsPerRequest, 2)}), ${f(r.ratePerSec, 0)} req/s`);
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

if (!(await runChildFromArgv()) && import.meta.url === `file://${process.argv[1]}`) await main();
