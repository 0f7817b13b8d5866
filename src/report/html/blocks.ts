/**
 * The pieces every report page is made of: sections, tables, the headline strip, and figures
 * (a chart with its caption and its data as a table behind <details>). Every string given here
 * is escaped; only the `…Html` parameters are taken as markup.
 */
import type { ChartSpec } from './chart-spec.js';
import { html } from './escape.js';

export type Cell = string | number | null;

export interface Column {
  head: string;
  /** Left-aligned, wrapping text (names, ids) instead of a right-aligned number. */
  text?: boolean;
}

/**
 * A table. Numbers are written as they are (copy-paste into a spreadsheet keeps them numbers);
 * null shows as `-`. End tags of cells and rows are left out, as HTML allows, to keep long
 * tables small.
 */
export function table(columns: readonly Column[], rows: readonly (readonly Cell[])[], captionText?: string): string {
  const cls = (c: Column | undefined): string => (c?.text === true ? ' class="text"' : '');
  const head = `<thead><tr>${columns.map((c) => `<th scope="col"${cls(c)}>${html(c.head)}</th>`).join('')}</tr></thead>`;
  const body = rows.map((r) => `<tr>${r.map((v, i) => `<td${cls(columns[i])}>${v === null ? '-' : html(v)}`).join('')}\n`).join('');
  const caption = captionText === undefined ? '' : `<caption>${html(captionText)}</caption>`;
  // Focusable, so that a keyboard can scroll a table wider than the page.
  return `<div class="wide" tabindex="0"><table>${caption}${head}<tbody>\n${body}</tbody></table></div>`;
}

export function section(title: string, contentHtml: string, id?: string): string {
  const attr = id === undefined ? '' : ` id="${html(id)}"`;
  return `<section${attr}>\n<h2>${html(title)}</h2>\n${contentHtml}\n</section>`;
}

export interface FigureInput {
  id: string;
  title: string;
  /** What the chart shows and how to read it. */
  caption: string;
  /** null: nothing to draw; `emptyText` says why, and no table follows. */
  chart: ChartSpec | null;
  emptyText?: string;
  columns: readonly Column[];
  rows: readonly (readonly Cell[])[];
  /** A line above the table (what was left out, units). */
  tableNote?: string;
}

export function figure(f: FigureInput): string {
  const capId = `${f.id}-caption`;
  const caption = `<figcaption id="${html(capId)}"><strong>${html(f.title)}</strong>${html(f.caption)}</figcaption>`;
  if (f.chart === null) {
    return `<figure>\n${caption}\n<p class="empty">${html(f.emptyText ?? 'No data to draw.')}</p>\n</figure>`;
  }
  const note = f.tableNote === undefined ? '' : `<p>${html(f.tableNote)}</p>`;
  return [
    `<figure aria-labelledby="${html(capId)}">`,
    caption,
    `<div class="chart" id="${html(f.id)}" role="img" aria-label="${html(`${f.title}. ${f.caption}`)}"></div>`,
    `<details><summary>Data: ${html(f.title)} (${f.rows.length} rows)</summary>${note}<div class="scroll" tabindex="0">${table(f.columns, f.rows)}</div></details>`,
    '</figure>',
  ].join('\n');
}

export interface HeadlineItem {
  label: string;
  value: string;
  /** Colours the value: a failed threshold, a non-zero error count. */
  tone?: 'pass' | 'fail' | 'warn';
}

export function headline(items: readonly HeadlineItem[]): string {
  const item = (i: HeadlineItem): string =>
    `<div><dt>${html(i.label)}</dt><dd${i.tone === undefined ? '' : ` class="${i.tone}"`}>${html(i.value)}</dd></div>`;
  return `<dl class="headline">\n${items.map(item).join('\n')}\n</dl>`;
}

export function statusBadge(status: string): string {
  const tone = status === 'completed' ? 'pass' : status === 'interrupted' ? 'warn' : 'fail';
  return `<span class="status ${tone}">${html(status)}</span>`;
}

export function warnings(list: readonly string[]): string {
  if (list.length === 0) return '';
  return `<ul class="warnings">\n${list.map((w) => `<li>warning: ${html(w)}</li>`).join('\n')}\n</ul>`;
}

/** Rounds for tables and chart data: enough digits to be exact to the microsecond. */
export const round3 = (x: number): number => Math.round(x * 1000) / 1000;
