import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProfileError, UsageError } from '../../src/errors.js';
import { loadProfile } from '../../src/profile/index.js';
import { plannedCount } from '../../src/schedule/index.js';

const EXAMPLES = resolve(import.meta.dirname, '../../profiles/examples');

describe('example profiles', () => {
  it('loads the HTTP example with every phase shape', async () => {
    const loaded = await loadProfile(join(EXAMPLES, 'http.yaml'), { env: { API_TOKEN: 't0ken' } });
    expect(loaded.file).toBe(join(EXAMPLES, 'http.yaml'));
    expect(loaded.profile.name).toBe('orders-api');
    if (loaded.profile.load.model !== 'open') throw new Error('expected the open model');
    expect(loaded.profile.load.phases.map((phase) => phase.kind)).toEqual(['constant', 'ramp', 'steps', 'sine', 'poisson', 'burst', 'idle']);
    expect(JSON.stringify(loaded.redacted)).not.toContain('t0ken');
  });

  it('loads the local Lambda example, reading its payload file', async () => {
    const loaded = await loadProfile(join(EXAMPLES, 'lambda-local.yaml'), { env: {} });
    expect(loaded.profile.target).toMatchObject({ kind: 'lambda', payload: expect.stringContaining('"sku": 42') as unknown });
    if (loaded.profile.target.kind !== 'lambda') throw new Error('expected lambda');
    expect(loaded.profile.target.local?.baseDir).toBe(EXAMPLES);
    if (loaded.profile.load.model !== 'open') throw new Error('expected the open model');
    expect(plannedCount(loaded.profile.load.phases)).toBe(50);
  });

  it('loads the closed example with defaults from ${VAR:-default}', async () => {
    const loaded = await loadProfile(join(EXAMPLES, 'closed.yaml'), { env: {} });
    expect(loaded.profile.load).toEqual({ model: 'closed', concurrency: 4, iterations: 1000 });
    expect(loaded.profile.target).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json' } });
  });

  it('loads the request mix example with its data file', async () => {
    const loaded = await loadProfile(join(EXAMPLES, 'mix-local.yaml'), { env: {} });
    if (loaded.profile.target.kind !== 'http') throw new Error('expected http');
    expect(loaded.profile.target.requests?.map((r) => [r.name, r.weight, r.method])).toEqual([
      ['browse', 6, 'GET'],
      ['search', 3, 'GET'],
      ['checkout', 1, 'POST'],
    ]);
    expect(loaded.profile.target.sign).toEqual({ service: 'lambda', region: 'us-east-1' });
    expect(loaded.profile.target.local?.emulator.functions.orders?.authType).toBe('AWS_IAM');
    expect(loaded.requests?.plan.data?.rows).toBe(6);
    expect(loaded.requests?.plan.names).toEqual(['browse', 'search', 'checkout']);
    loaded.requests?.plan.close();
  });

  it('fails on the HTTP example without its token, naming the variable', async () => {
    const error = await loadProfile(join(EXAMPLES, 'http.yaml'), { env: {} }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProfileError);
    expect((error as ProfileError).problems).toEqual(['target.headers.authorization: missing environment variable API_TOKEN (line 7)']);
  });
});

describe('loadProfile', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('throws a UsageError with a hint for a missing file or a folder', async () => {
    for (const file of [join(EXAMPLES, 'no-such.yaml'), EXAMPLES]) {
      const error = await loadProfile(file).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).exitCode).toBe(2);
      expect((error as UsageError).hint).toContain('YAML profile');
    }
  });

  it('applies --set and resolves paths against the profile folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coldbench-profile-'));
    dirs.push(dir);
    await writeFile(join(dir, 'event.json'), '{"n":1}');
    await writeFile(join(dir, 'p.yaml'), 'name: p\ntarget: { kind: lambda, function: f, payloadFile: event.json }\nload: { phases: [ burst: { count: 1 } ] }\n');
    const loaded = await loadProfile(join(dir, 'p.yaml'), { env: {}, sets: ['load.phases[0].burst.count=3'] });
    expect(loaded.profile.target).toMatchObject({ payload: '{"n":1}' });
    expect(loaded.profile.load).toMatchObject({ phases: [{ kind: 'burst', count: 3 }] });
  });
});
