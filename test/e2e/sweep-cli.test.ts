/**
 * `coldbench sweep idle` through the real binary on the built-in emulator: a fixed idle timeout
 * recovered exactly, Ctrl-C during the longest gap (exit 130, the gaps measured so far saved),
 * the HTML report; then, in this process, `report` on the sweep result and the refusals (exit 2).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/cli/commands/report.js';
import { sweepIdleCommand } from '../../src/cli/commands/sweep.js';
import type { SweepFlags } from '../../src/cli/commands/sweep.js';
import { Output } from '../../src/cli/output.js';
import { coldbench } from '../helpers/bin.js';
import { folderSwap } from '../helpers/folders.js';
import type { Ran } from '../helpers/bin.js';

const ROOT = resolve(import.meta.dirname, '../..');
const quiet = new Output({ json: false, quiet: true });

let dir: string;
let profile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldbench-sweep-'));
  profile = join(dir, 'sweep.yaml');
  await writeFile(profile, `name: fixed
target:
  kind: lambda
  function: hello
  local:
    functions:
      hello:
        handler: ${join(ROOT, 'profiles/functions/hello')}.handler
        idleTimeout: 1500ms
        environment: { WORK_MS: "300" }
load: { phases: [ burst: { count: 1 } ] }
`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('coldbench sweep idle', () => {
  let ran: Ran;
  let saved: Record<string, unknown> & { gaps: { gapMs: number; status: string; pCold: number | null; newEnvironments: number; classified: number }[]; keepAlive: { estimateMs: number; lowMs: number; highMs: number } };

  beforeAll(async () => {
    const out = join(dir, 'out');
    // The 30 s gap starts first and is still waiting when the four short ones are done: Ctrl-C then.
    let signalled = false;
    ran = await coldbench(['sweep', 'idle', profile, '--gaps', '600ms,900ms,2100ms,2400ms,30s', '--samples', '5', '--out', out, '--html', join(dir, 'sweep.html')], {
      cwd: dir,
      timeoutMs: 60_000,
      onStderr: (text, child) => {
        if (!signalled && (text.match(/^gap .* cold$/gm) ?? []).length === 4) {
          signalled = true;
          child.kill('SIGINT');
        }
      },
    });
    const files = (await readdir(out)).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    saved = JSON.parse(await readFile(join(out, files[0]!), 'utf8'));
  }, 60_000);

  it('prints the expected time and cost before it starts', () => {
    expect(ran.stderr).toContain('sweep: 5 gaps x 5 samples on 5 functions; expected to take about 30s');
    expect(ran.stderr).toMatch(/cost: 75 invocations \(\$[\d.]+ in requests\), at most [\d.]+ GB-s if every invocation ran to its timeout/);
  });

  it('exits 130 on Ctrl-C and saves the gaps it measured', () => {
    expect(ran.code).toBe(130);
    expect(saved.status).toBe('interrupted');
    expect(saved.gaps.map((g) => [g.gapMs, g.status])).toEqual([[600, 'measured'], [900, 'measured'], [2100, 'measured'], [2400, 'measured'], [30_000, 'interrupted']]);
  });

  it('recovers a fixed idle timeout exactly: all warm before it, all cold after it', () => {
    expect(saved.gaps.slice(0, 4).map((g) => [g.newEnvironments, g.classified])).toEqual([[0, 5], [0, 5], [5, 5], [5, 5]]);
    // Halfway between 900 ms and 2100 ms, on the straight line between them.
    expect(saved.keepAlive.estimateMs).toBe(1500);
    expect(saved.keepAlive.lowMs).toBeGreaterThan(900);
    expect(saved.keepAlive.lowMs).toBeLessThan(1500);
    expect(saved.keepAlive.highMs).toBeGreaterThan(1500);
    expect(saved.keepAlive.highMs).toBeLessThan(2100);
    expect(ran.stdout).toContain('keep-alive (P(cold) = 50%): 1.5s');
  });

  it('writes the HTML report with the keep-alive chart', async () => {
    const html = await readFile(join(dir, 'sweep.html'), 'utf8');
    expect(html).toContain('<title>coldbench sweep: fixed</title>');
    expect(html).toContain('chart-sweep-curve');
  });

  it('renders the saved sweep with `report`, in every format but junit', async () => {
    const file = join(dir, 'out', (await readdir(join(dir, 'out'))).find((f) => f.endsWith('.json'))!);
    const written = join(dir, 'report.md');
    expect(await reportCommand(file, { format: 'md', output: written }, quiet)).toBe(0);
    expect(await readFile(written, 'utf8')).toContain('keep-alive (P(cold) = 50%): 1.5s');
    await expect(reportCommand(file, { format: 'junit' }, quiet)).rejects.toMatchObject({ exitCode: 2, message: 'a sweep result has no thresholds to write as JUnit' });
  });
});

describe('coldbench sweep idle, its result folder', () => {
  it('gone when the sweep ends: the result is saved in a temporary folder, named, exit 1', async () => {
    const out = join(dir, 'out-moved');
    // Once the sweep has started, the folder is replaced by a file: the final save must fail there.
    const swap = folderSwap(out, 'expected to take about');
    const ran = await coldbench(['sweep', 'idle', profile, '--gaps', '600ms', '--samples', '2', '--out', out], { cwd: dir, timeoutMs: 60_000, onStderr: swap.onStderr });
    expect(swap.done).toBe(true);
    expect(ran.code, ran.stderr).toBe(1);
    const match = /it was saved in (\S+\.json) instead/.exec(ran.stderr);
    expect(match, ran.stderr).not.toBeNull();
    expect(ran.stderr).toContain(`could not save the sweep result in ${out} (a file is in the way of the folder)`);
    expect(JSON.parse(await readFile(match![1]!, 'utf8'))).toMatchObject({ kind: 'sweep', status: 'completed' });
    expect(ran.stdout).toContain('keep-alive');
    await rm(dirname(match![1]!), { recursive: true, force: true });
  }, 60_000);

  it('one that cannot be written: exit 2 before anything is invoked', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, 'not a folder');
    const flags: SweepFlags = { gaps: '1m', samples: 5, confidence: 0.95, yes: false, out: join(blocker, 'results'), set: [], json: false, quiet: true, save: true };
    await expect(sweepIdleCommand(profile, flags, quiet)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('cannot write result files to') as unknown });
  });
});

describe('coldbench sweep idle refuses, with exit 2', () => {
  const flags = (over: Partial<SweepFlags>): SweepFlags => ({ gaps: '1m', samples: 5, confidence: 0.95, yes: false, out: join(dir, 'never'), set: [], json: false, quiet: true, save: false, ...over });

  it.each([
    [{ gaps: '5m,1m' }, '--gaps must increase: 1m comes after 5m'],
    [{ gaps: '5m,soon' }, '--gaps: "soon" is not a duration'],
    [{ gaps: '1h,25h' }, 'this sweep would take about 25h: more than 24 h'],
    [{ samples: 0 }, '--samples must be a whole number >= 1'],
  ])('%j', async (over, message) => {
    await expect(sweepIdleCommand(profile, flags(over), quiet)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining(message) as unknown });
  });

  it('no gaps, and gaps from the profile\'s sweep section that would take too long', async () => {
    await expect(sweepIdleCommand(profile, flags({ gaps: undefined }), quiet)).rejects.toMatchObject({ exitCode: 2, message: 'no gaps to measure' });
    const long = join(dir, 'long.yaml');
    await writeFile(long, `${(await readFile(profile, 'utf8'))}sweep: { gaps: [1h, 25h], samples: 3 }\n`);
    await expect(sweepIdleCommand(long, flags({ gaps: undefined, samples: undefined }), quiet)).rejects.toMatchObject({ exitCode: 2, message: 'this sweep would take about 25h: more than 24 h' });
    const down = join(dir, 'down.yaml');
    await writeFile(down, `${(await readFile(profile, 'utf8'))}sweep: { gaps: [5m, 1m] }\n`);
    await expect(sweepIdleCommand(down, flags({ gaps: undefined }), quiet)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('sweep.gaps[1]: expected gaps in increasing order') as unknown });
  });

  it('a profile whose target is not a Lambda function', async () => {
    const http = join(dir, 'http.yaml');
    await writeFile(http, 'name: h\ntarget: { kind: http, url: "http://127.0.0.1:9/" }\nload: { phases: [ burst: { count: 1 } ] }\n');
    await expect(sweepIdleCommand(http, flags({}), quiet)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('a sweep invokes a Lambda function directly') as unknown });
  });
});
