/**
 * The HTML reports in a real browser: Debian's chromium, driven by playwright-core (which
 * downloads no browser of its own), loading each page from file://. For every kind of result:
 * no console error, no page error, no request but the page itself, every chart drawn (its
 * series' colours on the canvas), the data tables there, and axe-core with no serious
 * violation. Screenshots of the quick start's report (light and dark) go to results/.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffResults } from '../../src/diff/diff.js';
import { renderDiff, render } from '../../src/report/render.js';
import { renderMatrixHtml } from '../../src/report/html/matrix-page.js';
import { renderSweepHtml } from '../../src/report/html/sweep-page.js';
import type { SweepResult } from '../../src/experiments/sweep/types.js';
import type { MatrixResult } from '../../src/matrix/matrix-result.js';
import type { PageData } from '../../src/report/html/chart-spec.js';
import type { Result } from '../../src/result/result.js';
import { HOSTILE, hostileResult, noRequestsResult } from './html-fixtures.js';

const CHROMIUM = process.env.COLDBENCH_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures/results');
const available = existsSync(CHROMIUM);
if (!available) {
  console.warn(`SKIP: the HTML report's browser tests did not run: no Chromium at ${CHROMIUM} (apt-get install chromium, or set COLDBENCH_CHROMIUM)`);
}

const fixture = async <T = Result>(name: string): Promise<T> => JSON.parse(await readFile(join(FIXTURES, name), 'utf8')) as T;

let browser: Browser;
let dir: string;
const pages = new Map<string, string>();

beforeAll(async () => {
  if (!available) return;
  dir = await mkdtemp(join(tmpdir(), 'coldbench-browser-'));
  const base = await fixture('lambda-completed.json');
  const candidate = await fixture('lambda-slower.json');
  const diff = diffResults([base], [candidate], { failOn: [], strict: false, files: { base: ['base.json'], candidate: ['candidate.json'] } });
  const reports: Record<string, string> = {
    'lambda-completed': render(base, 'html'),
    'lambda-interrupted': render(await fixture('lambda-interrupted.json'), 'html'),
    'lambda-1s-buckets': render(await fixture('lambda-1s-buckets.json'), 'html'),
    'http-completed': render(await fixture('http-completed.json'), 'html'),
    'http-aborted': render(await fixture('http-aborted.json'), 'html'),
    matrix: renderMatrixHtml(await fixture<MatrixResult>('matrix.json')),
    sweep: renderSweepHtml(await fixture<SweepResult>('sweep.json')),
    diff: renderDiff(diff, 'html', { base: [base], candidate: [candidate] }),
    'no-requests': render(noRequestsResult(), 'html'),
    hostile: render(hostileResult(), 'html'),
  };
  for (const [name, html] of Object.entries(reports)) {
    const file = join(dir, `${name}.html`);
    await writeFile(file, html);
    pages.set(name, file);
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

interface Visit {
  page: Page;
  problems: string[];
  requests: string[];
  url: string;
}

async function visit(file: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Visit> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, colorScheme });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); void d.dismiss(); });
  page.on('request', (r) => requests.push(r.url()));
  const url = pathToFileURL(file).href;
  await page.goto(url, { waitUntil: 'load' });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return { page, problems, requests, url };
}

/** Per chart: how many canvas pixels have one of its series' colours (not axes, not grid). */
async function seriesPixels(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const data = JSON.parse(document.getElementById('coldbench-data')!.textContent!) as PageData;
    const style = getComputedStyle(document.documentElement);
    const rgb = (hex: string): number[] => [1, 3, 5].map((i) => parseInt(hex.trim().slice(i, i + 2), 16));
    const out: Record<string, number> = {};
    for (const chart of data.charts) {
      const colours = chart.series.map((s) => rgb(style.getPropertyValue(`--${s.color}`)));
      const canvas = document.querySelector<HTMLCanvasElement>(`#${chart.id} canvas`);
      if (canvas === null) { out[chart.id] = -1; continue; }
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) {
        if (px[i + 3]! < 64) continue;
        if (colours.some((c) => Math.abs(c[0]! - px[i]!) <= 6 && Math.abs(c[1]! - px[i + 1]!) <= 6 && Math.abs(c[2]! - px[i + 2]!) <= 6)) n++;
      }
      out[chart.id] = n;
    }
    return out;
  });
}

async function axeSerious(page: Page): Promise<string[]> {
  const source = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  // evaluate() runs outside the page's Content-Security-Policy, which would refuse an injected <script>.
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string | null; nodes: unknown[]; help: string }[] }> } })
      .axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}, ${v.nodes} nodes): ${v.help}`);
}

const KINDS = ['lambda-completed', 'lambda-interrupted', 'lambda-1s-buckets', 'http-completed', 'http-aborted', 'matrix', 'sweep', 'diff', 'no-requests', 'hostile'];

describe.skipIf(!available)('HTML report in Chromium', () => {
  for (const kind of KINDS) {
    it(`${kind}: loads cleanly, draws every chart, has its tables and passes axe`, async () => {
      const v = await visit(pages.get(kind)!);
      try {
        expect(v.problems).toEqual([]);
        expect(v.requests).toEqual([v.url]);
        const specs = await v.page.evaluate(() => (JSON.parse(document.getElementById('coldbench-data')!.textContent!) as PageData).charts.map((c) => c.id));
        const drawn = await seriesPixels(v.page);
        for (const id of specs) expect(drawn[id], `${kind} ${id}`).toBeGreaterThan(30);
        const tables = await v.page.$$eval('figure details table tbody', (bodies) => bodies.map((b) => b.children.length));
        expect(tables.length).toBe(specs.length);
        for (const rows of tables) expect(rows).toBeGreaterThan(0);
        expect(await axeSerious(v.page)).toEqual([]);
      } finally {
        await v.page.close();
      }
    });
  }

  it('draws charts in every kind of run report', () => {
    // The pages above with charts: a report that drew none would pass the loop vacuously.
    expect([...pages.keys()].filter((k) => k !== 'no-requests').length).toBeGreaterThan(5);
  });

  it('shows a profile name with </script> as text, and runs no script of it', async () => {
    const v = await visit(pages.get('hostile')!);
    try {
      expect(await v.page.title()).toBe(`coldbench: ${HOSTILE}`);
      expect(await v.page.$$eval('script', (s) => s.length)).toBe(2);
      expect(await v.page.$$('img')).toHaveLength(0);
      expect(await v.page.textContent('h1')).toContain(HOSTILE);
    } finally {
      await v.page.close();
    }
  });

  it('says "no requests" and draws nothing for an empty run', async () => {
    const v = await visit(pages.get('no-requests')!);
    try {
      expect(await v.page.textContent('body')).toContain('No requests');
      expect(await v.page.$$('canvas')).toHaveLength(0);
    } finally {
      await v.page.close();
    }
  });

  it('writes light and dark screenshots of the quick start\'s report to results/', async () => {
    await mkdir(join(ROOT, 'results'), { recursive: true });
    for (const scheme of ['light', 'dark'] as const) {
      const v = await visit(pages.get('lambda-completed')!, scheme);
      try {
        const bg = await v.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        expect(bg).toBe(scheme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(13, 17, 23)');
        const drawn = await seriesPixels(v.page);
        expect(Object.values(drawn).every((n) => n > 30)).toBe(true);
        const file = join(ROOT, 'results', `report-${scheme}.png`);
        await v.page.screenshot({ path: file, fullPage: true });
        expect((await readFile(file)).length).toBeGreaterThan(10_000);
      } finally {
        await v.page.close();
      }
    }
  });
});
