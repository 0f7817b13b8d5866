/**
 * Lambda cost from billed duration and memory, as AWS computes it:
 *
 *   GB-seconds  = (billedMs / 1000) * (memoryMB / 1024)
 *   compute     = GB-seconds * price per GB-second (by architecture)
 *   request     = invocations * price per request
 *
 * First-tier us-east-1 prices by default (LAMBDA-FACTS section 5); a profile may override them.
 * Not modelled: the free tier, volume tiers, ephemeral storage above 512 MB, provisioned
 * concurrency and regional prices.
 */
import type { PriceConfig } from '../profile/types.js';

export type Architecture = 'x86_64' | 'arm64';

export const DEFAULT_PRICES: PriceConfig = Object.freeze({
  x86_64PerGBSecond: 0.0000166667,
  arm64PerGBSecond: 0.0000133334,
  /** $0.20 per million requests. */
  perRequest: 0.0000002,
});

/** Defaults with the profile's overrides on top (only finite, non-negative values are taken). */
export function resolvePrices(overrides?: Partial<PriceConfig>): PriceConfig {
  const prices: PriceConfig = { ...DEFAULT_PRICES };
  for (const key of ['x86_64PerGBSecond', 'arm64PerGBSecond', 'perRequest'] as const) {
    const value = overrides?.[key];
    if (value !== undefined && Number.isFinite(value) && value >= 0) prices[key] = value;
  }
  return prices;
}

export function gbSeconds(billedMs: number, memoryMB: number): number {
  if (!validAmount(billedMs) || !validAmount(memoryMB)) return 0;
  return (billedMs / 1000) * (memoryMB / 1024);
}

function ratePerGBSecond(arch: Architecture, prices: PriceConfig): number {
  return arch === 'arm64' ? prices.arm64PerGBSecond : prices.x86_64PerGBSecond;
}

/** One invocation: compute for its billed duration plus the request price. */
export function invocationCostUsd(
  billedMs: number,
  memoryMB: number,
  arch: Architecture,
  prices: PriceConfig = DEFAULT_PRICES,
): number {
  return gbSeconds(billedMs, memoryMB) * ratePerGBSecond(arch, prices) + prices.perRequest;
}

export interface CostSummary {
  /** USD for the whole run. */
  total: number;
  /**
   * USD per million invocations at this run's mix: the compute of the invocations with a REPORT,
   * per invocation, plus the request price (total / invocations * 1e6 when every one had a
   * REPORT). An invocation with no REPORT has an unknown compute, not a free one.
   */
  per1M: number;
  invocations: number;
  /** Invocations with no REPORT: counted for the request price only (their duration is unknown). */
  unreported: number;
  gbSeconds: number;
  requestCost: number;
  computeCost: number;
  architecture: Architecture;
  prices: PriceConfig;
  /**
   * True when the memory or architecture priced were not read from the function itself (an
   * endpoint without a control plane): they are the profile's target.memory / target.architecture.
   */
  estimated?: boolean;
}

/** An accumulator's sums, without its prices (CostAccumulator.take). */
export interface CostCounts {
  invocations: number;
  unreported: number;
  gbSeconds: number;
}

/**
 * Adds up a run. Every invocation pays the request price; only those with a REPORT add compute.
 * GB-seconds are summed first and priced once, so the total does not drift with the count.
 */
export class CostAccumulator {
  readonly architecture: Architecture;
  readonly prices: PriceConfig;
  #invocations = 0;
  #unreported = 0;
  #gbSeconds = 0;

  constructor(architecture: Architecture = 'x86_64', prices: PriceConfig = DEFAULT_PRICES) {
    this.architecture = architecture;
    this.prices = { ...prices };
  }

  /** One invocation with a REPORT. A non-finite or negative value counts it as unreported. */
  add(billedMs: number, memoryMB: number): void {
    if (!validAmount(billedMs) || !validAmount(memoryMB)) {
      this.addUnreported();
      return;
    }
    this.#invocations++;
    this.#gbSeconds += gbSeconds(billedMs, memoryMB);
  }

  /** One invocation whose REPORT is missing: it is still a billed request. */
  addUnreported(): void {
    this.#invocations++;
    this.#unreported++;
  }

  /**
   * What was added since the last take, and this accumulator empty again: another thread's
   * share of a run, which the run's own accumulator then absorbs (prices are not carried).
   */
  take(): CostCounts {
    const counts = { invocations: this.#invocations, unreported: this.#unreported, gbSeconds: this.#gbSeconds };
    this.#invocations = 0;
    this.#unreported = 0;
    this.#gbSeconds = 0;
    return counts;
  }

  /** Adds counts taken from another accumulator. */
  absorb(counts: CostCounts): void {
    this.#invocations += counts.invocations;
    this.#unreported += counts.unreported;
    this.#gbSeconds += counts.gbSeconds;
  }

  /** Invocations counted so far. */
  get invocations(): number {
    return this.#invocations;
  }

  /** USD so far, without building a summary: a spend cap reads it after every request. */
  get total(): number {
    return this.#computeCost() + this.#requestCost();
  }

  summary(): CostSummary {
    const computeCost = this.#computeCost();
    const requestCost = this.#requestCost();
    return {
      total: computeCost + requestCost,
      per1M: perMillion(computeCost, this.#invocations, this.#unreported, this.prices),
      invocations: this.#invocations,
      unreported: this.#unreported,
      gbSeconds: this.#gbSeconds,
      requestCost,
      computeCost,
      architecture: this.architecture,
      prices: { ...this.prices },
    };
  }

  #computeCost(): number {
    return this.#gbSeconds * ratePerGBSecond(this.architecture, this.prices);
  }

  #requestCost(): number {
    return this.#invocations * this.prices.perRequest;
  }
}

/**
 * USD per million invocations: the compute of those with a REPORT, per invocation, plus the
 * request price. With none reported, the request price alone (`unreported` says so).
 */
export function perMillion(computeCost: number, invocations: number, unreported: number, prices: PriceConfig): number {
  if (invocations === 0) return 0;
  const reported = invocations - unreported;
  return ((reported === 0 ? 0 : computeCost / reported) + prices.perRequest) * 1_000_000;
}

function validAmount(value: number): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
