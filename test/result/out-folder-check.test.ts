/**
 * The result folder is checked before the load: `--out` names a folder, and a name that looks
 * like a result file is refused before anything is sent rather than made into a folder.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { checkResultFolder } from '../../src/result/save.js';

let root: string | undefined;
afterEach(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
  root = undefined;
});
const scratch = (): string => (root = mkdtempSync(join(tmpdir(), 'coldbench-out-')));

describe('checkResultFolder', () => {
  it('refuses a folder not there yet named like a result file, and creates nothing', async () => {
    const out = join(scratch(), 'result.JSON');
    const err = await checkResultFolder(out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toContain(`--out takes a folder, and ${out} looks like a file name`);
    expect((err as UsageError).hint).toContain('--json >');
    expect(existsSync(out)).toBe(false);
  });

  it('takes a folder that already exists whatever its name, and creates one with an ordinary name', async () => {
    const named = join(scratch(), 'archive.json');
    mkdirSync(named);
    await expect(checkResultFolder(named)).resolves.toBeUndefined();
    const fresh = join(root!, 'results', 'today');
    await checkResultFolder(fresh);
    expect(existsSync(fresh)).toBe(true);
  });
});
