/**
 * Tests that run the built code (the binary, the emulator's Node runtime) read dist/. A source
 * file changed since the last build would be tested in its old form without anyone noticing:
 * staleOutputs() lists the sources whose compiled file is missing or older than they are.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** src/a/b.ts -> dist/a/b.js, .cts -> .cjs, .mts -> .mjs; declaration files have none. */
export function outputOf(srcDir: string, distDir: string, source: string): string | undefined {
  if (source.endsWith('.d.ts')) return undefined;
  const rel = relative(srcDir, source);
  const out = rel.replace(/\.cts$/, '.cjs').replace(/\.mts$/, '.mjs').replace(/\.ts$/, '.js');
  return out === rel ? undefined : join(distDir, out);
}

/** Sources (relative to srcDir) whose output is missing or older than the source. */
export function staleOutputs(srcDir: string, distDir: string): string[] {
  const stale: string[] = [];
  for (const name of readdirSync(srcDir, { recursive: true }) as string[]) {
    const source = join(srcDir, name);
    const output = outputOf(srcDir, distDir, source);
    if (output === undefined || !statSync(source).isFile()) continue;
    if (!existsSync(output) || statSync(output).mtimeMs < statSync(source).mtimeMs) stale.push(name);
  }
  return stale.sort();
}
