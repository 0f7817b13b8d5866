/**
 * Equivalence, measured: one profile run as one process, as 4 workers (--workers 4) and as 4
 * shards by hand (--shard K/4 --start-at, then merge) against a node:http server on loopback
 * that records when each request arrives. The counts are equal; the server sees the arrivals as
 * evenly in every case (coefficient of variation per 100 ms no more than 0.01 above the one
 * process's where each process has a core, below 0.05 on smaller machines; an uneven
 * measurement is measured once more, since one stall of a shared machine makes any mode
 * uneven); the merged percentiles are those of the shards' histograms added directly; the
 * merged timeline adds up to the counts. Bounded: 3,000 requests per run, two measurements at most.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build, decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../bin/coldbench.js');
const RATE = 1_000;
const DURATION_S = 3;
const COUNT = RATE * DURATION_S;
/** The evenness target of docs/benchmarks.md (CV per 100 ms at the server below 0.05). */
const EVEN = 0.05;

let server: Server;
let url: string;
let dir: string;
let arrivals: number[] = [];

function coldbench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/**
 * Arrivals per 100 ms from the first one (less half a gap, so no bucket edge falls on an
 * arrival): stdev / mean over the steady part, from 0.5 s to the last 100 ms. The start is left
 * out: it holds the catch-up while the first connections open (in every mode alike) and, with
 * more processes than cores, while the last process still loads its code; a few dozen requests
 * sent late there outweigh everything else the comparison is about.
 */
function variation(times: readonly number[]): number {
  const origin = Math.min(...times) - 500 / RATE;
  const buckets = new Array<number>(DURATION_S * 10).fill(0);
  for (const t of times) {
    const i = Math.floor((t - origin) / 100);
    if (i >= 0 && i < buckets.length) buckets[i]!++;
  }
  const steady = buckets.slice(5, -1);
  const mean = steady.reduce((a, b) => a + b, 0) / steady.length;
  const sd = Math.sqrt(steady.reduce((a, b) => a + (b - mean) ** 2, 0) / steady.length);
  return sd / mean;
}

async function measured(run: () => Promise<unknown>): Promise<number[]> {
  arrivals = [];
  await run();
  return arrivals;
}

