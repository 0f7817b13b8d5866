/**
 * The result file is a contract: a real run against a loopback server must produce a file that
 * matches docs/result.schema.json, written atomically and never over an existing file.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProfileText } from '../../src/profile/index.js';
import { runProfile } from '../../src/run/run-profile.js';
import { writeResult } from '../../src/result/write.js';
import { decodeHistogram } from '../../src/result/histogram.js';

let server: Server;
let url: string;
let dir: string;

beforeAll(async () => {
  let n = 0;
  server = createServer((req, res) => {
    req.resume();
    n++;
    if (n % 10 === 0) res.writeHead(503).end('busy');
    else if (n % 10 === 1) res.writeHead(429).end('slow down');
    else setTimeout(() => res.end('ok'), 1);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  dir = await mkdtemp(join(tmpdir(), 'coldbench-result-'));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe('result file', () => {
  it('matches the published JSON Schema and keeps its histograms decodable', async () => {
    const loaded = parseProfileText(
      `name: contract\ntarget: { kind: http, url: "${url}" }\nload: { phases: [ { constant: { rate: 200, duration: 1s } }, { burst: { count: 20 } } ] }\n`,
      { file: join(dir, 'p.yaml'), baseDir: dir, env: {} },
    );
    const result = await runProfile(loaded);
    const file = await writeResult(result, dir);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    const schema = JSON.parse(await readFile(resolve(import.meta.dirname, '../../docs/result.schema.json'), 'utf8'));
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    const valid = ajv.validate(schema, saved);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(saved.counts).toMatchObject({ planned: 220, sent: 220 });
    expect(saved.counts.ok + saved.counts.errors + saved.counts.throttles).toBe(220);
    expect(saved.errors['http-5xx']).toBe(22);
    expect(saved.throttles['http-429']).toBe(22);
    expect(decodeHistogram(saved.histograms.all).totalCount).toBe(220);
    expect(saved.timeline.reduce((s: number, t: { sent: number }) => s + t.sent, 0)).toBe(220);
  });

  it('never writes over an existing file', async () => {
    const loaded = parseProfileText(`name: twice\ntarget: { kind: http, url: "${url}" }\nload: { phases: [ { burst: { count: 3 } } ] }\n`, { file: join(dir, 'q.yaml'), baseDir: dir, env: {} });
    const result = await runProfile(loaded);
    const out = join(dir, 'twice');
    const a = await writeResult(result, out);
    const b = await writeResult(result, out);
    expect(a).not.toBe(b);
    expect((await readdir(out)).sort()).toEqual([a, b].map((f) => f.slice(out.length + 1)).sort());
  });
});
