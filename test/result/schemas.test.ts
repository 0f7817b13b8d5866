/**
 * Every file coldbench writes matches its published JSON Schema and holds no field the schema
 * does not describe: a Lambda run (cold starts, REPORT figures, cost), an HTTP run, runs that read
 * their starts from the logs (behind a Function URL, and async invokes), an interrupted run, and
 * a matrix (its configuration results and the matrix result).
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { runMatrix } from '../../src/matrix/run-matrix.js';
import { parseProfileText } from '../../src/profile/index.js';
import { runProfile } from '../../src/run/run-profile.js';
import { writeResult } from '../../src/result/write.js';
import { fn, profilesDir } from '../emulator/helpers.js';
import { publishedSchema, schemaErrors, undescribedFields } from '../helpers/schema.js';

const resultSchema = publishedSchema('result.schema.json');

let emulator: Emulator;
let server: Server;
let url: string;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator({
    baseDir: profilesDir,
    accountConcurrency: 20,
    functions: {
      hello: fn('functions/hello.handler', { concurrency: 2, environment: { WORK_MS: '20' } }),
      url: fn('functions/hello.handler', { concurrency: 2, logDelayMs: 0 }),
      events: fn('functions/flaky.handler', { environment: { FAIL_RATE: '0' }, logDelayMs: 0, logFormat: 'JSON' }),
    },
  });
  server = createServer((req, res) => {
    req.resume();
    setTimeout(() => res.end('ok'), 5);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  dir = await mkdtemp(join(tmpdir(), 'coldbench-schemas-'));
});

afterAll(async () => {
  await emulator?.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

async function saved(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8'));
}

function expectDescribed(schema: Record<string, unknown>, data: unknown): void {
  expect(schemaErrors(schema, data)).toEqual([]);
  expect(undescribedFields(schema, data)).toEqual([]);
}

const load = (text: string) => parseProfileText(text, { file: join(dir, 'p.yaml'), baseDir: profilesDir, env: {} });

describe('published schemas', () => {
  it('a Lambda run: cold starts, throttles, REPORT figures and cost', async () => {
    const result = await runProfile(load(`name: lambda-run
target: { kind: lambda, function: hello, endpoint: ${emulator.endpoint} }
load: { phases: [ { constant: { rate: 20, duration: 500ms } }, { burst: { count: 6 } } ] }
thresholds: [ "cold.count < 100" ]
`));
    expect(result.counts.cold).toBeGreaterThan(0);
    expect(result.counts.throttles).toBeGreaterThan(0);
    expect(result.cost).not.toBeNull();
    expectDescribed(resultSchema, await saved(await writeResult(result, dir)));
  }, 30_000);

  it('an HTTP run', async () => {
    const result = await runProfile(load(`name: http-run\ntarget: { kind: http, url: "${url}" }\nload: { phases: [ { constant: { rate: 50, duration: 300ms } } ] }\n`));
    expectDescribed(resultSchema, await saved(await writeResult(result, dir)));
  });

  it('an HTTP run whose starts are read from the logs', async () => {
    const result = await runProfile(load(`name: http-logs-run
target:
  kind: http
  url: ${emulator.functionUrl('url')}
  coldStart: { logs: { function: url, endpoint: ${emulator.endpoint}, wait: 10s, poll: 200ms } }
load: { phases: [ { constant: { rate: 20, duration: 300ms } } ] }
`));
    expect(result.logs).toMatchObject({ complete: true, unmatched: 0 });
    expect(result.logs!.runLevel.init).not.toBeNull();
    expectDescribed(resultSchema, await saved(await writeResult(result, dir)));
  }, 30_000);

  it('async invokes read from the logs', async () => {
    const result = await runProfile(load(`name: async-run
target:
  kind: lambda
  function: events
  endpoint: ${emulator.endpoint}
  invocationType: Event
  coldStart: { logs: { wait: 10s, poll: 200ms } }
load: { phases: [ { constant: { rate: 10, duration: 300ms } } ] }
`));
    expect(result.async).toMatchObject({ neverRan: 0 });
    expect(result.async!.queueDelay.count).toBe(result.counts.sent);
    expectDescribed(resultSchema, await saved(await writeResult(result, dir)));
  }, 30_000);

  it('an interrupted run', async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 1500);
    const result = await runProfile(load(`name: interrupted-run\ntarget: { kind: http, url: "${url}" }\nload: { phases: [ { constant: { rate: 50, duration: 30s } } ] }\n`), { stop: stop.signal });
    expect(result.status).toBe('interrupted');
    expectDescribed(resultSchema, await saved(await writeResult(result, dir)));
  });

  it('a matrix: each configuration result and the matrix result', async () => {
    const out = join(dir, 'matrix');
    const run = await runMatrix(load(`name: mx
target: { kind: lambda, function: hello, endpoint: ${emulator.endpoint} }
load: { phases: [ { constant: { rate: 10, duration: 300ms } } ] }
matrix: { memory: [128, 256], coldStarts: 1 }
thresholds: [ "errors.count == 0" ]
`), { outDir: out, control: { pollMs: 20 } });
    const files = await readdir(out);
    expect(files).toHaveLength(3);
    for (const r of run.runs) expectDescribed(resultSchema, await saved(r.file!));
    expectDescribed(publishedSchema('matrix-result.schema.json'), await saved(run.file!));
  }, 60_000);
});
