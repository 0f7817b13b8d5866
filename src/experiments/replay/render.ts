/** A replay plan as a terminal table, with where its inputs came from. */
import Table from 'cli-table3';
import { formatValue } from '../../gate/metrics.js';
import { formatDuration } from '../../util/duration.js';
import type { ReplayPlan } from './plan.js';

const num = (x: number): string => (Number.isInteger(x) ? x.toLocaleString('en-US') : x.toFixed(1));
/** Dollars (formatValue writes three significant digits below a cent, where a replay's cost usually is); `$0` for none. */
const usd = (x: number): string => (x === 0 ? '$0' : formatValue('usd', x));

export function renderPlan(plan: ReplayPlan): string {
  const table = new Table({
    head: ['option', 'invocations', 'cold starts', 'cold share', 'throttled', 'pings (cold)', 'GB-s', 'cost'],
    style: { head: [], border: [] },
  });
  for (const o of plan.options) {
    const range = o.coldRange[0] === o.coldRange[1] ? '' : ` (${o.coldRange[0]}-${o.coldRange[1]})`;
    table.push([
      o.pingEveryMs === null ? o.name : `ping every ${formatDuration(o.pingEveryMs)}`,
      num(o.invocations),
      `${num(o.coldStarts)}${range}`,
      o.coldShare === null ? '-' : `${(o.coldShare * 100).toFixed(2)}%`,
      num(o.throttled),
      o.pingEveryMs === null ? '-' : `${num(o.pings.invocations)} (${num(o.pings.cold)})`,
      (o.cost.onDemandGbSeconds + o.cost.provisionedRunGbSeconds + o.cost.provisionedGbSeconds).toFixed(3),
      o.cost.total === null ? 'no arm64 provisioned price' : usd(o.cost.total),
    ]);
  }
  return [
    `${plan.name}: replay plan, ${plan.arrivals.toLocaleString('en-US')} arrivals over ${formatDuration(plan.spanMs)}, simulated in ${plan.elapsedMs} ms; nothing was sent`,
    `model: keep-alive ${plan.keepAlive.description} (${plan.keepAlive.source}); duration ${plan.timing.durationMs.toFixed(1)} ms, init ${plan.timing.initMs.toFixed(1)} ms (${plan.timing.source}); ${plan.memoryMB} MB ${plan.architecture}${plan.concurrencyLimit === null ? '' : `; at most ${plan.concurrencyLimit} concurrent`}${plan.runs > 1 ? `; mean of ${plan.runs} draws of the keep-alive (range in brackets)` : ''}`,
    table.toString(),
  ].join('\n');
}
