/**
 * Mixed, templated, data-driven requests against the built-in emulator: Lambda payloads reach the
 * handler filled in from the rows, requests go to the functions the mix names, and the Function
 * URL front with authType AWS_IAM takes SigV4-signed requests and refuses unsigned ones with 403.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/profile/index.js';
import { runProfile } from '../../src/run/run-profile.js';

const FUNCTIONS = resolve(import.meta.dirname, '../emulator/functions');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldbench-emix-'));
  await writeFile(join(dir, 'orders.ndjson'), Array.from({ length: 12 }, (_, i) => JSON.stringify({ sku: i, user: `u"${i}` })).join('\n'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lines = async (file: string): Promise<Record<string, unknown>[]> =>
  (await readFile(file, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

describe.each(['fast', 'sdk'] as const)('a Lambda mix on the emulator, client %s', (client) => {
  it('delivers each templated payload to the function its request names', async () => {
    const recordA = join(dir, `a-${client}.ndjson`);
    const recordB = join(dir, `b-${client}.ndjson`);
    const file = join(dir, `lambda-${client}.yaml`);
    await writeFile(file, `name: lambda-mix
target:
  kind: lambda
  function: a
  client: ${client}
  data: { file: orders.ndjson, order: once }
  requests:
    - { name: put, weight: 2, payload: { op: put, sku: "{{row.sku}}", user: "{{row.user}}", n: "{{seq}}" } }
    - { name: get, function: b, payload: '{"op": "get", "sku": {{row.sku}}, "tag": "sku-{{row.sku}}"}' }
  local:
    functions:
      a: { handler: ${join(FUNCTIONS, 'record.handler')}, environment: { RECORD_FILE: ${JSON.stringify(recordA)} } }
      b: { handler: ${join(FUNCTIONS, 'record.handler')}, environment: { RECORD_FILE: ${JSON.stringify(recordB)} } }
load: { model: closed, concurrency: 2, duration: 20s }
`);
    const result = await runProfile(await loadProfile(file, { env: {} }));
    const a = await lines(recordA);
    const b = await lines(recordB);
    expect(a.length + b.length).toBe(12);
    expect(result.data).toMatchObject({ rows: 12, exhausted: true });
    expect(result.target.client).toBe(client);
    for (const event of a) expect(event).toEqual({ op: 'put', sku: event.sku, user: `u"${String(event.sku)}`, n: event.n });
    for (const event of b) expect(event).toEqual({ op: 'get', sku: event.sku, tag: `sku-${String(event.sku)}` });
    // Each row once: sequence number n is the row for `put`.
    for (const event of a) expect(event.n).toBe(event.sku);
    expect([...a, ...b].map((e) => e.sku).sort((x, y) => Number(x) - Number(y))).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(result.requests?.put?.counts.completed).toBe(a.length);
    expect(result.requests?.get?.counts.completed).toBe(b.length);
    // The emulator's REPORT decides each start: the breakdown counts them per name.
    const starts = (name: 'put' | 'get') => {
      const c = result.requests![name]!.counts;
      return c.warm + c.cold + c.proactive;
    };
    expect(starts('put')).toBe(a.length);
    expect(starts('get')).toBe(b.length);
    expect(result.requests!.put!.counts.cold + result.requests!.get!.counts.cold).toBe(result.counts.cold);
  }, 60_000);
});

describe('signed requests to a Function URL with AuthType AWS_IAM', () => {
  const profile = (signed: boolean, record: string) => `name: signed
target:
  kind: http
  url: /orders/{{seq}}
  method: POST
  body: { n: "{{seq}}" }
  ${signed ? 'sign: { service: lambda, region: us-east-1 }' : ''}
  local:
    function: api
    functions:
      api: { handler: ${join(FUNCTIONS, 'record.handler')}, authType: AWS_IAM, environment: { RECORD_FILE: ${JSON.stringify(record)} } }
load: { phases: [ constant: { rate: 50, duration: 200ms } ] }
`;

  it('signs each request with SigV4, and the front lets it through', async () => {
    const record = join(dir, 'signed.ndjson');
    const file = join(dir, 'signed.yaml');
    await writeFile(file, profile(true, record));
    const result = await runProfile(await loadProfile(file, { env: {} }));
    expect(result.counts).toMatchObject({ sent: 10, ok: 10, errors: 0 });
    const events = await lines(record);
    expect(events).toHaveLength(10);
    for (const event of events) {
      const headers = event.headers as Record<string, string>;
      expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/us-east-1\/lambda\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/);
      expect(headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
      expect(event.rawPath).toBe(`/orders/${JSON.parse(String(event.body)).n}`);
    }
  }, 60_000);

  it('without sign, every request is refused with 403 and the function never runs', async () => {
    const record = join(dir, 'unsigned.ndjson');
    const file = join(dir, 'unsigned.yaml');
    await writeFile(file, profile(false, record));
    const result = await runProfile(await loadProfile(file, { env: {} }));
    expect(result.counts).toMatchObject({ sent: 10, ok: 0, errors: 10 });
    expect(result.errors).toEqual({ 'http-4xx': 10 });
    expect(await lines(record)).toHaveLength(0);
  }, 60_000);
});
