/**
 * Every profile shipped in profiles/ loads and validates (what `coldbench validate` checks), and
 * every local function it defines points at a handler file that exists. The README's quick
 * start, `coldbench run profiles/quickstart.yaml`, runs through the binary and shows what the
 * README says it shows: cold starts with their init, warm invokes, and throttles.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/profile/index.js';
import { coldbench } from '../helpers/bin.js';

const PROFILES = resolve(import.meta.dirname, '../../profiles');
/** Variables the shipped examples ask for without a default. */
const ENV = { API_TOKEN: 'example-token' };

async function shipped(): Promise<string[]> {
  const names = await readdir(PROFILES, { recursive: true });
  return names.filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort();
}

describe('shipped profiles', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('finds the profiles the README and docs name', async () => {
    expect(await shipped()).toEqual(expect.arrayContaining(['quickstart.yaml', 'matrix-local.yaml', 'aws-example.yaml', 'local-errors.yaml', 'examples/http.yaml']));
  });

  it('every one validates, and its local functions have handler files', async () => {
    for (const name of await shipped()) {
      const loaded = await loadProfile(join(PROFILES, name), { env: ENV }).catch((err: unknown) => {
        throw new Error(`${name}: ${(err as Error).message}\n${((err as { problems?: string[] }).problems ?? []).join('\n')}`);
      });
      const target = loaded.profile.target;
      if (target.kind !== 'lambda' || target.local === undefined) continue;
      for (const [fn, config] of Object.entries(target.local.functions)) {
        const file = config.bootstrap ?? config.handler.slice(0, config.handler.lastIndexOf('.'));
        const base = resolve(target.local.baseDir, file);
        const found = config.bootstrap !== undefined ? [base] : ['.mjs', '.js', '.cjs'].map((ext) => base + ext);
        expect(found.some((f) => existsSync(f)), `${name}: function ${fn} (${found.join(', ')})`).toBe(true);
      }
    }
  });

  it('the quick start runs and shows cold starts, warm invokes and throttles', async () => {
    const out = await mkdtemp(join(tmpdir(), 'coldbench-quickstart-'));
    dirs.push(out);
    const ran = await coldbench(['run', join(PROFILES, 'quickstart.yaml'), '--out', out, '--no-progress'], { cwd: dirname(PROFILES) });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/cold starts/);
    const [file] = await readdir(out);
    const result = JSON.parse(await readFile(join(out, file!), 'utf8'));
    // The first invoke, the burst wider than the warm pool and the first after the idle gap.
    expect(result.counts.cold).toBeGreaterThanOrEqual(3);
    expect(result.counts.warm).toBeGreaterThan(result.counts.cold);
    expect(result.init.min).toBeGreaterThanOrEqual(150);
    expect(result.throttles.ReservedFunctionConcurrentInvocationLimitExceeded).toBeGreaterThan(0);
    expect(result.counts.errors).toBe(0);
  }, 60_000);
});
