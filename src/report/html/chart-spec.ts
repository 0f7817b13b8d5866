/**
 * What the page's script needs to draw one chart: plain data, computed in Node. The script
 * (client.ts) turns a spec into a uPlot chart; nothing about a chart is decided in the browser.
 */

/** How an axis is scaled and how its values read. */
export interface AxisSpec {
  label: string;
  log?: boolean;
  /** ms: 12.3 ms / 1.2 s; s: seconds; pct: 1/(1-p) shown as a percentile; usd: $0.41; share: 0..1 shown as 0%..100%. */
  unit: 'ms' | 's' | 'count' | 'perSec' | 'pct' | 'usd' | 'mb' | 'share';
  /** Tick values to show instead of uPlot's own (a log axis of percentiles). */
  splits?: number[];
  min?: number;
}

export type SeriesStyle = 'line' | 'dash' | 'dot' | 'dashdot' | 'area' | 'points' | 'hollow' | 'barsLeft' | 'barsRight';

export interface SeriesSpec {
  label: string;
  /** A custom property of the stylesheet, e.g. `c-warm`, so light and dark differ. */
  color: string;
  style: SeriesStyle;
  /** Drawn against the right-hand axis (y2). */
  right?: boolean;
  /**
   * Stacked: the drawn value is this series' own plus every later stacked series' (areas drawn
   * back to front); the legend shows the series' own part, the difference.
   */
  stacked?: boolean;
  /** Join the points across nulls (a line through a few of many x values). */
  spanGaps?: boolean;
}

export interface ChartSpec {
  id: string;
  height: number;
  x: AxisSpec;
  y: AxisSpec;
  y2?: AxisSpec;
  series: SeriesSpec[];
  /** [x values, then one array per series], all the same length; x ascending. */
  data: (number | null)[][];
  /** Short marks along the top of the plot at these x values (each cold start). */
  ticks?: { xs: number[]; color: string };
  /** Text next to points (configuration names on a scatter). */
  labels?: { x: number; y: number; text: string }[];
}

/** The page's data block: every chart of the page. */
export interface PageData {
  charts: ChartSpec[];
}
