// coldbench's own work per request, without any network: the runner and the recorder (closed
// model, 50 workers) against an in-memory target that answers on the next event-loop turn, and
// the histogram's recordValue against hdr-histogram-js's own. A regression check for the hot
// path; no peer runs here (benchmarks 4 and cpu-per-request compare with autocannon).
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { repoRoot, requireColdbench } from './lib/coldbench.mjs';
import { median, f, table, save, log } from './lib/report.mjs';

const REQUESTS = 1_000_000;
const ROUNDS = 5;

export async function main() {
  await requireColdbench();
  const { Runner } = await import(join(repoRoot, 'dist', 'run', 'runner.js'));
  const { newHistogram } = await import(join(repoRoot, 'dist', 'result', 'histogram.js'));
  const { build } = createRequire(join(repoRoot, 'package.json'))('hdr-histogram-js');

  const engine = [];
  for (let i = 0; i < ROUNDS; i++) engine.push(await runnerNsPerRequest(Runner));
  const ours = [];
  const library = [];
  const libraryHistogram = () => build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, bitBucketSize: 32, autoResize: false });
  for (let i = 0; i < ROUNDS; i++) {
    ours.push(recordNs(newHistogram));
    library.push(recordNs(libraryHistogram));
  }
  // The first rounds include compiling; the medians leave them out.
  const rows = [
    ['runner + recorder, ns per request', f(median(engine), 0), engine.map((x) => f(x, 0)).join(' ')],
    ['histogram recordValue (coldbench), ns', f(median(ours), 1), ours.map((x) => f(x, 1)).join(' ')],
    ['histogram recordValue (hdr-histogram-js), ns', f(median(library), 1), library.map((x) => f(x, 1)).join(' ')],
  ];
  console.log(table(['measure', 'median', 'rounds'], rows));
  const path = save('engine-overhead', { requests: REQUESTS, rounds: ROUNDS, engineNsPerRequest: engine, recordNs: { coldbench: ours, library } });
  log(`wrote ${path}`);
  return { verdicts: [] };
}

/** Closed model, 50 workers, REQUESTS requests; the target answers every pending request on the next turn. */
async function runnerNsPerRequest(Runner) {
  let pending = [];
  let scheduled = false;
  const flush = () => {
    const answering = pending;
    pending = [];
    scheduled = false;
    for (const resolve of answering) resolve({ kind: 'ok', status: 200 });
  };
  const target = {
    send() {
      return new Promise((resolve) => {
        pending.push(resolve);
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    async close() {},
  };
  const runner = new Runner({ load: { model: 'closed', concurrency: 50, iterations: REQUESTS }, target });
  const t0 = process.cpuUsage();
  await runner.run();
  const u = process.cpuUsage(t0);
  return ((u.user + u.system) * 1000) / REQUESTS;
}

/** Five histograms, values of 1-4 ms in microseconds, as a run records them. */
function recordNs(make) {
  const hs = Array.from({ length: 5 }, make);
  const values = Float64Array.from({ length: 1 << 16 }, (_, i) => 1000 + ((i * 7919) % 3000));
  const n = 4_000_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) hs[i % 5].recordValue(values[i & 0xffff]);
  return ((performance.now() - t0) * 1e6) / n;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
