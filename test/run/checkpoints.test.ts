/**
 * Checkpoints read the live recorder without changing it, are written atomically over the last
 * one, and never take a run down: a failing snapshot or sink is counted, not thrown.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProfileText } from '../../src/profile/index.js';
import { buildCheckpoint, buildResult } from '../../src/run/build-result.js';
import { CheckpointFile } from '../../src/result/checkpoint.js';
import { parseResult } from '../../src/result/read.js';
import type { Result } from '../../src/result/result.js';
import { startCheckpoints } from '../../src/run/checkpoints.js';
import { Recorder } from '../../src/run/recorder.js';
import { until } from '../helpers/procs.js';
import type { RunRecord } from '../../src/run/runner.js';
import type { Outcome } from '../../src/targets/target.js';

const loaded = parseProfileText(
  'name: cp\ntarget: { kind: http, url: "http://127.0.0.1:1/" }\nload: { phases: [ { constant: { rate: 100, duration: 10s } } ] }\n',
  { file: 'cp.yaml', baseDir: '.' },
);
const startedAt = new Date('2026-01-01T00:00:00Z');

/** A reproducible stream of events: 3,000 requests over 30 s, with errors and throttles. */
function feed(recorder: Recorder, from: number, to: number, between?: (i: number) => void): void {
  for (let i = from; i < to; i++) {
    const plannedAt = i * 10;
    const outcome: Outcome = i % 17 === 0 ? { kind: 'error', errorClass: 'reset' } : i % 23 === 0 ? { kind: 'throttled', reason: 'http-429' } : { kind: 'ok' };
    recorder.planned();
    recorder.sent(plannedAt, plannedAt + (i % 3) * 0.1);
    recorder.completed({ plannedAt, sentAt: plannedAt + (i % 3) * 0.1, endedAt: plannedAt + 1 + (i % 50), outcome });
    between?.(i);
  }
}

function record(recorder: Recorder, endedAt: number): RunRecord {
  return { status: 'completed', recorder, startedAt: 0, endedAt, abandoned: 0, firstSendLateMs: null };
}

function build(recorder: Recorder, endedAt: number, partial: boolean): Result {
  const input = { run: record(recorder, endedAt), loaded, startedAt };
  return partial ? buildCheckpoint(input) : buildResult(input);
}

describe('a checkpoint snapshot', () => {
  it('leaves the recorder as it was: the final result is the same with or without snapshots', () => {
    const plain = new Recorder(0);
    feed(plain, 0, 3000);
    const watched = new Recorder(0);
    const snapshots: Result[] = [];
    // Snapshots in the middle of seconds (every 7th request), as a timer would take them.
    feed(watched, 0, 3000, (i) => i % 7 === 3 && snapshots.push(build(watched, i * 10, true)));
    const a = build(plain, 30_000, false);
    const b = build(watched, 30_000, false);
    expect(snapshots.length).toBeGreaterThan(400);
    expect(b.timeline).toEqual(a.timeline);
    expect(b.histograms).toEqual(a.histograms);
    expect(b.counts).toEqual(a.counts);
    expect(b.latency).toEqual(a.latency);
  });

  it('is a valid result with status partial, the counts so far and the current second', () => {
    const recorder = new Recorder(0);
    feed(recorder, 0, 1250);
    const snap = build(recorder, 12_500, true);
    expect(snap.status).toBe('partial');
    expect(snap.counts.sent).toBe(1250);
    // The bucket in progress is there, with the sends so far.
    expect(snap.timeline.at(-1)!.t).toBeGreaterThanOrEqual(12.4);
    expect(snap.timeline.reduce((sum, e) => sum + e.sent, 0)).toBe(1250);
    expect(snap.warnings[0]).toMatch(/checkpoint of a run that had not ended/);
    expect(parseResult(JSON.stringify(snap), 'cp.partial.json').status).toBe('partial');
  });
});

