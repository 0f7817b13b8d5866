/**
 * The HTML document around a report: one file, no request of any kind. uPlot (MIT, its licence
 * kept in a comment) is read from node_modules when the page is written and inlined with the
 * page's own script and styles. The Content-Security-Policy is `default-src 'none'` plus the
 * SHA-256 hashes of exactly that one script and that one stylesheet, computed here.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ChartSpec } from './chart-spec.js';
import { drawReport } from './client.js';
import { html, scriptJson } from './escape.js';
import { REPORT_CSS } from './style.js';

export interface PageInput {
  /** Plain text for <title>. */
  title: string;
  /** HTML of the page's sections (already escaped). */
  body: string;
  charts: ChartSpec[];
}

interface Assets {
  script: string;
  style: string;
}

let assets: Assets | undefined;

function loadAssets(): Assets {
  if (assets !== undefined) return assets;
  const require = createRequire(import.meta.url);
  const read = (path: string): string => readFileSync(require.resolve(path), 'utf8');
  const licence = read('uplot/LICENSE').replace(/\*\//g, '* /');
  const script = [
    `/* uPlot, https://github.com/leeoniya/uPlot\n${licence}*/`,
    read('uplot/dist/uPlot.iife.min.js'),
    `;(${drawReport.toString()})(uPlot, document, window);`,
  ].join('\n');
  const style = `${read('uplot/dist/uPlot.min.css')}\n${REPORT_CSS}`;
  // Neither may end its element early: a library update that did would break the page.
  if (/<\/script|<!--/i.test(script) || /<\/style/i.test(style)) throw new Error('an inlined asset contains a closing tag');
  assets = { script, style };
  return assets;
}

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export function renderPage(input: PageInput): string {
  const { script, style } = loadAssets();
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(style)}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${html(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="coldbench">
<title>${html(input.title)}</title>
<style>${style}</style>
</head>
<body>
<main>
${input.body}
</main>
<script type="application/json" id="coldbench-data">${scriptJson({ charts: input.charts })}</script>
<script>${script}</script>
</body>
</html>
`;
}
