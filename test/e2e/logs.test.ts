/**
 * End to end: the real binary reads cold starts from the logs of a function behind an HTTP
 * front. The reading runs on a thread of its own, and after the load nothing else may keep the
 * process alive: the binary must wait for the reading, join every request, and save the result.
 * Against an emulator in this test's process (the binary holds nothing else open: this case
 * fails if the reading thread does not keep it alive), and the README's second example
 * (profiles/http-logs-local.yaml, whose emulator runs in a child of the binary).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { fn, groundTruth, profilesDir } from '../emulator/helpers.js';
import { coldbench } from '../helpers/bin.js';
import { publishedSchema, schemaErrors, undescribedFields } from '../helpers/schema.js';

const resultSchema = publishedSchema('result.schema.json');

const repo = resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({
    baseDir: profilesDir,
    functions: {
      url: fn('functions/hello.handler', { concurrency: 4, idleTimeoutMs: 60_000, environment: { INIT_MS: '80' }, logDelayMs: 500 }),
      // A log group of its own: the read window starts before the run, and must hold no other test's lines.
      shared: fn('functions/hello.handler', { concurrency: 6, idleTimeoutMs: 60_000, environment: { INIT_MS: '80' }, logDelayMs: 500 }),
    },
  });
});

afterAll(async () => {
  await emulator?.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function savedResult(out: string): Promise<Record<string, any>> {
  const [file] = (await readdir(out)).filter((f) => f.endsWith('.json'));
  return JSON.parse(await readFile(join(out, file!), 'utf8'));
}

/** A profile in a folder of its own that sends to the in-process emulator's function `fn` through its URL, starts from its logs. */
async function urlProfile(fn: string, burst: number, rate: number): Promise<{ out: string; profile: string }> {
  const out = await mkdtemp(join(tmpdir(), 'coldbench-e2e-logs-'));
  dirs.push(out);
  const profile = join(out, `${fn}.yaml`);
  await writeFile(profile, `name: ${fn}
target:
  kind: http
  url: ${emulator.functionUrl(fn)}
  coldStart: { logs: { function: ${fn}, endpoint: ${emulator.endpoint}, wait: 20s, poll: 300ms } }
load: { maxInFlight: 20, phases: [ { burst: { count: ${burst} } }, { constant: { rate: ${rate}, duration: 1s } } ] }
`);
  return { out, profile };
}

describe('coldbench binary, cold starts from the logs', () => {
  it('waits for the reading after the load, then reports the emulator ground truth behind its Function URL', async () => {
    const { out, profile } = await urlProfile('url', 4, 20);
    const ran = await coldbench(['run', profile, '--out', out, '--no-progress'], { cwd: out, timeoutMs: 60_000 });
    expect(ran.code, ran.stderr).toBe(0);
    const result = await savedResult(out);
    const all = (await groundTruth(emulator.endpoint)).filter((i) => i.function === 'url');
    // Throttled calls never reached an environment: no REPORT, and the client saw a 429.
    const truth = all.filter((i) => i.status !== 'throttled');
    const cold = truth.filter((i) => i.firstInEnvironment).map((i) => i.requestId);
    expect(cold.length).toBeGreaterThanOrEqual(1);
    expect(result.logs).toMatchObject({ matched: truth.length, unmatched: 0, complete: true });
    expect(result.counts).toMatchObject({ sent: all.length, throttles: all.length - truth.length, cold: cold.length, warm: truth.length - cold.length, unknown: 0 });
    expect(result.coldStarts.map((e: { requestId: string }) => e.requestId).sort()).toEqual([...cold].sort());
  });

  it('runs profiles/http-logs-local.yaml: every request joined to its REPORT, cold starts found, result saved', async () => {
    const out = await mkdtemp(join(tmpdir(), 'coldbench-e2e-logs-'));
    dirs.push(out);
    const ran = await coldbench(['run', 'profiles/http-logs-local.yaml', '--out', out, '--no-progress'], { cwd: repo, timeoutMs: 90_000 });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/starts from \/aws\/lambda\/hello[^:]*: (\d+) of \1 requests matched \(100\.0%\)/);
    const result = await savedResult(out);
    expect(result.status).toBe('completed');
    expect(result.logs).toMatchObject({ complete: true, unmatched: 0 });
    // Every request the function ran is decided; the ones the front answered 500 (throttled) never ran.
    expect(result.logs.matched + result.logs.notInvoked).toBe(result.counts.sent);
    expect(result.logs.throttledBehindFront).toBeGreaterThan(0);
    expect(result.counts.cold).toBeGreaterThanOrEqual(2); // the first request, and again after the idle gap
    expect(result.counts.unknown).toBe(0);

    // As two workers sharing one emulator: the same target in the result, so diff compares the two.
    const outWorkers = await mkdtemp(join(tmpdir(), 'coldbench-e2e-logs-'));
    dirs.push(outWorkers);
    const workers = await coldbench(['run', 'profiles/http-logs-local.yaml', '--workers', '2', '--out', outWorkers, '--no-progress'], { cwd: repo, timeoutMs: 90_000 });
    expect(workers.code, workers.stderr).toBe(0);
    const merged = await savedResult(outWorkers);
    expect(merged.target).toEqual(result.target);
    expect(merged.logs).toMatchObject({ complete: true, unmatched: 0, unclaimedReports: 0 });
    expect(merged.logs.matched + merged.logs.notInvoked).toBe(merged.counts.sent);
    const diff = await coldbench(['diff', join(out, (await readdir(out))[0]!), join(outWorkers, (await readdir(outWorkers))[0]!)], { cwd: repo });
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout + diff.stderr).not.toMatch(/different endpoints/);
  }, 150_000);

  it('--workers 2: each worker joins its own requests; the merged result counts the log group\'s lines once, not once per worker', async () => {
    const { out, profile } = await urlProfile('shared', 8, 40);
    const ran = await coldbench(['run', profile, '--workers', '2', '--out', out, '--no-progress'], { cwd: out, timeoutMs: 90_000 });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/starts from \/aws\/lambda\/shared: (\d+) of \1 requests matched \(100\.0%\)/);
    const result = await savedResult(out);
    expect(result.shards).toHaveLength(2);
    const all = (await groundTruth(emulator.endpoint)).filter((i) => i.function === 'shared');
    const truth = all.filter((i) => i.status !== 'throttled');
    const cold = truth.filter((i) => i.firstInEnvironment);
    expect(cold.length).toBeGreaterThanOrEqual(2);
    expect(result.counts).toMatchObject({ sent: all.length, cold: cold.length, warm: truth.length - cold.length, unknown: 0 });
    // Both workers read every line of the group: the merge counts each line once.
    expect(result.logs).toMatchObject({ matched: truth.length, claimedReports: truth.length, unclaimedReports: 0, complete: true });
    expect(result.logs.runLevel).toMatchObject({ invocations: truth.length, coldStarts: cold.length });
    expect(result.logs.runLevel.init.count).toBe(cold.length);
    expect(result.logs.clockSkewMs.low).toBeTypeOf('number');
    expect(result.warnings.join('\n')).not.toMatch(/^logs\./m);
    expect(schemaErrors(resultSchema, result)).toEqual([]);
    expect(undescribedFields(resultSchema, result)).toEqual([]);
  });
});
