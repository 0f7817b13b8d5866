/**
 * End to end: shards by hand and merge, --workers with Ctrl-C, and every bad input of a
 * distributed run (exit 2 naming the flag or the file, exit 4 for a missed start, nothing
 * written over). The real binary against a node:http server on loopback.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../bin/coldbench.js');

interface Ran { code: number | null; stdout: string; stderr: string; pids: number[] }

/** Runs the binary; `pids` are every process it started (sampled from /proc while it ran). */
function coldbench(args: string[], opts: { cwd: string; env?: Record<string, string>; onSpawn?: (pid: number, ran: () => Ran) => void }): Promise<Ran> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const ran: Ran = { code: null, stdout: '', stderr: '', pids: [] };
    child.stdout.on('data', (d: Buffer) => (ran.stdout += d));
    child.stderr.on('data', (d: Buffer) => (ran.stderr += d));
    const sampler = setInterval(() => {
      for (const pid of descendants(child.pid!)) if (!ran.pids.includes(pid)) ran.pids.push(pid);
    }, 100);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      ran.code = code;
      done(ran);
    });
    opts.onSpawn?.(child.pid!, () => ran);
  });
}

function descendants(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    let kids = '';
    try {
      kids = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const k of kids.trim().split(/\s+/).filter(Boolean).map(Number)) {
      out.push(k);
      queue.push(k);
    }
  }
  return out;
}

/** Calls `action` `delayMs` after a --workers run says when its load starts (on stderr). */
function afterLoadStarts(now: () => Ran, delayMs: number, action: () => void): void {
  const poll = setInterval(() => {
    if (!now().stderr.includes('starting the load at')) return;
    clearInterval(poll);
    setTimeout(action, delayMs);
  }, 100);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let server: Server;
let url: string;
let dir: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    setTimeout(() => res.end('ok'), 2);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  dir = await mkdtemp(join(tmpdir(), 'coldbench-dist-'));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

async function profile(name: string, load: string, extra = ''): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, `name: ${name}\ntarget:\n  kind: http\n  url: ${url}\n${extra}load:\n${load}`);
  return file;
}

/**
 * These tests check what is merged, not how punctually: on a busy machine a shard may finish
 * its warm-up after the instant, and then starts at once instead of exiting 4.
 */
const SLOW_MACHINE = ['--start-tolerance', '30s'];

const constant = (rate: number, duration: string): string => `  phases:\n    - constant: { rate: ${rate}, duration: ${duration} }\n`;

describe('shards by hand and merge', () => {
  it('two shards started at one instant merge into the one-machine counts; merge refuses a second write', async () => {
    const file = await profile('byhand', constant(100, '1s'), '', );
    const out = join(dir, 'byhand');
    const startAt = String(Date.now() + 4000);
    const [a, b] = await Promise.all([1, 2].map((k) => coldbench(['run', file, '--shard', `${k}/2`, '--start-at', startAt, ...SLOW_MACHINE, '--out', out, '--no-progress'], { cwd: dir })));
    expect([a!.code, b!.code], a!.stderr + b!.stderr).toEqual([0, 0]);
    const files = (await readdir(out)).sort();
    expect(files).toEqual([expect.stringMatching(/^byhand-.*-shard1of2\.json$/), expect.stringMatching(/^byhand-.*-shard2of2\.json$/)]);
    const merged = join(dir, 'byhand-merged.json');
    const ran = await coldbench(['merge', out, '--out', merged, '--json'], { cwd: dir });
    expect(ran.code, ran.stderr).toBe(0);
    const result = JSON.parse(await readFile(merged, 'utf8'));
    expect(result.counts).toMatchObject({ planned: 100, sent: 100, ok: 100 });
    expect(result.shards.map((s: { index: number }) => s.index)).toEqual([1, 2]);
    expect(result.startedAt).toBe(new Date(Number(startAt)).toISOString());
    const before = await readFile(merged, 'utf8');
    const again = await coldbench(['merge', out, '--out', merged], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/--out .*byhand-merged\.json already exists; nothing was written over it/);
    expect(await readFile(merged, 'utf8')).toBe(before);
  });

  it('refuses a missing shard, a corrupt file and shards of different profiles, naming them; writes nothing', async () => {
    const out = join(dir, 'mixed');
    const startAt = String(Date.now() + 3000);
    const p1 = await profile('mixa', constant(20, '500ms'));
    const p2 = await profile('mixb', constant(30, '500ms'));
    const runs = await Promise.all([
      coldbench(['run', p1, '--shard', '1/2', '--start-at', startAt, ...SLOW_MACHINE, '--out', join(out, 'a'), '--no-progress'], { cwd: dir }),
      coldbench(['run', p2, '--shard', '2/2', '--start-at', startAt, ...SLOW_MACHINE, '--out', join(out, 'b'), '--no-progress'], { cwd: dir }),
    ]);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    const [fileA] = await readdir(join(out, 'a'));
    const [fileB] = await readdir(join(out, 'b'));
    const merged = join(dir, 'mixed-merged.json');
    const missing = await coldbench(['merge', join(out, 'a'), '--out', merged], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/shard 2\/2 is missing/);
    const different = await coldbench(['merge', join(out, 'a', fileA!), join(out, 'b', fileB!), '--out', merged], { cwd: dir });
    expect(different.code).toBe(2);
    expect(different.stderr).toMatch(/mixb-.*shard2of2\.json and .*mixa-.*shard1of2\.json are shards of different profiles/);
    const corrupt = join(out, 'corrupt.json');
    await writeFile(corrupt, (await readFile(join(out, 'a', fileA!), 'utf8')).slice(0, 300));
    const bad = await coldbench(['merge', join(out, 'a', fileA!), corrupt, '--out', merged], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/corrupt\.json is not a complete result file/);
    expect(existsSync(merged)).toBe(false);
  });
});