describe('the checkpoint file', () => {
  let dir: string;
  beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), 'coldbench-cp-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is replaced by each checkpoint, never doubled, never left half written, and removed by discard', async () => {
    const recorder = new Recorder(0);
    const file = new CheckpointFile(dir);
    feed(recorder, 0, 100);
    await file.save(build(recorder, 1000, true));
    feed(recorder, 100, 200);
    await file.save(build(recorder, 2000, true));
    const files = await readdir(dir);
    expect(files).toEqual(['cp-20260101T000000Z.partial.json']);
    expect(JSON.parse(await readFile(join(dir, files[0]!), 'utf8')).counts.sent).toBe(200);
    // Another run of the same profile that started in the same second gets a name of its own.
    const other = new CheckpointFile(dir);
    await other.save(build(new Recorder(0), 0, true));
    expect(other.file).toMatch(/cp-20260101T000000Z-1\.partial\.json$/);
    await file.discard();
    await other.discard();
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('startCheckpoints', () => {
  it('writes one every interval, counts failures instead of throwing, skips while a save is slow', async () => {
    const saved: Result[] = [];
    const snapshot = (): Result => build(new Recorder(0), 0, true);
    let release: () => void = () => undefined;
    const slow = startCheckpoints(snapshot, {
      everyMs: 10,
      sink: { save: (r) => new Promise<void>((done) => ((release = done), saved.push(r))) },
    });
    // Ticks are counted as they come, not expected within a time: a loaded machine runs fewer.
    await until(() => slow.stats.skipped > 2, 10_000);
    expect(saved).toHaveLength(1);
    expect(slow.stats.skipped).toBeGreaterThan(2);
    release();
    await slow.stop();
    expect(slow.stats.written).toBe(1);

    const errors: unknown[] = [];
    const failing = startCheckpoints(() => { throw new Error('snapshot broke'); }, { everyMs: 10, sink: { save: async () => undefined }, onError: (e) => errors.push(e) });
    const rejecting = startCheckpoints(snapshot, { everyMs: 10, sink: { save: () => Promise.reject(new Error('disk full')) }, onError: (e) => errors.push(e) });
    await until(() => failing.stats.failed > 1 && rejecting.stats.failed > 1, 10_000);
    await failing.stop();
    await rejecting.stop();
    expect(failing.stats.failed).toBeGreaterThan(1);
    expect(rejecting.stats.failed).toBeGreaterThan(1);
    expect(errors.map((e) => (e as Error).message)).toContain('snapshot broke');
    expect(errors.map((e) => (e as Error).message)).toContain('disk full');
  });
});

describe('a run whose load loop fails', () => {
  it('throws a RunFailure holding what was measured until then, status partial', async () => {
    const { createServer } = await import('node:http');
    const { runProfile, RunFailure } = await import('../../src/run/run-profile.js');
    const server = createServer((req, res) => void req.resume().on('end', () => res.end('ok')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const profile = parseProfileText(`name: fails\ntarget: { kind: http, url: "http://127.0.0.1:${port}/" }\nload: { model: closed, concurrency: 1, iterations: 50 }\n`, { file: 'f.yaml', baseDir: '.' });
    try {
      const failure = await runProfile(profile, {
        onStart: (state) => {
          // A fault inside the engine (not a failed request): the 11th answer cannot be recorded.
          const completed = state.recorder.completed.bind(state.recorder);
          let n = 0;
          state.recorder.completed = (c) => {
            if (++n === 11) throw new Error('recorder broke');
            completed(c);
          };
        },
      }).then(() => undefined, (err: unknown) => err);
      expect(failure).toBeInstanceOf(RunFailure);
      const result = (failure as InstanceType<typeof RunFailure>).result;
      expect((failure as Error).message).toBe('the run failed: recorder broke');
      expect(result.status).toBe('partial');
      expect(result.counts.ok).toBe(10);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('a target that rejects (it must not) fails that request as class client; the run completes', async () => {
    const { Runner } = await import('../../src/run/runner.js');
    let seq = 0;
    const target = { send: () => (seq++ % 2 === 0 ? Promise.reject(new Error('bug')) : Promise.resolve({ kind: 'ok' as const })), close: async () => undefined };
    const run = await new Runner({ load: { model: 'open', maxInFlight: 10, phases: [{ kind: 'burst', count: 6 }] }, target }).run();
    expect(run.status).toBe('completed');
    expect(run.recorder.counts).toMatchObject({ sent: 6, ok: 3, errors: 3 });
    expect(Object.fromEntries(run.recorder.errors)).toEqual({ client: 3 });
  });
});
