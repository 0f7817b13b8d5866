/**
 * The report's stylesheet: system fonts, light and dark colours from prefers-color-scheme (the
 * charts read the same custom properties), and print rules. Series colours are the Okabe-Ito
 * palette, told apart by people with the common colour-vision deficiencies; every chart also
 * tells its series apart by dash or marker. Print always uses the light colours (the dark ones
 * apply to screens only), and the page redraws its charts when printing starts.
 */
export const REPORT_CSS = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --panel: #f6f8fa;
  --pass: #116329; --fail: #b3261e; --warn: #7d4e00;
  --c-all: #57606a; --c-warm: #0072b2; --c-cold: #d55e00; --c-init: #8e4a9a; --c-ok: #0072b2;
  --c-err: #d55e00; --c-thr: #e69f00; --c-drop: #8e4a9a; --c-p50: #009e73; --c-p90: #0072b2;
  --c-p99: #d55e00; --c-cost: #57606a; --c-grid: rgba(0, 0, 0, 0.08);
  --c-s1: #0072b2; --c-s2: #d55e00; --c-s3: #009e73; --c-s4: #8e4a9a; --c-s5: #e69f00; --c-s6: #56b4e9;
}
@media screen and (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9ea7b3; --line: #30363d; --panel: #161b22;
    --pass: #56d364; --fail: #ff7b72; --warn: #e3b341;
    --c-all: #b1bac4; --c-warm: #56b4e9; --c-cold: #ff9a52; --c-init: #d7a1e0; --c-ok: #56b4e9;
    --c-err: #ff9a52; --c-thr: #f0e442; --c-drop: #d7a1e0; --c-p50: #3ddbb0; --c-p90: #56b4e9;
    --c-p99: #ff9a52; --c-cost: #b1bac4; --c-grid: rgba(255, 255, 255, 0.1);
    --c-s1: #56b4e9; --c-s2: #ff9a52; --c-s3: #3ddbb0; --c-s4: #d7a1e0; --c-s5: #f0e442; --c-s6: #9ecbf0;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 1.5rem; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 1.15rem; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
p.meta { color: var(--muted); margin: 0 0 16px; overflow-wrap: anywhere; }
.status { display: inline-block; padding: 1px 8px; border-radius: 10px; border: 1px solid currentColor; font-size: 0.85rem; font-weight: 600; vertical-align: middle; }
.pass { color: var(--pass); } .fail { color: var(--fail); } .warn { color: var(--warn); }
dl.headline { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; margin: 0; }
dl.headline div { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
dl.headline dt { color: var(--muted); font-size: 0.8rem; }
dl.headline dd { margin: 0; font-size: 1.1rem; font-weight: 600; font-variant-numeric: tabular-nums; }
figure { margin: 16px 0 24px; break-inside: avoid; }
figcaption { color: var(--fg); margin: 4px 0 6px; }
figcaption strong { display: block; }
.chart { width: 100%; min-height: 40px; }
.empty { color: var(--muted); font-style: italic; border: 1px dashed var(--line); padding: 16px; border-radius: 6px; }
details { margin-top: 6px; }
summary { cursor: pointer; color: var(--muted); }
.scroll { max-height: 420px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.88rem; }
th, td { padding: 3px 10px; text-align: right; border-bottom: 1px solid var(--line); white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
td.text, th.text { text-align: left; white-space: normal; overflow-wrap: break-word; }
.wide { overflow-x: auto; }
thead th { position: sticky; top: 0; background: var(--panel); }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px; overflow: auto; font-size: 0.85rem; }
ul.warnings li { color: var(--warn); }
.uplot { font-family: inherit; }
.uplot .u-legend { font-size: 0.8rem; }
.uplot .u-legend .u-marker { border-radius: 2px; }
@media print {
  :root { color-scheme: light; }
  a { color: inherit; }
  body { background: #fff; color: #000; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  details, .u-legend .u-value { display: none; }
  h2 { break-after: avoid; }
  figure, dl.headline div, table { break-inside: avoid; }
  .chart canvas { max-width: 100%; height: auto !important; }
}
`;
