/**
 * What a run promises about its result, through the real binary: it fails before sending when it
 * could not save (exit 2, nothing sent); a result that cannot go where it was asked goes to a
 * temporary folder (exit 1, named); a run killed with SIGKILL leaves a checkpoint that report and
 * diff read and call partial; a run that ends removes its checkpoint.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profilesDir } from '../emulator/helpers.js';
import { coldbench } from '../helpers/bin.js';
import { folderSwap } from '../helpers/folders.js';

let server: Server;
let url: string;
let dir: string;
let requests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  dir = await mkdtemp(join(tmpdir(), 'coldbench-reliability-'));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

/** Kills the run with SIGKILL once its checkpoint in `out` satisfies `ready`. */
function killOnCheckpoint(child: ChildProcess, out: string, ready: (r: { counts?: { sent: number }; shards?: unknown[] }) => boolean): void {
  const poll = setInterval(async () => {
    const files = await readdir(out).catch(() => [] as string[]);
    const partial = files.find((f) => f.endsWith('.partial.json'));
    if (partial === undefined) return;
    if (ready(JSON.parse(await readFile(join(out, partial), 'utf8').catch(() => '{}')))) {
      clearInterval(poll);
      child.kill('SIGKILL');
    }
  }, 100);
  child.on('close', () => clearInterval(poll));
}

async function profile(name: string, seconds: number, rate = 50): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, `name: ${name}\ntarget: { kind: http, url: "${url}" }\nload: { phases: [ { constant: { rate: ${rate}, duration: ${seconds}s } } ] }\n`);
  return file;
}

describe('before the load', () => {
  it('an --out folder that cannot be created: exit 2, nothing sent, the reason and a hint', async () => {
    const file = await profile('unwritable', 2);
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, 'not a folder');
    requests = 0;
    const ran = await coldbench(['run', file, '--out', join(blocker, 'results')], { cwd: dir });
    expect(ran.code).toBe(2);
    expect(requests).toBe(0);
    expect(ran.stderr).toMatch(/cannot write result files to .*a part of the path is a file/);
    expect(ran.stderr).toMatch(/hint: nothing was sent; pass a writable folder with --out DIR/);
    expect(ran.stderr).not.toContain('internal error');
  });

  it('an --out named like a result file: exit 2, nothing sent, no folder of that name, the way to name the file', async () => {
    const file = await profile('file-named', 2);
    const out = join(dir, 'result.json');
    requests = 0;
    const ran = await coldbench(['run', file, '--out', out], { cwd: dir });
    expect(ran.code).toBe(2);
    expect(requests).toBe(0);
    expect(ran.stderr).toContain(`--out takes a folder, and ${out} looks like a file name`);
    expect(ran.stderr).toContain(`hint: nothing was sent; pass the folder, e.g. --out ${dir}; to write the result to a file of your choosing, use --json > ${out}`);
    expect(existsSync(out)).toBe(false);
  });

  it('a local function whose handler file is missing: exit 2 before the emulator starts', async () => {
    const file = join(dir, 'nohandler.yaml');
    await writeFile(file, `name: nohandler
target:
  kind: lambda
  function: f
  local: { functions: { f: { handler: missing/app.handler } } }
load: { model: closed, concurrency: 1, iterations: 1 }
`);
    const ran = await coldbench(['run', file, '--out', join(dir, 'out-nohandler')], { cwd: dir });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/target\.local\.functions\.f\.handler: no readable file .*missing\/app\.js/);
    expect(ran.stderr).not.toContain('starting the local Lambda emulator');
  });
});

describe('ports', () => {
  it('the emulator on a port already in use: exit 2 with a hint, not an internal error', async () => {
    const ran = await coldbench(['emulator', resolve(import.meta.dirname, '../../profiles/quickstart.yaml'), '--port', String((server.address() as AddressInfo).port)], { cwd: dir, timeoutMs: 20_000 });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/port \d+ on 127\.0\.0\.1 is already in use/);
    expect(ran.stderr).not.toContain('internal error');
  });
});

