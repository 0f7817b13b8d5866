// Benchmark 5: a long open-model run at 2,000 req/s against the fast node:http server.
// Targets: peak RSS (VmHWM) under 150 MB; no growth after the first minute (VmRSS sampled
// from /proc/<pid>/status of the coldbench process tree every 2 s).
// "No growth" is judged as: the least-squares slope of VmRSS after the settle time is under
// 1 MB/min, and the highest VmRSS of the last third of that period is at most 5 MB above the
// highest of its first third.
// The settle time is 60 s, or a third of the run when the run is shorter. The default run is the
// target's 5 minutes: a shorter one (`--duration 90`) can end on the rising edge of the garbage
// collector's sawtooth (about 100 s long at 2,000/s) and read it as growth.
import { startNodeServer } from './lib/servers.mjs';
import { runColdbench, coldbenchMissing } from './lib/coldbench.mjs';
import { options, f, table, save, verdict, log, slope, waitForQuiet } from './lib/report.mjs';

const RATE = 2000;
const SAMPLE_MS = 2000;

export async function main(argv = {}) {
  const opt = { ...options({ runs: 1, durationSec: 300 }), ...argv };
  const missing = await coldbenchMissing();
  if (missing) {
    log(`coldbench not run: ${missing}`);
    console.log(verdict('memory: coldbench not available', null));
    return { verdicts: [] };
  }
  const settleSec = Math.min(60, opt.durationSec / 3);
  const server = await startNodeServer({ core: opt.serverCore, mode: 'fast' });
  let r;
  try {
    await server.reset();
    log(`other work before the run: ${f(await waitForQuiet(), 0)}% CPU`);
    r = await runColdbench(profile(server.url, opt.durationSec), { core: opt.toolCore, sampleEveryMs: SAMPLE_MS, timeoutMs: (opt.durationSec + 120) * 1000 });
  } finally {
    await server.close();
  }
  return summarize(r, settleSec, opt);
}

function profile(url, durationSec) {
  return {
    name: 'bench-memory',
    target: { kind: 'http', url, timeout: '5s' },
    load: { model: 'open', maxInFlight: 2000, phases: [{ constant: { rate: RATE, duration: `${durationSec}s` } }] },
  };
}

function summarize(r, settleSec, opt) {
  const s = r.rss;
  const peakHwmMB = Math.max(...s.map((x) => x.hwmMB));
  const after = s.filter((x) => x.tSec >= settleSec && x.tSec <= opt.durationSec);
  const slopeMBPerMin = after.length > 2 ? slope(after.map((x) => x.tSec), after.map((x) => x.rssMB)) * 60 : null;
  // RSS is a garbage-collection sawtooth: compare the peaks of the first and last thirds.
  const third = Math.max(1, Math.floor(after.length / 3));
  const peak = (xs) => Math.max(...xs.map((x) => x.rssMB));
  const growthMB = after.length >= 3 ? peak(after.slice(-third)) - peak(after.slice(0, third)) : null;
  const every = Math.max(1, Math.round(s.length / 12));
  console.log(table(['t s', 'VmRSS MB', 'VmHWM MB', 'processes'], s.filter((_, i) => i % every === 0 || i === s.length - 1).map((x) => [f(x.tSec, 0), f(x.rssMB, 1), f(x.hwmMB, 1), x.processes])));
  console.log(`requests ${r.requests}, achieved ${f(r.ratePerSec, 1)}/s, dropped ${r.dropped}, errors ${r.errors}, status ${r.status}`);
  const verdicts = [
    verdict(`peak RSS (VmHWM) under 150 MB (${f(peakHwmMB, 1)} MB)`, peakHwmMB < 150),
    verdict(
      `no RSS growth after ${f(settleSec, 0)} s (slope ${f(slopeMBPerMin, 2)} MB/min, peak of last third - peak of first third ${f(growthMB, 1)} MB)`,
      slopeMBPerMin === null ? null : slopeMBPerMin < 1 && growthMB <= 5,
    ),
  ];
  console.log(verdicts.join('\n'));
  const path = save('memory', { options: opt, settleSec, samples: s, peakHwmMB, slopeMBPerMin, growthMB, requests: r.requests, ratePerSec: r.ratePerSec, dropped: r.dropped, errors: r.errors, verdicts });
  log(`wrote ${path}`);
  return { verdicts };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
