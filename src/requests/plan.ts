/**
 * The request plan: for request `seq` of a run, which request of the mix goes and which data row
 * it reads. Both are pure functions of (seed, seq): the same profile sends the same sequence
 * whatever the timing, like a `poisson` phase. Draws come from independent streams of the seed
 * (stream 0 picks the request, stream 1 the random row; each {{randomInt}} has its own).
 */
import { mulberry32At, streamSeed } from '../schedule/prng.js';
import type { DataConfig } from '../profile/types.js';
import type { Row, Scope } from './compile.js';
import type { DataFile } from './data/data-file.js';

export const MIX_STREAM = 0;
export const ROW_STREAM = 1;

export interface RequestPlan {
  /** Names of the mix's requests, by index; empty for a target without `requests:`. */
  readonly names: readonly string[];
  /** Index of the request sent as request `seq`. */
  pick(seq: number): number;
  /** What request `seq`'s templates read. The same object every call: use it before the next. */
  scope(seq: number): Scope;
  /** `order: once`: the run ends after this many requests (one per row). */
  readonly limit: number | undefined;
  readonly data: DataFile | undefined;
  readonly order: DataConfig['order'] | undefined;
  close(): void;
}

export interface PlanInput {
  names: readonly string[];
  weights: readonly number[];
  seed: number;
  data?: DataFile;
  order?: DataConfig['order'];
}

export function createPlan(input: PlanInput): RequestPlan {
  const pick = picker(input.weights, streamSeed(input.seed, MIX_STREAM));
  const row = rowPicker(input.data, input.order ?? 'sequential', streamSeed(input.seed, ROW_STREAM));
  const scope: { seq: number; row: Row | undefined } = { seq: 0, row: undefined };
  return {
    names: input.names,
    pick,
    scope: (seq) => {
      scope.seq = seq;
      scope.row = row(seq);
      return scope;
    },
    limit: input.order === 'once' ? input.data?.rows : undefined,
    data: input.data,
    order: input.data === undefined ? undefined : (input.order ?? 'sequential'),
    close: () => input.data?.close(),
  };
}

/**
 * A weighted choice: request i with probability weights[i] / total. The draw u in (0, 1] is
 * scaled to (0, total] and the first request whose cumulative weight reaches it is chosen.
 */
export function picker(weights: readonly number[], seed: number): (seq: number) => number {
  if (weights.length <= 1) return () => 0;
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  const last = weights.length - 1;
  return (seq) => {
    const x = mulberry32At(seed, seq) * total;
    for (let i = 0; i < last; i++) if (x <= cumulative[i]!) return i;
    return last;
  };
}

function rowPicker(data: DataFile | undefined, order: DataConfig['order'], seed: number): (seq: number) => Row | undefined {
  if (data === undefined) return () => undefined;
  const rows = data.rows;
  switch (order) {
    case 'sequential':
    case 'once':
      return (seq) => data.row(seq % rows);
    case 'random':
      // mulberry32At is in (0, 1]: 1 - u is in [0, 1), so the index stays below rows.
      return (seq) => data.row(Math.floor((1 - mulberry32At(seed, seq)) * rows));
  }
}