describe('after the load', () => {
  it('the folder asked for is gone when the run ends: the result is saved in a temporary folder, named, exit 1', async () => {
    const file = await profile('moved', 5);
    const out = join(dir, 'out-moved');
    // Once the load runs, the folder is replaced by a file: the final save must fail there.
    const swap = folderSwap(out, 'opening');
    const ran = await coldbench(['run', file, '--out', out, '--no-progress'], { cwd: dir, onStderr: swap.onStderr });
    expect(swap.done).toBe(true);
    expect(ran.code).toBe(1);
    const match = /it was saved in (\S+\.json) instead/.exec(ran.stderr);
    expect(match, ran.stderr).not.toBeNull();
    const saved = JSON.parse(await readFile(match![1]!, 'utf8'));
    expect(saved).toMatchObject({ name: 'moved', status: 'completed', counts: { sent: 250 } });
    expect(ran.stderr).toMatch(/could not save the result in .*out-moved/);
    expect(ran.stdout).toMatch(/moved: completed/); // the summary is still printed
    await rm(join(match![1]!, '..'), { recursive: true, force: true });
  });

  it('--workers 2 --keep-shards, the folder gone when the run ends: the shards and the merged result go to one temporary folder, exit 1', async () => {
    const file = await profile('wmoved', 2, 40);
    const out = join(dir, 'out-wmoved');
    const swap = folderSwap(out, 'are ready');
    const ran = await coldbench(['run', file, '--out', out, '--no-progress', '--workers', '2', '--keep-shards'], { cwd: dir, onStderr: swap.onStderr });
    expect(swap.done).toBe(true);
    expect(ran.code, ran.stderr).toBe(1);
    const match = /could not save the result in \S*out-wmoved \(a file is in the way of the folder\); it was saved in (\S+\.json) instead/.exec(ran.stderr);
    expect(match, ran.stderr).not.toBeNull();
    const folder = join(match![1]!, '..');
    try {
      const names = await readdir(folder);
      expect(names.filter((n) => /shard\dof2/.test(n))).toHaveLength(2);
      const merged = JSON.parse(await readFile(match![1]!, 'utf8'));
      expect(merged).toMatchObject({ name: 'wmoved', counts: { sent: 80 } });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('checkpoints', () => {
  it('a run killed with SIGKILL leaves a partial result that report and diff read and name', async () => {
    const file = await profile('killed', 60);
    const out = join(dir, 'out-killed');
    const started = Date.now();
    const ran = await coldbench(['run', file, '--out', out, '--checkpoint', '500ms', '--no-progress'], {
      cwd: dir,
      onSpawn: (child) => killOnCheckpoint(child, out, (r) => (r.counts?.sent ?? 0) >= 100),
    });
    expect(ran.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeLessThan(30_000);
    const files = await readdir(out);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const partial = files.filter((f) => f.endsWith('.partial.json'));
    expect(partial).toHaveLength(1);
    expect(partial[0]).toMatch(/^killed-\d{8}T\d{6}Z\.partial\.json$/);
    const result = JSON.parse(await readFile(join(out, partial[0]!), 'utf8'));
    expect(result.status).toBe('partial');
    expect(result.counts.sent).toBeGreaterThanOrEqual(100);
    expect(result.counts.planned).toBeLessThan(3000);
    expect(Date.parse(result.endedAt)).toBeGreaterThan(Date.parse(result.startedAt));
    expect(result.warnings[0]).toMatch(/checkpoint of a run that had not ended/);

    const report = await coldbench(['report', join(out, partial[0]!)], { cwd: dir });
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/killed: partial in/);
    expect(report.stdout).toMatch(/checkpoint of a run that had not ended/);

    const diff = await coldbench(['diff', join(out, partial[0]!), join(out, partial[0]!)], { cwd: dir });
    expect(diff.code).toBe(0);
    expect(diff.stdout + diff.stderr).toMatch(/is a checkpoint of a run that never ended \(status partial/);

    // In a folder, checkpoints are not pooled with whole runs without a word.
    const folder = await coldbench(['diff', out, out], { cwd: dir });
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/only checkpoints of runs that never ended/);
  });

  it('a run reading its starts from the logs, killed with SIGKILL: the checkpoint counts the requests still waiting for their line unknown, and the emulator it started ends quietly', async () => {
    const file = join(dir, 'killed-logs.yaml');
    await writeFile(file, `name: killed-logs
target:
  kind: http
  url: /hello
  coldStart: { logs: { wait: 30s, poll: 300ms } }
  local:
    front: function-url
    function: hello
    functions:
      hello: { handler: ${join(profilesDir, 'functions/hello.handler')}, concurrency: 8, logDelay: 3s }
load: { phases: [ { constant: { rate: 20, duration: 60s } } ] }
`);
    const out = join(dir, 'out-killed-logs');
    const ran = await coldbench(['run', file, '--out', out, '--checkpoint', '500ms', '--no-progress'], {
      cwd: dir,
      onSpawn: (child) => killOnCheckpoint(child, out, (r) => (r.counts?.sent ?? 0) >= 80),
    });
    expect(ran.signal).toBe('SIGKILL');
    // The emulator's process outlives its parent by a moment, and says nothing on the way out.
    expect(ran.stderr).not.toMatch(/Error|ERR_|at /);
    const partial = (await readdir(out)).find((f) => f.endsWith('.partial.json'));
    const result = JSON.parse(await readFile(join(out, partial!), 'utf8'));
    const c = result.counts;
    // Lines come 3 s after the invocation: the last seconds' requests were waiting for theirs.
    const waiting = result.startReasons.unknown['CloudWatch Logs: line not read yet when the checkpoint was written'];
    expect(waiting).toBeGreaterThan(0);
    expect(c.warm + c.cold + c.proactive + c.unknown).toBe(c.ok + c.errors);
    expect(c.unknown).toBe(waiting);
    expect(result.warnings.join('\n')).toMatch(new RegExp(`${waiting} requests? (was|were) still waiting for (its line|their lines) in the function's logs`));
  }, 60_000);

  it('a run that ends removes its checkpoint; --checkpoint 0 writes none', async () => {
    for (const every of ['200ms', '0']) {
      const file = await profile(`ends-${every === '0' ? 'off' : 'on'}`, 1);
      const out = join(dir, `out-ends-${every}`);
      await mkdir(out, { recursive: true });
      const seen = new Set<string>();
      const poll = setInterval(() => void readdir(out).then((fs) => fs.forEach((f) => seen.add(f))), 50);
      const ran = await coldbench(['run', file, '--out', out, '--checkpoint', every, '--no-progress'], { cwd: dir });
      clearInterval(poll);
      expect(ran.code).toBe(0);
      const files = await readdir(out);
      expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(1);
      expect(files.some((f) => f.endsWith('.partial.json'))).toBe(false);
      expect([...seen].some((f) => f.endsWith('.partial.json'))).toBe(every !== '0');
    }
  });

  it('--workers 2 killed with SIGKILL leaves one checkpoint: the workers\' shards so far, merged', async () => {
    const file = await profile('killed-workers', 60, 100);
    const out = join(dir, 'out-killed-workers');
    const ran = await coldbench(['run', file, '--out', out, '--checkpoint', '500ms', '--no-progress', '--workers', '2'], {
      cwd: dir,
      onSpawn: (child) => killOnCheckpoint(child, out, (r) => (r.counts?.sent ?? 0) >= 200 && r.shards?.length === 2),
    });
    expect(ran.signal).toBe('SIGKILL');
    const files = await readdir(out);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const partial = files.filter((f) => f.endsWith('.partial.json'));
    expect(partial).toHaveLength(1);
    expect(partial[0]).toMatch(/^killed-workers-\d{8}T\d{6}Z\.partial\.json$/);
    const result = JSON.parse(await readFile(join(out, partial[0]!), 'utf8'));
    expect(result.status).toBe('partial');
    expect(result.thresholds).toEqual([]);
    expect(result.warnings[0]).toMatch(/checkpoint of a run that had not ended/);
    expect(result.shards.map((s: { index: number; status: string }) => [s.index, s.status])).toEqual([[1, 'partial'], [2, 'partial']]);
    // Each worker sends half the rate: both halves are in the merged counts.
    expect(result.counts.sent).toBeGreaterThanOrEqual(200);
    expect(result.counts.ok + result.counts.abandoned).toBe(result.counts.sent);
    const report = await coldbench(['report', join(out, partial[0]!)], { cwd: dir });
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/killed-workers: partial in/);
  }, 60_000);

  it('a --workers run that ends removes its checkpoint', async () => {
    const file = await profile('ends-workers', 3, 100);
    const out = join(dir, 'out-ends-workers');
    await mkdir(out, { recursive: true });
    const seen = new Set<string>();
    const poll = setInterval(() => void readdir(out).then((fs) => fs.forEach((f) => seen.add(f))), 50);
    const ran = await coldbench(['run', file, '--out', out, '--checkpoint', '500ms', '--no-progress', '--workers', '2'], { cwd: dir });
    clearInterval(poll);
    expect(ran.code).toBe(0);
    const files = await readdir(out);
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(1);
    expect(files.some((f) => f.endsWith('.partial.json'))).toBe(false);
    expect([...seen].some((f) => f.endsWith('.partial.json'))).toBe(true);
  }, 60_000);

  it('a bad --checkpoint is bad usage', async () => {
    const ran = await coldbench(['run', await profile('badcp', 1), '--checkpoint', 'often'], { cwd: dir });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/--checkpoint: expected a duration/);
  });
});
