/**
 * What a simulated replay costs on Lambda, from its billed milliseconds:
 *
 *   on demand     requests x price per request + GB-s x price per GB-s (by architecture)
 *   provisioned   + N x memory (GB) x enabled seconds x provisioned price per GB-s
 *                 + GB-s run on provisioned environments x their duration price (instead of on demand)
 *
 * "Provisioned Concurrency is calculated from the time you enable it on your function until it
 * is disabled, rounded up to the nearest five minutes" (https://aws.amazon.com/lambda/pricing/);
 * the replay's span is taken as that time. Provisioned prices, x86_64 us-east-1, from the AWS
 * Price List (AWSLambda offer, usage types "Lambda Provisioned-Concurrency" and "Lambda
 * Duration-Provisioned"): $0.0000041667 and $0.0000097222 per GB-s. No arm64 provisioned price is
 * built in: those options get no cost rather than a wrong one. Not modelled: the free tier,
 * volume tiers, ephemeral storage, regional prices (src/lambda/cost.ts).
 */
import type { Architecture } from '../../lambda/cost.js';
import { gbSeconds } from '../../lambda/cost.js';
import type { PriceConfig } from '../../profile/types.js';
import type { Simulation } from './simulate.js';

export const PROVISIONED_X86_PER_GB_SECOND = 0.0000041667;
export const PROVISIONED_DURATION_X86_PER_GB_SECOND = 0.0000097222;
const FIVE_MINUTES_MS = 300_000;

export interface PlanCost {
  requests: number;
  /** GB-seconds billed at the on-demand rate. */
  onDemandGbSeconds: number;
  /** GB-seconds of invocations run on provisioned environments. */
  provisionedRunGbSeconds: number;
  /** GB-seconds of provisioned concurrency kept enabled. */
  provisionedGbSeconds: number;
  /** USD; null when a price is not known (provisioned concurrency on arm64). */
  total: number | null;
}

export function planCost(sim: Simulation, provisioned: number, memoryMB: number, architecture: Architecture, prices: PriceConfig): PlanCost {
  const requests = sim.requests.invocations + sim.pings.invocations;
  const onDemandGbSeconds = gbSeconds(sim.requests.onDemandBilledMs + sim.pings.onDemandBilledMs, memoryMB);
  const provisionedRunGbSeconds = gbSeconds(sim.requests.provisionedBilledMs + sim.pings.provisionedBilledMs, memoryMB);
  const enabledMs = provisioned > 0 ? Math.ceil(Math.max(sim.spanMs, 1) / FIVE_MINUTES_MS) * FIVE_MINUTES_MS : 0;
  const provisionedGbSeconds = provisioned * gbSeconds(enabledMs, memoryMB);
  const onDemandRate = architecture === 'arm64' ? prices.arm64PerGBSecond : prices.x86_64PerGBSecond;
  const base = requests * prices.perRequest + onDemandGbSeconds * onDemandRate;
  if (provisioned === 0) return { requests, onDemandGbSeconds, provisionedRunGbSeconds, provisionedGbSeconds, total: base };
  const total = architecture === 'arm64'
    ? null
    : base + provisionedGbSeconds * PROVISIONED_X86_PER_GB_SECOND + provisionedRunGbSeconds * PROVISIONED_DURATION_X86_PER_GB_SECOND;
  return { requests, onDemandGbSeconds, provisionedRunGbSeconds, provisionedGbSeconds, total };
}
