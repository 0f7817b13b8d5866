/**
 * Before any test: dist/ must be built from the current src/, since the end-to-end tests run the
 * binary and the emulator runs its Node runtime from dist/. `npm test` builds first; a run of
 * vitest alone after an edit rebuilds here, and stops with the compiler's errors if that fails.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { staleOutputs } from './helpers/dist-check.js';

export default function setup(): void {
  const root = resolve(import.meta.dirname, '..');
  const src = resolve(root, 'src');
  const dist = resolve(root, 'dist');
  const stale = staleOutputs(src, dist);
  if (stale.length === 0) return;
  process.stderr.write(`dist/ is older than ${stale.length} source file(s) (${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', ...' : ''}): building\n`);
  try {
    execFileSync(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', resolve(root, 'tsconfig.json')], { cwd: root, stdio: 'pipe' });
  } catch (err) {
    const output = (err as { stdout?: Buffer }).stdout?.toString() ?? String(err);
    throw new Error(`dist/ is stale and the build failed, so the tests would run old code:\n${output}`);
  }
  const still = staleOutputs(src, dist);
  if (still.length > 0) throw new Error(`dist/ is still older than ${still.join(', ')} after a build`);
}
