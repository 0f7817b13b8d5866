/**
 * Redaction never breaks a result: with a one-letter secret (which occurs in most of coldbench's
 * field names) and a longer one, a run, a run on two workers and a merge by hand each save a
 * result that `report` (every format), `diff` and `merge` read back; the longer secret appears
 * nowhere, and the one-letter one is named in a warning (it cannot be hidden inside text).
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coldbench } from '../helpers/bin.js';
import type { Ran } from '../helpers/bin.js';

const LONG = 'tok-Hid-den61';
const NAME = 'rq-Hid-den62';

let server: Server;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  dir = await mkdtemp(join(tmpdir(), 'coldbench-redact-structure-'));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await writeFile(
    join(dir, 'p.yaml'),
    `name: short
target:
  kind: http
  url: ${url}/
  headers: { x-short: "\${SHORT}", authorization: "Bearer \${LONG}" }
  requests:
    - { name: "\${NAME}", path: /a, weight: 2 }
    - { name: other, path: /b }
load: { phases: [ { constant: { rate: 40, duration: 1s } } ] }
thresholds: [ "errors.count < 1000" ]
`,
  );
  env = { SHORT: 'a', LONG, NAME };
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

async function jsonFiles(folder: string): Promise<string[]> {
  return (await readdir(folder, { recursive: true })).filter((n) => n.endsWith('.json')).map((n) => join(folder, n)).sort();
}

function expectOk(ran: Ran, what: string): void {
  expect(ran.code, `${what}\n${ran.stderr}`).toBe(0);
  expect(ran.stdout + ran.stderr, what).not.toContain(LONG);
}

describe('a short secret does not corrupt the result', () => {
  it('run, run --workers 2 and merge write results that report, diff and merge read back', async () => {
    const single = await coldbench(['run', 'p.yaml', '--out', 'single', '--no-progress'], { cwd: dir, env });
    expectOk(single, 'run');
    expect(single.stderr).toMatch(/warning: the value of \$\{SHORT\} is shorter than 4 characters/);
    const workers = await coldbench(['run', 'p.yaml', '--out', 'workers', '--no-progress', '--workers', '2', '--keep-shards'], { cwd: dir, env });
    expectOk(workers, 'run --workers 2');

    const [result] = await jsonFiles(join(dir, 'single'));
    const shardFiles = (await jsonFiles(join(dir, 'workers'))).filter((f) => /shard/.test(f));
    expect(shardFiles.length, (await jsonFiles(join(dir, 'workers'))).join('\n')).toBe(2);
    const merged = (await jsonFiles(join(dir, 'workers'))).find((f) => !shardFiles.includes(f))!;
    expectOk(await coldbench(['merge', ...shardFiles, '--out', 'by-hand.json'], { cwd: dir }), 'merge');

    for (const file of [result!, merged, join(dir, 'by-hand.json')]) {
      const text = await readFile(file, 'utf8');
      expect(text, file).not.toContain(LONG);
      expect(text, file).not.toContain(NAME);
      const saved = JSON.parse(text) as Record<string, any>;
      expect(saved.latency.all.count, file).toBeGreaterThan(0);
      expect(Object.keys(saved.requests).sort(), file).toEqual(['***', 'other']);
      expect(saved.histograms['requests.***.latency.all'], file).toEqual(expect.any(String));
      expect(saved.profile.target.headers, file).toEqual({ 'x-short': '***', authorization: '***' });
      for (const format of ['table', 'md', 'junit', 'html', 'json']) expectOk(await coldbench(['report', file, '--format', format], { cwd: dir }), `report ${format} ${file}`);
    }
    expectOk(await coldbench(['diff', result!, merged], { cwd: dir }), 'diff');
  }, 90_000);
});