/** The shards' `all` histograms added with hdr-histogram-js itself, not with merge's code. */
async function directQuantiles(files: string[]): Promise<Record<string, number>> {
  const sum = build({ bitBucketSize: 64, lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
  for (const f of files) sum.add(decodeFromCompressedBase64(JSON.parse(await readFile(f, 'utf8')).histograms.all, 32));
  return Object.fromEntries([50, 90, 99].map((p) => [`p${p}`, sum.getValueAtPercentile(p) / 1000]));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    arrivals.push(performance.now());
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  dir = await mkdtemp(join(tmpdir(), 'coldbench-equiv-'));
  await writeFile(join(dir, 'p.yaml'), `name: equiv\ntarget: { kind: http, url: "${url}" }\nload:\n  maxInFlight: 400\n  phases:\n    - constant: { rate: ${RATE}, duration: ${DURATION_S}s }\n`);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

interface Modes {
  single: any;
  workers: any;
  hand: any;
  cv: { single: number; workers: number; hand: number };
}

/** The three ways to run the profile, each counted and its arrivals' evenness measured. */
async function runModes(attempt: number): Promise<Modes> {
  const out = (mode: string): string => `${mode}-${attempt}`;
  let single: any;
  const singleArrivals = await measured(async () => {
    const ran = await coldbench(['run', 'p.yaml', '--out', out('single'), '--json', '--no-progress']);
    expect(ran.code, ran.stderr).toBe(0);
    single = JSON.parse(ran.stdout);
  });

  let workers: any;
  const workerArrivals = await measured(async () => {
    const ran = await coldbench(['run', 'p.yaml', '--workers', '4', '--keep-shards', '--out', out('workers'), '--json', '--no-progress']);
    expect(ran.code, ran.stderr).toBe(0);
    workers = JSON.parse(ran.stdout);
  });

  // By hand: far enough ahead for four processes to start and warm up on two cores.
  const startAt = String(Date.now() + 12_000);
  const handArrivals = await measured(async () => {
    const runs = await Promise.all([1, 2, 3, 4].map((k) => coldbench(['run', 'p.yaml', '--shard', `${k}/4`, '--start-at', startAt, '--out', out('hand'), '--no-progress'])));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
  });
  const merge = await coldbench(['merge', out('hand'), '--out', `${out('hand')}-merged.json`]);
  expect(merge.code, merge.stderr).toBe(0);
  const hand = JSON.parse(await readFile(join(dir, `${out('hand')}-merged.json`), 'utf8'));

  for (const r of [single, workers, hand]) {
    expect(r.counts).toMatchObject({ planned: COUNT, sent: COUNT, ok: COUNT, dropped: 0 });
    expect(r.timeline.reduce((a: number, b: { sent: number }) => a + b.sent, 0)).toBe(r.counts.sent);
    expect(r.timeline.reduce((a: number, b: { ok: number }) => a + b.ok, 0)).toBe(r.counts.ok);
  }
  expect([singleArrivals.length, workerArrivals.length, handArrivals.length]).toEqual([COUNT, COUNT, COUNT]);
  return { single, workers, hand, cv: { single: variation(singleArrivals), workers: variation(workerArrivals), hand: variation(handArrivals) } };
}

/** A core for each of the four generators and the server. */
const OWN_CORES = availableParallelism() >= 6;

/** What the evenness check finds wrong with a measurement, or nothing. */
function unevenness(cv: Modes['cv']): string | undefined {
  if (OWN_CORES) {
    // As evenly as one process: no more uneven than it by more than 0.01 (more even is fine).
    if (cv.workers - cv.single > 0.01 || cv.hand - cv.single > 0.01) return `more than one process's CV + 0.01: ${JSON.stringify(cv)}`;
    return undefined;
  }
  // Fewer cores than processes: four generators and the server take turns, and a few
  // milliseconds of waiting for a core move arrivals across bucket edges (measured alone on
  // two cores: 0 to 0.009 for one process, 0 to 0.017 for four). Held to the evenness target of
  // docs/benchmarks.md instead.
  const over = Object.entries(cv).filter(([, value]) => value > EVEN);
  return over.length > 0 ? `CV above ${EVEN} (${over.map(([mode]) => mode).join(', ')}): ${JSON.stringify(cv)}` : undefined;
}

describe('one process, 4 workers and 4 shards by hand', () => {
  it('send the same requests as evenly, and merge into exact percentiles and timelines', async () => {
    if (!OWN_CORES) console.warn(`evenness held to CV <= ${EVEN}, not to one process's + 0.01: ${availableParallelism()} cores for 5 processes`);
    // One stall of the shared machine (50 ms in which nothing runs) bunches 50 arrivals into the
    // next bucket: CV 0.15 for any mode, one process included, while a wrong start or rate in a
    // mode shows in every measurement. So an uneven measurement is measured once more, and said;
    // the second must be even.
    let modes = await runModes(1);
    const first = unevenness(modes.cv);
    if (first !== undefined) {
      console.warn(`uneven on the first measurement, measured again: ${first}`);
      modes = await runModes(2);
    }
    const attempt = first === undefined ? 1 : 2;
    console.warn(`CV per 100 ms (measurement ${attempt}): ${JSON.stringify(modes.cv)}`);
    expect(unevenness(modes.cv), 'uneven').toBeUndefined();

    const { workers, hand } = modes;
    const shardFiles = async (folder: string): Promise<string[]> => (await readdir(join(dir, folder))).filter((f) => /-shard\dof4\.json$/.test(f)).map((f) => join(dir, folder, f));
    for (const [merged, folder] of [[workers, `workers-${attempt}`], [hand, `hand-${attempt}`]] as const) {
      const files = await shardFiles(folder);
      expect(files).toHaveLength(4);
      const direct = await directQuantiles(files);
      for (const [p, value] of Object.entries(direct)) {
        expect(Math.abs(merged.latency.all[p] - value) / value, `${folder} ${p}`).toBeLessThanOrEqual(0.01);
      }
    }
  }, 240_000);
});
