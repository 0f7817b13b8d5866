/** The check that keeps the tests off a stale dist/ (test/global-setup.ts). */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { staleOutputs } from './helpers/dist-check.js';

const root = mkdtempSync(join(tmpdir(), 'coldbench-dist-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(path: string, ageS: number): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '');
  const t = Date.now() / 1000 - ageS;
  utimesSync(path, t, t);
}

describe('staleOutputs', () => {
  it('lists sources newer than their output or without one, .cts included', () => {
    const src = join(root, 'src');
    const dist = join(root, 'dist');
    file(join(src, 'fresh.ts'), 100);
    file(join(dist, 'fresh.js'), 50);
    file(join(src, 'emulator/runtime/node-runtime.cts'), 10);
    file(join(dist, 'emulator/runtime/node-runtime.cjs'), 100);
    file(join(src, 'new.ts'), 10);
    file(join(src, 'types.d.ts'), 10);
    expect(staleOutputs(src, dist)).toEqual(['emulator/runtime/node-runtime.cts', 'new.ts']);
  });
});
