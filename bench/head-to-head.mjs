// Head-to-head: coldbench's engine and a peer at the same time, on the same core, against the
// same nginx, measured over the very same interval. The two processes share one core, so each
// gets about half of it, and the ratio of their requests per second is the inverse ratio of their
// CPU cost per request, measured under identical conditions. Run after run, this machine's
// speed drifts by 10-30% (see docs/benchmarks.md); a drift within one interval falls on both
// tools alike, so this ratio moves by about 1% where the sequential throughput ratio moves by 20%.
// It complements benchmark 4 (throughput.mjs), whose target is defined on sequential runs.
//
// Each round: coldbench vs autocannon, then coldbench vs bare undici (lib/steady.mjs). The first
// round also runs coldbench against itself: the method's own error, which should be ~1.00.
import { fileURLToPath } from 'node:url';
import { startNginx } from './lib/servers.mjs';
import { requireColdbench } from './lib/coldbench.mjs';
import { options, median, f, table, save, verdict, log } from './lib/report.mjs';
import { runChildFromArgv, spawnChild } from './lib/steady.mjs';

/** Time for both children to start and warm up before the shared window opens. */
const LEAD_MS = 3000;

export async function main(argv = {}) {
  const opt = { ...options({ runs: 6, durationSec: 4 }), ...argv };
  await requireColdbench();
  const nginx = await startNginx({ core: opt.serverCore });
  const pairs = [];
  try {
    for (let i = 0; i < opt.runs; i++) {
      const peers = i === 0 ? ['coldbench', 'autocannon', 'undici'] : ['autocannon', 'undici'];
      for (const peer of peers) {
        const pair = await together(['coldbench', peer], nginx.url, opt);
        if (pair === null) continue;
        pairs.push({ round: i, peer, ...pair });
        log(`coldbench ${f(pair.a.ratePerSec, 0)} req/s (busy ${f(pair.a.busy, 2)}) | ${peer} ${f(pair.b.ratePerSec, 0)} req/s (busy ${f(pair.b.busy, 2)}) | ratio ${f(pair.ratio, 3)}`);
      }
    }
  } finally {
    await nginx.close();
  }
  const ratios = (peer) => pairs.filter((p) => p.peer === peer).map((p) => p.ratio);
  const rows = ['autocannon', 'undici', 'coldbench'].map((peer) => {
    const r = ratios(peer);
    return [peer === 'coldbench' ? 'coldbench (itself: the method\'s error)' : peer, r.length, f(median(r), 3), f(Math.min(...r), 3), f(Math.max(...r), 3)];
  });
  console.log(table(['coldbench vs', 'pairs', 'req/s ratio (median)', 'min', 'max'], rows));
  const vsAutocannon = median(ratios('autocannon'));
  const verdicts = [verdict(`head to head on one core, coldbench req/s >= autocannon's (median ratio ${f(vsAutocannon, 3)})`, vsAutocannon === null ? null : vsAutocannon >= 1)];
  console.log(verdicts.join('\n'));
  const path = save('head-to-head', { options: opt, leadMs: LEAD_MS, pairs, ratios: { coldbenchToAutocannon: vsAutocannon, coldbenchToUndici: median(ratios('undici')), coldbenchToItself: median(ratios('coldbench')) }, verdicts });
  log(`wrote ${path}`);
  return { verdicts };
}

/** Runs two tools at once on the tool core over one shared window; null when one failed. */
async function together([a, b], url, opt) {
  const startAt = Date.now() + LEAD_MS;
  const script = fileURLToPath(import.meta.url);
  const child = (tool) => spawnChild(script, { tool, url, windowSec: opt.durationSec, startAt, core: opt.toolCore });
  const parsed = await Promise.all([child(a), child(b)]);
  if (parsed.includes(null)) return null;
  return { a: parsed[0], b: parsed[1], ratio: parsed[0].ratePerSec / parsed[1].ratePerSec };
}

if (!(await runChildFromArgv()) && import.meta.url === `file://${process.argv[1]}`) await main();
