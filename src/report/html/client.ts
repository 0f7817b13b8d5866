/// <reference lib="dom" />
/**
 * The script of the page. `drawReport` is written into the page as its source text (with uPlot
 * before it), so it must use nothing from this module's scope: every helper is inside it, and
 * the imports are types only. It reads the chart specs from the page's JSON block and draws
 * each with uPlot; it redraws when the colour scheme changes, when printing starts (print uses
 * the light colours) and when a chart's width changes.
 */
import type uPlot from 'uplot';
import type { AxisSpec, ChartSpec, PageData, SeriesSpec } from './chart-spec.js';

export function drawReport(UPlot: typeof uPlot, doc: Document, win: Window): void {
  const dataBlock = doc.getElementById('coldbench-data');
  if (dataBlock === null) return;
  const page = JSON.parse(dataBlock.textContent ?? '{"charts":[]}') as PageData;
  const live = new Map<string, uPlot>();

  const cssVar = (name: string): string => win.getComputedStyle(doc.documentElement).getPropertyValue(`--${name}`).trim();
  const withAlpha = (color: string, alpha: number): string => {
    const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
    if (m === null) return color;
    return `rgba(${parseInt(m[1]!, 16)}, ${parseInt(m[2]!, 16)}, ${parseInt(m[3]!, 16)}, ${alpha})`;
  };

  const trim = (x: number, digits: number): string => String(Number(x.toFixed(digits)));
  const formatMs = (ms: number): string => {
    if (ms >= 1000) return `${trim(ms / 1000, ms >= 10_000 ? 1 : 2)} s`;
    return `${trim(ms, ms >= 100 ? 0 : ms >= 10 ? 1 : ms >= 1 ? 2 : 3)} ms`;
  };
  const formatCount = (n: number): string => (Math.abs(n) >= 1000 ? n.toLocaleString('en-US', { maximumFractionDigits: 0 }) : trim(n, 2));
  const formatPct = (inv: number): string => {
    const p = 100 * (1 - 1 / inv);
    if (p <= 0) return '0%';
    const digits = Math.max(0, Math.ceil(-Math.log10(100 - p) + 1e-9) + 1);
    return `${Number(p.toFixed(Math.min(digits, 6)))}%`;
  };
  const format = (axis: AxisSpec, v: number | null | undefined): string => {
    if (v === null || v === undefined || !Number.isFinite(v)) return '-';
    switch (axis.unit) {
      case 'ms': return formatMs(v);
      case 's': return `${trim(v, 2)} s`;
      case 'count': return formatCount(v);
      case 'perSec': return `${formatCount(v)}/s`;
      case 'pct': return formatPct(v);
      case 'usd': return `$${v >= 1 ? v.toFixed(2) : v.toPrecision(3)}`;
      case 'mb': return `${formatCount(v)} MB`;
      case 'share': return `${trim(v * 100, 1)}%`;
    }
  };

  const DASHES: Record<string, number[] | undefined> = { dash: [7, 4], dot: [2, 3], dashdot: [9, 3, 2, 3] };

  function seriesOptions(spec: ChartSpec, index: number, y: AxisSpec): uPlot.Series {
    const s = spec.series[index]!;
    const color = cssVar(s.color) || cssVar('fg');
    const next = spec.series[index + 1]?.stacked === true ? spec.data[index + 2] : undefined;
    const own = (v: number | null, i: number | null): number | null => {
      if (s.stacked !== true || next === undefined || i === null || v === null) return v;
      return Math.round((v - (next[i] ?? 0)) * 1000) / 1000;
    };
    const base: uPlot.Series = {
      label: s.label,
      scale: s.right === true ? 'y2' : 'y',
      stroke: color,
      width: 2,
      spanGaps: s.spanGaps === true,
      value: (_u, v, _si, i) => format(y, own(v, i)),
    };
    const dash = DASHES[s.style];
    if (dash !== undefined) return { ...base, dash, points: { show: false } };
    switch (s.style) {
      case 'area':
        return { ...base, width: 1, fill: withAlpha(color, 0.75), points: { show: false } };
      case 'points':
        return { ...base, paths: () => null, points: { show: true, size: 7, width: 1, stroke: color, fill: color } };
      case 'hollow':
        return { ...base, paths: () => null, points: { show: true, size: 9, width: 2, stroke: color, fill: cssVar('bg') } };
      case 'barsLeft':
      case 'barsRight': {
        const bars = UPlot.paths.bars!({ size: [0.42, Infinity], align: s.style === 'barsLeft' ? -1 : 1 });
        return { ...base, width: 1, paths: bars, fill: withAlpha(color, s.style === 'barsLeft' ? 0.85 : 0.55), points: { show: false } };
      }
      default:
        return { ...base, points: { show: false } };
    }
  }

  function axisOptions(a: AxisSpec, scale: string, side: 0 | 1 | 2 | 3, grid: boolean): uPlot.Axis {
    const fg = cssVar('fg');
    return {
      scale,
      side,
      label: a.label,
      stroke: fg,
      grid: { show: grid, stroke: cssVar('c-grid'), width: 1 },
      ticks: { show: true, stroke: cssVar('c-grid'), width: 1 },
      // uPlot passes null for the ticks of a log axis it leaves unlabelled.
      values: (_u, splits) => splits.map((v) => (v === null || v === undefined ? '' : format(a, v))),
      ...(a.splits !== undefined && { splits: () => a.splits!, filter: (_u: uPlot, splits: number[]) => splits }),
      size: side === 1 || side === 3 ? 64 : 44,
    };
  }

  function scaleOptions(a: AxisSpec): uPlot.Scale {
    return {
      distr: a.log === true ? 3 : 1,
      ...(a.log === true && { log: 10 }),
      ...(a.min !== undefined && { range: (_u: uPlot, lo: number, hi: number): uPlot.Range.MinMax => [a.min!, Math.max(hi, a.min! + 1)] }),
    };
  }

  function drawMarks(spec: ChartSpec): (u: uPlot) => void {
    return (u) => {
      const ctx = u.ctx;
      const ratio = win.devicePixelRatio || 1;
      ctx.save();
      if (spec.ticks !== undefined) {
        ctx.strokeStyle = cssVar(spec.ticks.color) || cssVar('fg');
        ctx.lineWidth = Math.max(1, ratio);
        ctx.beginPath();
        for (const x of spec.ticks.xs) {
          const px = u.valToPos(x, 'x', true);
          ctx.moveTo(px, u.bbox.top);
          ctx.lineTo(px, u.bbox.top + 10 * ratio);
        }
        ctx.stroke();
      }
      if (spec.labels !== undefined) {
        ctx.fillStyle = cssVar('fg');
        ctx.font = `${12 * ratio}px system-ui, sans-serif`;
        for (const l of spec.labels) {
          ctx.fillText(l.text, u.valToPos(l.x, 'x', true) + 7 * ratio, u.valToPos(l.y, 'y', true) - 6 * ratio);
        }
      }
      ctx.restore();
    };
  }

  function options(spec: ChartSpec, width: number): uPlot.Options {
    const axes = [axisOptions(spec.x, 'x', 2, true), axisOptions(spec.y, 'y', 3, true)];
    const scales: uPlot.Scales = { x: { time: false, ...scaleOptions(spec.x) }, y: scaleOptions(spec.y) };
    if (spec.y2 !== undefined) {
      axes.push(axisOptions(spec.y2, 'y2', 1, false));
      scales.y2 = scaleOptions(spec.y2);
    }
    return {
      width,
      height: spec.height,
      scales,
      axes,
      series: [
        { label: spec.x.label, value: (_u, v) => format(spec.x, v) },
        ...spec.series.map((s, i) => seriesOptions(spec, i, s.right === true && spec.y2 !== undefined ? spec.y2 : spec.y)),
      ],
      cursor: { drag: { x: true, y: false } },
      legend: { live: true },
      hooks: { draw: [drawMarks(spec)] },
    };
  }

  function drawAll(): void {
    for (const u of live.values()) u.destroy();
    live.clear();
    for (const spec of page.charts) {
      const el = doc.getElementById(spec.id);
      if (el === null) continue;
      const width = Math.max(320, el.clientWidth);
      live.set(spec.id, new UPlot(options(spec, width), spec.data as uPlot.AlignedData, el));
    }
  }

  drawAll();
  let lastWidth = doc.documentElement.clientWidth;
  const observer = new ResizeObserver(() => {
    const width = doc.documentElement.clientWidth;
    if (width === lastWidth) return;
    lastWidth = width;
    for (const [id, u] of live) {
      const el = doc.getElementById(id);
      if (el !== null) u.setSize({ width: Math.max(320, el.clientWidth), height: u.height });
    }
  });
  observer.observe(doc.documentElement);
  win.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', drawAll);
  win.matchMedia('print').addEventListener('change', drawAll);
  win.addEventListener('beforeprint', drawAll);
  win.addEventListener('afterprint', drawAll);
}
