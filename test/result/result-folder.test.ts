/**
 * ResultFolder: the files of one run stay together. A write that fails in the folder asked for
 * (here a full disk) moves the run to one temporary folder, the files already written included.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultFolder } from '../../src/result/save.js';

let asked: string;

beforeAll(async () => {
  asked = await mkdtemp(join(tmpdir(), 'coldbench-result-folder-'));
});

afterAll(async () => {
  await rm(asked, { recursive: true, force: true });
});

/** Writes `name` in a folder; in `failIn`, fails as a full disk does. */
function writer(name: string, failIn: () => string | undefined) {
  return async (dir: string): Promise<string> => {
    if (dir === failIn()) throw Object.assign(new Error(`ENOSPC: no space left on device, open '${name}'`), { code: 'ENOSPC' });
    await writeFile(join(dir, name), name);
    return join(dir, name);
  };
}

describe('ResultFolder', () => {
  it('moves every file to one temporary folder at the first failure, and says why', async () => {
    let full: string | undefined;
    const folder = new ResultFolder(asked);
    const first = await folder.write(writer('one.json', () => full));
    expect(first.file).toBe(join(asked, 'one.json'));
    full = asked;
    const second = await folder.write(writer('two.json', () => full));
    const third = await folder.write(writer('three.json', () => full));
    const moved = dirname(second.file);
    try {
      expect(moved).not.toBe(asked);
      expect(folder.fallback).toEqual({ folder: asked, error: 'no space left on the device', savedIn: moved });
      // The file written before the failure was written again beside the others.
      expect(first.file).toBe(join(moved, 'one.json'));
      expect(dirname(third.file)).toBe(moved);
      expect((await readdir(moved)).sort()).toEqual(['one.json', 'three.json', 'two.json']);
      expect(await readFile(first.file, 'utf8')).toBe('one.json');
    } finally {
      await rm(moved, { recursive: true, force: true });
    }
  });

  it('throws, naming both reasons, when the temporary folder fails too', async () => {
    const folder = new ResultFolder(asked);
    const always = async (dir: string): Promise<string> => {
      throw Object.assign(new Error(`EACCES ${basename(dir)}`), { code: 'EACCES' });
    };
    await expect(folder.write(always)).rejects.toThrow(/could not save in .* \(permission denied\) nor in a temporary folder \(permission denied\)/);
    expect(folder.fallback).toBeUndefined();
  });
});