describe('bad flags of a distributed run', () => {
  it.each([
    [['--shard', '5/4', '--start-at', String(Date.now() + 60_000)], /--shard 5\/4: the shard index must be a whole number from 1 to 4/],
    [['--shard', '1/2'], /--shard 1\/2 needs --start-at/],
    [['--shard', 'env', '--start-at', String(Date.now() + 60_000)], /--shard env: JOB_COMPLETION_INDEX is not set/],
    [['--workers', '2', '--shard', '1/2', '--start-at', String(Date.now() + 60_000)], /use it or --shard, not both/],
    [['--start-at', '2026-01-01T00:00:00'], /--start-at 2026-01-01T00:00:00: expected an ISO time with a time zone/],
  ])('run %j: exit 2, the flag named, nothing written', async (flags, message) => {
    const file = await profile('badflag', constant(10, '1s'));
    const out = join(dir, 'badflag-out');
    const ran = await coldbench(['run', file, ...flags, '--out', out], { cwd: dir, env: { JOB_COMPLETION_INDEX: '' } });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('a start instant already past: exit 4 (distinct), nothing sent, nothing written', async () => {
    const file = await profile('late', constant(10, '1s'));
    const out = join(dir, 'late-out');
    const ran = await coldbench(['run', file, '--shard', '2/3', '--start-at', new Date(Date.now() - 60_000).toISOString(), '--out', out], { cwd: dir });
    expect(ran.code).toBe(4);
    expect(ran.stderr).toMatch(/the start instant .* \(--start-at\) passed \d+ s ago, more than the tolerance of 100 ms: nothing was sent/);
    expect(existsSync(out)).toBe(false);
  });

  it('a start instant that passes while the shard prepares: exit 4, and its checkpoint file is removed', async () => {
    // The HTTP warm-up waits 1.5 s for each answer: the start instant passes meanwhile.
    const slow = createServer((req, res) => {
      req.resume();
      setTimeout(() => res.end('ok'), 1500);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    try {
      const file = join(dir, 'missed.yaml');
      await writeFile(file, `name: missed\ntarget: { kind: http, url: "http://127.0.0.1:${(slow.address() as AddressInfo).port}/" }\nload:\n${constant(10, '1s')}`);
      const out = join(dir, 'missed-out');
      const ran = await coldbench(['run', file, '--shard', '1/2', '--start-at', String(Date.now() + 1200), '--out', out], { cwd: dir });
      expect(ran.code, ran.stderr).toBe(4);
      expect(ran.stderr).toMatch(/nothing was sent/);
      const left = existsSync(out) ? await readdir(out) : [];
      expect(left).toEqual([]);
    } finally {
      slow.closeAllConnections();
      await new Promise((r) => slow.close(r));
    }
  });

  it('Kubernetes: --shard env reads JOB_COMPLETION_INDEX (from 0) and COLDBENCH_SHARD_COUNT', async () => {
    const file = await profile('k8s', constant(40, '500ms'));
    const out = join(dir, 'k8s-out');
    const ran = await coldbench(['run', file, '--shard', 'env', '--start-at', String(Date.now() + 2500), ...SLOW_MACHINE, '--out', out, '--json', '--no-progress'], {
      cwd: dir,
      env: { JOB_COMPLETION_INDEX: '2', COLDBENCH_SHARD_COUNT: '4' },
    });
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout).shard).toMatchObject({ index: 3, count: 4 });
    expect(JSON.parse(ran.stdout).counts.planned).toBe(5);
  });
});

describe('--workers', () => {
  it('Ctrl-C stops every worker, saves the merged partial result, and leaves no process behind', async () => {
    const file = await profile('workers-int', constant(50, '30s'));
    const out = join(dir, 'workers-int');
    let signalled = false;
    const ran = await coldbench(['run', file, '--workers', '2', '--out', out, '--json'], {
      cwd: dir,
      // Once the workers have sent something, Ctrl-C as a terminal sends it: to every process of the group.
      onSpawn: (pid, now) => afterLoadStarts(now, 1500, () => {
        signalled = true;
        for (const p of [pid, ...descendants(pid)]) {
          try {
            process.kill(p, 'SIGINT');
          } catch {
            // already gone
          }
        }
      }),
    });
    expect(signalled).toBe(true);
    expect(ran.code, ran.stderr).toBe(130);
    const result = JSON.parse(ran.stdout);
    expect(result.status).toBe('interrupted');
    expect(result.shards).toHaveLength(2);
    expect(result.counts.sent).toBeGreaterThan(0);
    expect(result.counts.sent).toBeLessThan(1500);
    expect(await readdir(out)).toHaveLength(1);
    // The two workers were seen, and none of the processes started outlives the run.
    expect(ran.pids.length).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(ran.pids.filter(alive)).toEqual([]);
  }, 60_000);

  it('a count rule marked abortOnFail is judged on the workers\' summed counts: it stops every worker, status aborted, exit 3', async () => {
    const failing = createServer((req, res) => {
      req.resume();
      res.writeHead(503).end();
    });
    await new Promise<void>((r) => failing.listen(0, '127.0.0.1', r));
    const port = (failing.address() as AddressInfo).port;
    const file = join(dir, 'workers-abort.yaml');
    // Each worker alone stays under the limit for the first 0.3 s; the two together pass it.
    await writeFile(file, `name: workers-abort\ntarget: { kind: http, url: "http://127.0.0.1:${port}/" }\nload:\n${constant(100, '30s')}thresholds:\n  - { rule: "errors.count < 40", abortOnFail: true }\n`);
    const out = join(dir, 'workers-abort');
    const started = Date.now();
    const ran = await coldbench(['run', file, '--workers', '2', '--checkpoint', '0', '--out', out, '--json'], { cwd: dir });
    failing.closeAllConnections();
    await new Promise((r) => failing.close(r));
    expect(ran.code, ran.stderr).toBe(3);
    expect(Date.now() - started).toBeLessThan(20_000);
    const result = JSON.parse(ran.stdout);
    expect(result.status).toBe('aborted');
    expect(result.shards.map((s: { status: string }) => s.status)).toEqual(['aborted', 'aborted']);
    expect(result.counts.errors).toBeGreaterThanOrEqual(40);
    expect(result.counts.sent).toBeLessThan(1000);
    expect(result.thresholds).toEqual([expect.objectContaining({ rule: 'errors.count < 40', pass: false })]);
    expect(result.warnings).toContain('stopped early: threshold "errors.count < 40" failed during the run (abortOnFail)');
  }, 60_000);

  it('a latency rule marked abortOnFail is judged on the workers\' merged shards, at the checkpoint interval', async () => {
    const file = join(dir, 'workers-abort-latency.yaml');
    await writeFile(file, `name: workers-abort-latency\ntarget: { kind: http, url: "${url}" }\nload:\n${constant(200, '30s')}thresholds:\n  - { rule: "all.p50 < 0.001ms", abortOnFail: true }\n`);
    const started = Date.now();
    const ran = await coldbench(['run', file, '--workers', '2', '--checkpoint', '1s', '--out', join(dir, 'workers-abort-latency'), '--json'], { cwd: dir });
    expect(ran.code, ran.stderr).toBe(3);
    expect(Date.now() - started).toBeLessThan(20_000);
    const result = JSON.parse(ran.stdout);
    expect(result.status).toBe('aborted');
    expect(result.counts.sent).toBeLessThan(3000);
    expect(result.warnings).toContain('stopped early: threshold "all.p50 < 0.001ms" failed during the run (abortOnFail)');
  }, 60_000);

  it('a worker killed during the load: the other goes on, and the merged result keeps what the killed one measured up to its last checkpoint', async () => {
    const file = await profile('workers-kill', constant(100, '6s'));
    const out = join(dir, 'workers-kill');
    let killed: number | undefined;
    const ran = await coldbench(['run', file, '--workers', '2', '--checkpoint', '500ms', '--out', out, '--json'], {
      cwd: dir,
      // Three checkpoints' time into the load (it starts a second after the line), the first worker goes without a word.
      onSpawn: (pid, now) => afterLoadStarts(now, 1000 + 1600, () => {
        killed = descendants(pid).find((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('shard-host.js'));
        if (killed !== undefined) process.kill(killed, 'SIGKILL');
      }),
    });
    expect(killed).toBeDefined();
    expect(ran.code, ran.stderr).toBe(1);
    expect(ran.stderr).toMatch(/worker 1\/2 was killed \(SIGKILL\) without a result/);
    const result = JSON.parse(ran.stdout);
    expect(result.status).toBe('partial');
    expect(result.shards.map((s: { index: number; status: string }) => [s.index, s.status])).toEqual([[1, 'partial'], [2, 'completed']]);
    // The other shard sent its whole half (300); the killed one adds what it had sent by its last checkpoint.
    expect(result.counts.sent).toBeGreaterThan(300);
    expect(result.counts.sent).toBeLessThan(600);
    expect(result.warnings.join('\n')).toMatch(/shard 1\/2 is a checkpoint/);
    // The run's checkpoint file went once the result was saved.
    expect((await readdir(out)).filter((f) => f.endsWith('.partial.json'))).toEqual([]);
    expect(await readdir(out)).toHaveLength(1);
  }, 60_000);
});
