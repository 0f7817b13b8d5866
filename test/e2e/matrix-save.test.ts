/**
 * A matrix run keeps what it measured when its result folder fails, as a single run does: an
 * unwritable --out is found before anything is sent (exit 2); a folder that fails during the
 * matrix sends every file (the results already written, the rest, and the matrix result) to one
 * temporary folder, named on stderr, and the run exits 1.
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coldbench } from '../helpers/bin.js';
import { folderSwap } from '../helpers/folders.js';
import { writeLocalMatrix } from '../helpers/matrix.js';

let dir: string;
let profile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldbench-matrix-save-'));
  profile = await writeLocalMatrix(dir, 'msave');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** chmod does not stop root from writing. */
const isRoot = process.getuid?.() === 0;

describe('a matrix whose result folder cannot be written', () => {
  it('a file in the way of --out: exit 2 before anything is sent', async () => {
    await writeFile(join(dir, 'a-file'), 'in the way');
    const ran = await coldbench(['run', profile, '--out', join(dir, 'a-file', 'out'), '--no-progress'], { cwd: dir });
    expect(ran.code, ran.stderr).toBe(2);
    expect(ran.stderr).toMatch(/cannot write result files to .*a-file.*a part of the path is a file/);
    expect(ran.stderr).not.toContain('[1/2]');
  });

  it.skipIf(isRoot)('a read-only --out: exit 2 before anything is sent (skipped as root: chmod does not stop root)', async () => {
    const out = join(dir, 'read-only');
    await mkdir(out);
    await chmod(out, 0o555);
    try {
      const ran = await coldbench(['run', profile, '--out', out, '--no-progress'], { cwd: dir });
      expect(ran.code, ran.stderr).toBe(2);
      expect(ran.stderr).toMatch(/cannot write result files to .*read-only.*permission denied/);
      expect(await readdir(out)).toEqual([]);
    } finally {
      await chmod(out, 0o755);
    }
  });

  it('the folder fails between configurations: every file goes to one temporary folder, named, exit 1', async () => {
    const out = join(dir, 'out-moved');
    // The first configuration's result is saved; the folder is then replaced by a file.
    const swap = folderSwap(out, '[2/2]');
    const ran = await coldbench(['run', profile, '--out', out, '--no-progress'], { cwd: dir, onStderr: swap.onStderr });
    expect(swap.done).toBe(true);
    expect(ran.code, ran.stderr).toBe(1);
    const match = /could not save the results in \S*out-moved \((.+?)\); the matrix result and every configuration result were saved in (\S+) instead/.exec(ran.stderr);
    expect(match, ran.stderr).not.toBeNull();
    expect(match![1]).toBe('a file is in the way of the folder');
    const folder = match![2]!;
    try {
      expect(ran.stdout).toMatch(/msave/); // the comparison is still printed
      const names = await readdir(folder);
      const matrixFile = names.find((n) => n.includes('-matrix-'));
      expect(matrixFile, names.join(', ')).toBeDefined();
      const matrix = JSON.parse(await readFile(join(folder, matrixFile!), 'utf8')) as { configurations: { runs: { file: string | null }[] }[] };
      const files = matrix.configurations.flatMap((c) => c.runs.map((r) => r.file));
      expect(files).toHaveLength(2);
      for (const file of files) {
        expect(names).toContain(file);
        const result = JSON.parse(await readFile(join(folder, file!), 'utf8')) as { status: string; counts: { sent: number } };
        expect(result).toMatchObject({ status: 'completed', counts: { sent: 6 } });
        expect((await coldbench(['report', join(folder, file!)], { cwd: dir })).code).toBe(0);
      }
      expect((await coldbench(['report', join(folder, matrixFile!)], { cwd: dir })).code).toBe(0);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }, 90_000);
});
