/**
 * The terminal summary of a result: a few small tables (cli-table3), sparklines over time, a
 * latency histogram, and the warnings. ASCII only where the terminal asks for it.
 */
import Table from 'cli-table3';
import type { Summary } from '../result/histogram.js';
import type { Result } from '../result/result.js';
import { PLAIN_TEXT, latencyHistogram, overTime } from './terminal.js';
import type { TerminalCaps } from './terminal.js';
import { asyncLine, asyncRows, decisionRows, fmtMs, logsLine } from './starts.js';

const fmtInt = (n: number): string => n.toLocaleString('en-US');
const pct = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(2)}%` : '-');

/** Box-drawing borders in ASCII: + - |. */
export const ASCII_BORDERS = {
  top: '-', 'top-mid': '+', 'top-left': '+', 'top-right': '+', bottom: '-', 'bottom-mid': '+', 'bottom-left': '+',
  'bottom-right': '+', left: '|', 'left-mid': '+', mid: '-', 'mid-mid': '+', right: '|', 'right-mid': '+', middle: '|',
};

export function table(head: string[], caps: TerminalCaps = PLAIN_TEXT): Table.Table {
  return new Table({ head, style: { head: [], border: [] }, ...(!caps.unicode && { chars: ASCII_BORDERS }) });
}

function latencyRow(label: string, s: Summary): string[] {
  return [label, fmtInt(s.count), ...[s.p50, s.p90, s.p99, s.p999, s.max].map(fmtMs)];
}

export function renderSummary(r: Result, caps: TerminalCaps = PLAIN_TEXT): string {
  const out: string[] = [];
  out.push(`${r.name}: ${r.status} in ${fmtMs(r.durationMs)} (${r.target.kind} ${r.target.function ?? r.target.url ?? ''})`);
  const shards = shardLine(r);
  if (shards !== undefined) out.push(shards);
  out.push(requestsTable(r, caps));
  out.push(latencyTable(r, caps));
  for (const chart of [overTime(r, caps), latencyHistogram(r, caps)]) if (chart !== undefined) out.push(chart);
  const perRequest = mixTable(r, caps);
  if (perRequest !== undefined) out.push(perRequest);
  const data = dataLine(r);
  if (data !== undefined) out.push(data);
  const breakdown = breakdownTable(r, caps);
  if (breakdown !== undefined) out.push(breakdown);
  const lambda = lambdaTable(r, caps);
  if (lambda !== undefined) out.push(lambda);
  const decisions = decisionRows(r);
  if (decisions.length > 0) {
    const t = table(['start', 'decided by', 'count'], caps);
    t.push(...decisions.map(([kind, rule, n]) => [kind, rule, fmtInt(n)]));
    out.push(t.toString());
  }
  const asyncTimes = asyncRows(r);
  if (asyncTimes.length > 0) {
    const t = table(['async', 'p50', 'p99', 'max'], caps);
    t.push(...asyncTimes);
    out.push(t.toString());
  }
  for (const line of [logsLine(r), asyncLine(r)]) if (line !== undefined) out.push(line);
  for (const w of r.warnings) out.push(`warning: ${w}`);
  return out.join('\n');
}

function requestsTable(r: Result, caps: TerminalCaps): string {
  const c = r.counts;
  const t = table(['requests', 'sent', 'ok', 'errors', 'throttled', 'dropped', 'rate target', 'rate achieved'], caps);
  t.push([
    fmtInt(c.planned), fmtInt(c.sent), fmtInt(c.ok), `${fmtInt(c.errors)} (${pct(c.errors, c.sent)})`,
    `${fmtInt(c.throttles)} (${pct(c.throttles, c.sent)})`, fmtInt(c.dropped),
    r.rate.target === null ? '-' : `${r.rate.target.toFixed(1)}/s`, `${r.rate.achieved.toFixed(1)}/s`,
  ]);
  return t.toString();
}

function latencyTable(r: Result, caps: TerminalCaps): string {
  const t = table(['latency', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max'], caps);
  t.push(latencyRow('all', r.latency.all));
  if (r.latency.warm.count > 0 || r.latency.cold.count > 0) {
    t.push(latencyRow('warm', r.latency.warm));
    t.push(latencyRow('cold', r.latency.cold));
  }
  t.push(latencyRow('service time', r.serviceTime));
  t.push(latencyRow('schedule lag', r.scheduleLag));
  return t.toString();
}

/** One row per request name of a mix: its share, outcomes, cold starts and latency. */
function mixTable(r: Result, caps: TerminalCaps): string | undefined {
  const entries = Object.entries(r.requests ?? {});
  if (entries.length === 0) return undefined;
  const total = entries.reduce((sum, [, s]) => sum + s.counts.completed, 0);
  const t = table(['request', 'completed', 'share', 'ok', 'errors', 'throttled', 'cold', 'p50', 'p99', 'warm p99', 'cold p99'], caps);
  for (const [name, s] of entries) {
    const c = s.counts;
    const ms = (x: Summary) => (x.count > 0 ? fmtMs(x.p50) : '-');
    const p99 = (x: Summary) => (x.count > 0 ? fmtMs(x.p99) : '-');
    t.push([
      name, fmtInt(c.completed), pct(c.completed, total), fmtInt(c.ok), `${fmtInt(c.errors)} (${pct(c.errors, c.completed)})`,
      fmtInt(c.throttles), fmtInt(c.cold), ms(s.latency.all), p99(s.latency.all), p99(s.latency.warm), p99(s.latency.cold),
    ]);
  }
  return t.toString();
}

function dataLine(r: Result): string | undefined {
  const d = r.data;
  if (d === undefined) return undefined;
  const disk = d.inMemory ? '' : `, read from disk, index ${fmtInt(d.indexBytes)} bytes`;
  return `data: ${d.file} (${d.format}, ${fmtInt(d.rows)} rows, order ${d.order}${disk})${d.exhausted ? ': every row sent, the run ended there' : ''}`;
}

function breakdownTable(r: Result, caps: TerminalCaps): string | undefined {
  const rows = [
    ...Object.entries(r.errors).map(([k, n]) => ['error', k, fmtInt(n)]),
    ...Object.entries(r.throttles).map(([k, n]) => ['throttle', k, fmtInt(n)]),
  ];
  if (rows.length === 0) return undefined;
  const t = table(['outcome', 'class', 'count'], caps);
  t.push(...rows.sort((a, b) => Number(b[2]!.replace(/,/g, '')) - Number(a[2]!.replace(/,/g, ''))));
  return t.toString();
}

function lambdaTable(r: Result, caps: TerminalCaps): string | undefined {
  const c = r.counts;
  if (c.warm + c.cold + c.proactive + c.unknown === 0 && r.init === null) return undefined;
  const t = table(['cold starts', 'rate', 'proactive', 'unknown', 'init p50', 'init p99', 'billed p50', 'memory max', 'cost / 1M'], caps);
  t.push([
    fmtInt(c.cold), r.coldStartRate === null ? '-' : `${(r.coldStartRate * 100).toFixed(2)}%`, fmtInt(c.proactive), fmtInt(c.unknown),
    r.init && r.init.count > 0 ? fmtMs(r.init.p50) : '-', r.init && r.init.count > 0 ? fmtMs(r.init.p99) : '-',
    r.billed && r.billed.count > 0 ? fmtMs(r.billed.p50) : '-',
    r.memoryUsedMB && r.memoryUsedMB.count > 0 ? `${r.memoryUsedMB.max} MB` : '-',
    r.cost ? `$${r.cost.per1M.toFixed(4)}` : '-',
  ]);
  return t.toString();
}

/** Which shard a result is, or which shards a merged result holds. */
function shardLine(r: Result): string | undefined {
  if (r.shard !== undefined) return `shard ${r.shard.index}/${r.shard.count} on ${r.shard.host}, started ${r.shard.startAt ?? 'at once'}`;
  if (r.shards === undefined) return undefined;
  const count = r.shards[0]?.count ?? r.shards.length;
  const missing = r.missingShards?.length ? `; missing: ${r.missingShards.map((i) => `${i}/${count}`).join(', ')}` : '';
  return `merged from ${r.shards.length} of ${count} shards${missing}`;
}
