/**
 * The HTML report without a browser: escaping, the Content-Security-Policy hashes, the size of
 * an hour-long run's page, old and empty result files, and the commands that write pages.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffCommand } from '../../src/cli/commands/diff.js';
import { reportCommand } from '../../src/cli/commands/report.js';
import { Output } from '../../src/cli/output.js';
import { render } from '../../src/report/render.js';
import { paretoFront } from '../../src/report/html/matrix-page.js';
import type { Result } from '../../src/result/result.js';
import { hostileResult, hourLongResult, noRequestsResult } from './html-fixtures.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/results');
const fixture = async (name: string): Promise<Result> => JSON.parse(await readFile(join(FIXTURES, name), 'utf8')) as Result;
const quiet = new Output({ json: false, quiet: true });
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldbench-html-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const scripts = (page: string): string[] => [...page.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[0]);

describe('HTML report', () => {
  it('escapes everything that comes from the profile and the result', () => {
    const page = render(hostileResult(), 'html');
    expect(scripts(page)).toHaveLength(2);
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('</script><script>');
    expect(page).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    // The data block holds no markup either: `<` is written \u003c inside it.
    const data = /<script type="application\/json" id="coldbench-data">([\s\S]*?)<\/script>/.exec(page)![1]!;
    expect(data).not.toMatch(/[<>]/);
  });

  it('allows exactly its own inline script and stylesheet in the Content-Security-Policy', () => {
    const page = render(JSON.parse(JSON.stringify(hostileResult())) as Result, 'html');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(page)![1]!.replace(/&#39;/g, "'");
    const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1]!;
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    expect(csp).toBe(`default-src 'none'; script-src ${hash(script)}; style-src ${hash(style)}; base-uri 'none'; form-action 'none'`);
    expect(page).not.toMatch(/<(link|img|iframe)\b|src="http|href="http/);
  });

  it('keeps the page of a one-hour run at 1,000 requests/s under 1 MB', () => {
    const result = hourLongResult();
    const page = render(result, 'html');
    const json = JSON.stringify(result).length;
    console.log(`one hour at 1,000/s: result file ${(json / 1024).toFixed(0)} KiB, HTML page ${(page.length / 1024).toFixed(0)} KiB`);
    expect(result.counts.sent).toBe(3_600_000);
    expect(page.length).toBeLessThan(1_000_000);
    // The timeline is drawn whole: 3,600 rows in its table.
    expect(page).toContain('Data: Requests per second (3600 rows)');
  });

  it('renders a result file written before 100 ms buckets and p90 (1 s buckets, no width field)', async () => {
    const old = await fixture('lambda-1s-buckets.json');
    expect(old.timelineBucketMs).toBeUndefined();
    const page = render(old, 'html');
    expect(page).toContain('in each 1 s bucket');
    expect(page).toContain('This result file predates p90 per bucket.');
    expect(page).not.toContain('p90 (ms)</th><th scope="col">p99 (ms)');
  });

  it('says "no requests" instead of drawing empty charts', () => {
    const page = render(noRequestsResult(), 'html');
    expect(page).toContain('No requests: the profile planned none');
    expect(page).not.toContain('class="chart"');
  });

  it('finds the Pareto front: no configuration on it is beaten on both cost and p99', () => {
    const front = paretoFront([
      { id: 'a', cost: 1, p99: 100 }, { id: 'b', cost: 2, p99: 50 }, { id: 'c', cost: 3, p99: 60 },
      { id: 'd', cost: 0.5, p99: 300 }, { id: 'e', cost: 2, p99: 40 },
    ]);
    expect([...front].sort()).toEqual(['a', 'd', 'e']);
  });
});

describe('commands writing HTML', () => {
  it('report --format html writes a page, for a result and for a matrix result', async () => {
    const out = join(dir, 'run.html');
    expect(await reportCommand(join(FIXTURES, 'lambda-completed.json'), { format: 'html', output: out }, quiet)).toBe(0);
    const page = await readFile(out, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<title>coldbench: quickstart</title>');
    const matrixOut = join(dir, 'matrix.html');
    expect(await reportCommand(join(FIXTURES, 'matrix.json'), { format: 'html', output: matrixOut }, quiet)).toBe(0);
    expect(await readFile(matrixOut, 'utf8')).toContain('Cost against warm p99');
    await expect(reportCommand(join(FIXTURES, 'matrix.json'), { format: 'junit' }, quiet)).rejects.toMatchObject({ exitCode: 2 });
  });

  it('gives the same errors for bad files as every other format', async () => {
    const full = await readFile(join(FIXTURES, 'lambda-completed.json'), 'utf8');
    const truncated = join(dir, 'truncated.json');
    await writeFile(truncated, full.slice(0, 500));
    const v2 = join(dir, 'v2.json');
    await writeFile(v2, JSON.stringify({ ...JSON.parse(full), schemaVersion: 2 }));
    for (const file of [truncated, v2]) {
      const table = await reportCommand(file, { format: 'table' }, quiet).catch((e: Error) => e.message);
      const html = await reportCommand(file, { format: 'html', output: join(dir, 'x.html') }, quiet).catch((e: Error) => e.message);
      expect(html).toBe(table);
      expect(html).toMatch(/truncated|schemaVersion 2/);
    }
  });

  it('diff --format html writes the gate, the verdicts and both spectra', async () => {
    const out = join(dir, 'diff.html');
    const code = await diffCommand([join(FIXTURES, 'lambda-completed.json')], [join(FIXTURES, 'lambda-slower.json')],
      { failOn: ['init.p50 > +10%'], strict: true, format: 'html', output: out }, quiet);
    expect(code).toBe(3);
    const page = await readFile(out, 'utf8');
    expect(page).toContain('1 regression</strong>');
    expect(page).toContain('candidate warm');
    expect(page).toContain('interval (');
  });
});
