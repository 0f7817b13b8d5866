/**
 * Every format of every command, through the real binary: stdout must be exactly what the
 * format's consumer parses (JSON.parse for json, an XML parser for junit, the Markdown shape for
 * md), with human text (summaries, notes, "saved" lines) kept off it.
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
import { jsonProblems, markdownProblems, xmlProblems } from '../helpers/formats.js';
import { writeLocalMatrix } from '../helpers/matrix.js';

let server: Server;
let dir: string;
let httpProfile: string;
let matrixProfile: string;
const results: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  dir = await mkdtemp(join(tmpdir(), 'coldbench-formats-'));
  httpProfile = join(dir, 'http.yaml');
  await writeFile(httpProfile, `name: fmt
target: { kind: http, url: "${url}" }
load: { phases: [ { constant: { rate: 50, duration: 400ms } } ] }
thresholds:
  - "errors.count == 0"
  - "all.p50 < 0.001ms"
`);
  matrixProfile = await writeLocalMatrix(dir, 'fmx', `thresholds:
  - "errors.count == 0"
`);
  for (let i = 0; i < 2; i++) {
    const out = join(dir, `saved-${i}`);
    const ran = await coldbench(['run', httpProfile, '--out', out, '--quiet', '--no-progress'], { cwd: dir });
    expect(ran.code, ran.stderr).toBe(3);
    results.push(join(out, (await readdir(out))[0]!));
  }
}, 60_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

const check = {
  json: jsonProblems,
  junit: xmlProblems,
  md: markdownProblems,
};

function expectParses(ran: Ran, format: keyof typeof check): void {
  expect(check[format](ran.stdout), `stdout:\n${ran.stdout}\nstderr:\n${ran.stderr}`).toEqual([]);
}

describe('coldbench run', () => {
  it.each(['md', 'json', 'junit'] as const)('--format %s prints only that format on stdout', async (format) => {
    const ran = await coldbench(['run', httpProfile, '--format', format, '--no-save', '--no-progress'], { cwd: dir });
    expect(ran.code).toBe(3);
    expectParses(ran, format);
  });

  it('--json prints the result once, as one JSON document; with --format json too', async () => {
    for (const args of [['--json'], ['--json', '--format', 'json']]) {
      const ran = await coldbench(['run', httpProfile, ...args, '--no-save', '--no-progress'], { cwd: dir });
      expect(ran.code).toBe(3);
      expectParses(ran, 'json');
    }
  });

  it('refuses --json with --format md or junit (two documents on one stdout)', async () => {
    for (const format of ['md', 'junit']) {
      const ran = await coldbench(['run', httpProfile, '--json', '--format', format, '--no-save'], { cwd: dir });
      expect(ran.code).toBe(2);
      expect(ran.stderr).toMatch(/--json/);
      expect(ran.stdout).toBe('');
    }
  });
});

describe('coldbench run with a matrix', () => {
  it.each(['md', 'json', 'junit'] as const)('--format %s prints only that format on stdout', async (format) => {
    const summary = join(dir, `mx-summary-${format}.md`);
    const ran = await coldbench(['run', matrixProfile, '--format', format, '--out', join(dir, `mx-${format}`), '--no-progress'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: summary } });
    expect(ran.code, ran.stderr).toBe(0);
    expectParses(ran, format);
    // In GitHub Actions the comparison also lands on the run's summary page, whatever the format.
    expect(markdownProblems(await readFile(summary, 'utf8'))).toEqual([]);
    expect(ran.stderr).toMatch(/matrix result saved/);
    // Each configuration's threshold is a test case of its own.
    if (format === 'junit') expect(ran.stdout.match(/<testcase classname="coldbench\.fmx\.m(128|256)" name="errors\.count == 0">/g)).toHaveLength(2);
  }, 30_000);

  it('--json prints the matrix result as one JSON document', async () => {
    const ran = await coldbench(['run', matrixProfile, '--json', '--no-save', '--no-progress'], { cwd: dir });
    expect(ran.code, ran.stderr).toBe(0);
    expectParses(ran, 'json');
    expect(JSON.parse(ran.stdout)).toMatchObject({ kind: 'matrix', name: 'fmx' });
  }, 30_000);
});

describe('coldbench report and diff', () => {
  it.each(['md', 'json', 'junit'] as const)('report --format %s', async (format) => {
    const ran = await coldbench(['report', results[0]!, '--format', format], { cwd: dir });
    expect(ran.code).toBe(0);
    expectParses(ran, format);
  });

  it.each(['md', 'json', 'junit'] as const)('diff --format %s', async (format) => {
    const ran = await coldbench(['diff', results[0]!, results[1]!, '--format', format, '--fail-on', 'all.p99 > +10%'], { cwd: dir });
    expect([0, 3]).toContain(ran.code);
    expectParses(ran, format);
  });
});

describe('coldbench validate --json and logs parse', () => {
  it('validate --json prints the profile as one JSON document', async () => {
    const ran = await coldbench(['validate', httpProfile, '--json'], { cwd: dir });
    expect(ran.code).toBe(0);
    expectParses(ran, 'json');
  });

  it('logs parse prints one JSON document per line', async () => {
    const input = [
      'START RequestId: 8f507cfc-5a4c-4c3a-8e1a-2b2b6b1b1a11 Version: $LATEST',
      'REPORT RequestId: 8f507cfc-5a4c-4c3a-8e1a-2b2b6b1b1a11\tDuration: 1.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t',
    ].join('\n');
    const ran = await coldbench(['logs', 'parse', '-'], { cwd: dir, input });
    expect(ran.code).toBe(0);
    const lines = ran.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(jsonProblems(line)).toEqual([]);
  });
});
