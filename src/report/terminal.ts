/**
 * Charts for the terminal summary: sparklines of requests per second, p99 and cold starts over
 * the run, and a latency histogram with log buckets in which warm and cold requests use
 * different symbols (and colours, where the terminal shows them). What the terminal can show
 * is passed in by the CLI: this module reads no environment.
 */
import type { Result } from '../result/result.js';
import type { TimelineEntry } from '../result/result.js';
import { formatValue } from '../gate/metrics.js';
import { logBuckets, pooledHistogram } from './distribution.js';

export interface TerminalCaps {
  /** Block characters and box drawing; false: ASCII only (NO_COLOR, a non-UTF-8 locale, TERM=dumb). */
  unicode: boolean;
  /** ANSI colours. */
  color: boolean;
}

/** For output that goes to no terminal (a file, a library caller): Unicode, no colour. */
export const PLAIN_TEXT: TerminalCaps = { unicode: true, color: false };

const LEVELS = { unicode: '▁▂▃▄▅▆▇█', ascii: '_.-~=+*#' };
const SYMBOLS = { unicode: { warm: '█', cold: '░' }, ascii: { warm: '#', cold: 'o' } };
const SPARK_WIDTH = 48;
const BAR_WIDTH = 36;

const ms = (x: number): string => formatValue('time', x);
const paint = (caps: TerminalCaps, code: number, text: string): string => (caps.color && text !== '' ? `\x1b[${code}m${text}\x1b[0m` : text);

/**
 * One character per value, scaled to the largest: zero and null (no data) are a space, so that
 * the smallest non-zero value never looks like nothing.
 */
export function sparkline(values: readonly (number | null)[], caps: TerminalCaps): string {
  const levels = caps.unicode ? LEVELS.unicode : LEVELS.ascii;
  const max = Math.max(0, ...values.map((v) => v ?? 0));
  return values.map((v) => {
    if (v === null || v <= 0) return ' ';
    return levels[Math.min(levels.length - 1, Math.max(0, Math.ceil((v / max) * levels.length) - 1))]!;
  }).join('');
}

interface Column { t: number; sent: number; completed: number; cold: number; p99: number | null }

/** The timeline in at most `width` columns: counts add, a column's p99 is its buckets' highest. */
function columns(entries: readonly TimelineEntry[], width: number): { cols: Column[]; per: number } {
  const per = Math.max(1, Math.ceil(entries.length / width));
  const cols: Column[] = [];
  for (let i = 0; i < entries.length; i += per) {
    const group = entries.slice(i, i + per);
    const p99s = group.map((e) => e.p99).filter((p): p is number => p !== null && p > 0);
    cols.push({
      t: group[0]!.t,
      sent: group.reduce((s, e) => s + e.sent, 0),
      completed: group.reduce((s, e) => s + e.ok + e.errors + e.throttles, 0),
      cold: group.reduce((s, e) => s + e.cold, 0),
      p99: p99s.length === 0 ? null : Math.max(...p99s),
    });
  }
  return { cols, per };
}

/** The sparkline rows, or undefined for a run without a timeline. */
export function overTime(r: Result, caps: TerminalCaps): string | undefined {
  if (r.timeline.length < 2) return undefined;
  const bucketS = (r.timelineBucketMs ?? 1000) / 1000;
  const { cols, per } = columns(r.timeline, SPARK_WIDTH);
  const spanS = per * bucketS;
  const rate = cols.map((c) => c.completed / spanS);
  const lines = [
    `over time: ${ms(r.durationMs)}, ${Number(spanS.toFixed(3))} s a column`,
    `  req/s  ${sparkline(rate, caps)}  max ${Math.max(...rate).toFixed(1)}/s`,
    `  p99    ${sparkline(cols.map((c) => c.p99), caps)}  max ${ms(Math.max(0, ...cols.map((c) => c.p99 ?? 0)))}${per > 1 ? ' (highest in a column)' : ''}`,
  ];
  const cold = cols.reduce((s, c) => s + c.cold, 0);
  if (cold > 0) lines.push(`  cold   ${sparkline(cols.map((c) => c.cold), caps)}  ${cold} cold start${cold === 1 ? '' : 's'}`);
  return lines.join('\n');
}

/** The latency histogram, 5 log buckets a decade, warm and cold apart where the run tells them. */
export function latencyHistogram(r: Result, caps: TerminalCaps): string | undefined {
  const warm = pooledHistogram([r.histograms.warm]);
  const cold = pooledHistogram([r.histograms.cold]);
  const classified = warm !== null || cold !== null;
  const hs = classified ? [warm, cold] : [pooledHistogram([r.histograms.all])];
  if (hs.every((h) => h === null)) return undefined;
  const buckets = logBuckets(hs, 5);
  const symbols = caps.unicode ? SYMBOLS.unicode : SYMBOLS.ascii;
  const max = Math.max(...buckets.map((b) => b.counts.reduce((s, n) => s + n, 0)));
  const bar = (n: number): number => (n === 0 ? 0 : Math.max(1, Math.round((n / max) * BAR_WIDTH)));
  const labelWidth = Math.max(...buckets.map((b) => ms(b.fromMs).length));
  const legend = classified ? `${symbols.warm} warm, ${symbols.cold} cold` : `${symbols.warm} all requests`;
  const lines = [`latency histogram (${legend}; each row from its latency to the next row's)`];
  for (const b of buckets) {
    const [w = 0, c = 0] = b.counts;
    const bars = paint(caps, 36, symbols.warm.repeat(bar(w))) + (classified ? paint(caps, 33, symbols.cold.repeat(bar(c))) : '');
    const pad = ' '.repeat(Math.max(0, BAR_WIDTH + 1 - bar(w) - (classified ? bar(c) : 0)));
    const counts = classified ? [w > 0 ? `${w} warm` : '', c > 0 ? `${c} cold` : ''].filter((s) => s !== '').join(', ') : w > 0 ? String(w) : '';
    lines.push(`  ${ms(b.fromMs).padStart(labelWidth)}  ${bars}${pad}${counts}`.trimEnd());
  }
  return lines.join('\n');
}
