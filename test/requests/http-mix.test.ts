/**
 * A mixed, data-driven, templated HTTP profile against a loopback server that records what
 * arrived: every row is sent, in order for `sequential`, each request's templates filled in, and
 * the result breaks the run down by request name. Bad data or templates stop the profile before
 * anything is sent.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfileError } from '../../src/errors.js';
import { loadProfile } from '../../src/profile/index.js';
import { runProfile } from '../../src/run/run-profile.js';
import { renderSummary } from '../../src/report/summary.js';
import type { Result } from '../../src/result/result.js';
import { coldbench } from '../helpers/bin.js';

interface Arrival {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let dir: string;
let url: string;
const arrivals: Arrival[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    arrivals.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    // Checkouts of odd quantities fail, so errors show up under their request name.
    const failed = req.url === '/api/orders' && JSON.parse(body).qty % 2 === 1;
    res.writeHead(failed ? 500 : 200, { 'content-type': 'text/plain' }).end('ok');
  });
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldbench-mix-'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const rows = Array.from({ length: 40 }, (_, i) => `user-${i},sku/${i},${(i % 4) + 1}`);
  await writeFile(join(dir, 'users.csv'), `user,sku,qty\n${rows.join('\n')}\n`);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function profile(name: string, body: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, body);
  return file;
}

const MIX = (order: string, load: string) => `name: mix
target:
  kind: http
  url: URL/api
  headers: { x-token: "{{env.MIX_TOKEN}}" }
  data: { file: users.csv, order: ${order} }
  seed: 3
  requests:
    - { name: browse, weight: 3, method: GET, path: "/items/{{row.sku}}?n={{seq}}" }
    - name: checkout
      method: POST
      path: /orders
      headers: { x-request: "{{uuid}}" }
      body: { user: "{{row.user}}", qty: "{{row.qty}}", pick: "{{randomInt 1 5}}", note: "seq {{seq}}" }
load:
${load}
`;

describe('a mixed, templated, data-driven HTTP run', () => {
  it('sends every row once, in order, with each request filled in, and stops when they run out', async () => {
    arrivals.length = 0;
    const file = await profile('once', MIX('once', '  model: closed\n  concurrency: 1\n  iterations: 1000').replace('URL', url));
    const loaded = await loadProfile(file, { env: { MIX_TOKEN: 's3cret' } });
    const result = await runProfile(loaded);

    expect(arrivals).toHaveLength(40);
    const users = arrivals.map((a) => (a.method === 'GET' ? /sku%2F(\d+)/.exec(a.url)![1] : String(JSON.parse(a.body).user).slice(5)));
    expect(users).toEqual(Array.from({ length: 40 }, (_, i) => String(i)));
    arrivals.forEach((a, seq) => {
      expect(a.headers['x-token']).toBe('s3cret');
      if (a.method === 'GET') {
        expect(a.url).toBe(`/api/items/sku%2F${seq}?n=${seq}`);
      } else {
        expect(a.url).toBe('/api/orders');
        expect(a.headers['content-type']).toBe('application/json');
        expect(a.headers['x-request']).toMatch(/^[0-9a-f-]{36}$/);
        const body = JSON.parse(a.body) as { user: string; qty: string; pick: number; note: string };
        expect(body).toMatchObject({ user: `user-${seq}`, qty: String((seq % 4) + 1), note: `seq ${seq}` });
        expect(body.pick).toBeGreaterThanOrEqual(1);
        expect(body.pick).toBeLessThanOrEqual(5);
      }
    });
    const browse = arrivals.filter((a) => a.method === 'GET').length;
    expect(browse).toBeGreaterThan(20); // weight 3 of 4: 30 expected of 40

    expect(result.data).toMatchObject({ file: 'users.csv', format: 'csv', order: 'once', rows: 40, exhausted: true });
    expect(result.warnings.some((w) => w.includes('rows ran out'))).toBe(true);
    expect(result.counts.sent).toBe(40);
    const checkouts = 40 - browse;
    expect(result.requests?.browse?.counts).toMatchObject({ completed: browse, ok: browse, errors: 0 });
    const failed = arrivals.filter((a) => a.method === 'POST' && Number(JSON.parse(a.body).qty) % 2 === 1).length;
    expect(result.requests?.checkout?.counts).toMatchObject({ completed: checkouts, errors: failed, ok: checkouts - failed });
    expect(result.requests?.checkout?.errors).toEqual({ 'http-5xx': failed });
    expect(result.requests?.browse?.latency.all.count).toBe(browse);
    expect(Object.keys(result.histograms)).toEqual(expect.arrayContaining(['requests.browse.latency.all', 'requests.checkout.latency.warm', 'requests.checkout.latency.cold']));
    const schema = JSON.parse(await readFile(resolve(import.meta.dirname, '../../docs/result.schema.json'), 'utf8')) as object;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    ajv.validate(schema, JSON.parse(JSON.stringify(result)));
    expect(ajv.errors ?? []).toEqual([]);
    const summary = renderSummary(result);
    expect(summary).toMatch(/browse\s*│\s*\d+/);
    expect(summary).toContain('checkout');
    expect(summary).toContain('data: users.csv (csv, 40 rows, order once): every row sent, the run ended there');
    // The token came from the environment: it is a secret.
    expect(JSON.stringify(result)).not.toContain('s3cret');
  });

  it('sends the same sequence of requests on every run of the same profile (open model)', async () => {
    const file = await profile('random', MIX('random', '  phases:\n    - constant: { rate: 400, duration: 150ms }').replace('URL', url));
    const sequences: string[][] = [];
    for (let run = 0; run < 2; run++) {
      arrivals.length = 0;
      await runProfile(await loadProfile(file, { env: { MIX_TOKEN: 't' } }));
      sequences.push(arrivals.map((a) => (a.method === 'GET' ? a.url : JSON.parse(a.body).user)).sort());
    }
    expect(sequences[0]!.length).toBe(60);
    expect(sequences[1]).toEqual(sequences[0]);
  });
});

describe('a mix run by --workers', () => {
  it('shards send each row once between them, and the merged result adds up the breakdown', async () => {
    arrivals.length = 0;
    const file = await profile('workers', MIX('once', '  phases:\n    - constant: { rate: 100, duration: 2s }').replace('URL', url));
    const ran = await coldbench(['run', file, '--workers', '2', '--json', '--no-progress', '--out', join(dir, 'out-workers')], { cwd: dir, env: { MIX_TOKEN: 'workers-token' } });
    expect(ran.code, ran.stderr).toBe(0);
    const result = JSON.parse(ran.stdout) as Result;
    const users = arrivals.map((a) => (a.method === 'GET' ? /sku%2F(\d+)/.exec(a.url)![1] : String(JSON.parse(a.body).user).slice(5)));
    expect(users.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(result.shards).toHaveLength(2);
    expect(result.data).toMatchObject({ rows: 40, exhausted: true });
    expect(result.requests!.browse!.counts.completed + result.requests!.checkout!.counts.completed).toBe(40);
  }, 60_000);
});

describe('bad requests stop the profile before anything is sent', () => {
  it.each([
    ['a CSV row with the wrong column count', 'users.csv', 'user,sku,qty\na,b,1\nc,d\n', '', 'target.data.file: bad.csv line 3: expected 3 fields like the header, found 2 (line 5)'],
    ['a template naming a missing column', 'users.csv', 'user,sku,qty\na,b,1\n', '{{row.nope}}', 'target.requests[0].path: {{row.nope}}: no field "nope"'],
    ['an unknown template function', 'users.csv', 'user,sku,qty\na,b,1\n', '{{rand}}', 'target.requests[0].path: unknown template function "rand"'],
  ])('%s', async (_, name, csv, extra, expected) => {
    await writeFile(join(dir, 'bad.csv'), csv);
    void name;
    const file = await profile('bad', `name: bad
target:
  kind: http
  url: ${url}
  data: { file: bad.csv }
  requests:
    - { name: a, path: "/x/{{row.sku}}${extra}" }
    - { name: b, weight: 2, path: /y }
load: { phases: [ burst: { count: 3 } ] }
`);
    arrivals.length = 0;
    const error = await loadProfile(file, { env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProfileError);
    expect((error as ProfileError).exitCode).toBe(2);
    expect((error as ProfileError).problems.join('\n')).toContain(expected);
    expect(arrivals).toHaveLength(0);
  });
});
