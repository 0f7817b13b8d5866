// The open model's wait between arrivals, alone (no requests): the CPU it uses and how late it
// wakes, at arrivals 10, 2 and 0.5 ms apart, on the tool core. A regression check for
// src/run/clock.ts: timers cover most of a gap, the last stretch is covered by event-loop turns
// with short pauses of the thread between them. No peer: this is coldbench's own loop.
import { join } from 'node:path';
import { requireColdbench, repoRoot } from './lib/coldbench.mjs';
import { run } from './lib/proc.mjs';
import { options, median, f, table, save, verdict, log } from './lib/report.mjs';

const GAPS_MS = [10, 2, 0.5];
const ARRIVALS_MS = 2000; // each gap runs for about this long

export async function main(argv = {}) {
  const opt = { ...options({ runs: 3 }), ...argv };
  await requireColdbench();
  const rows = [];
  for (let i = 0; i < opt.runs; i++) {
    const r = await run(process.execPath, [new URL(import.meta.url).pathname, '--child'], { core: opt.toolCore, timeoutMs: 60_000 });
    for (const row of JSON.parse(r.stdout.trim().split('\n').pop())) rows.push(row);
  }
  const med = (gap, key) => median(rows.filter((r) => r.gapMs === gap).map((r) => r[key]));
  console.log(table(['gap ms', '% of a core', 'us CPU per arrival', 'mean late us', 'p99 late us'],
    GAPS_MS.map((g) => [g, f(med(g, 'busy') * 100, 1), f(med(g, 'cpuUsPerArrival'), 0), f(med(g, 'meanLateUs'), 0), f(med(g, 'p99LateUs'), 0)])));
  const at05 = med(0.5, 'busy');
  const verdicts = [verdict(`waiting between arrivals 0.5 ms apart uses under half a core (${f(at05 * 100, 1)}%)`, at05 < 0.5)];
  console.log(verdicts.join('\n'));
  const path = save('clock-wait', { options: opt, gapsMs: GAPS_MS, rows, verdicts });
  log(`wrote ${path}`);
  return { verdicts };
}

async function child() {
  const { realClock, waitUntil } = await import(join(repoRoot, 'dist', 'run', 'clock.js'));
  const out = [];
  for (const gapMs of GAPS_MS) {
    const n = Math.round(ARRIVALS_MS / gapMs);
    const late = [];
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let at = realClock.now() + gapMs;
    for (let i = 0; i < n; i++, at += gapMs) {
      while (realClock.now() < at) await waitUntil(realClock, at);
      late.push((realClock.now() - at) * 1000);
    }
    const c = process.cpuUsage(c0);
    const wallUs = (performance.now() - t0) * 1000;
    late.sort((a, b) => a - b);
    out.push({
      gapMs,
      busy: (c.user + c.system) / wallUs,
      cpuUsPerArrival: (c.user + c.system) / n,
      meanLateUs: late.reduce((s, x) => s + x, 0) / n,
      p99LateUs: late[Math.floor(n * 0.99)],
    });
  }
  console.log(JSON.stringify(out));
}

if (process.argv.includes('--child')) await child();
else if (import.meta.url === `file://${process.argv[1]}`) await main();
