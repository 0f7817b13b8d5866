/** The messages between a run and its log reading thread (worker-source.ts, read-worker.ts). */
import type { FilterPage, FilterParams, LogsFailureKind } from './api.js';
import type { AccessRecord } from './events.js';
import type { PackedEvents } from './packed-events.js';
import type { ReadStats } from './reader.js';
import type { RoundRequest } from './source.js';

/** A failure, as a LogsApiError's parts (kind undefined: not one). */
export interface FailureData {
  kind: LogsFailureKind | undefined;
  awsName: string;
  message: string;
}

export type ToReader =
  | { type: 'round'; id: number; request: RoundRequest }
  | { type: 'filter'; id: number; params: FilterParams }
  | { type: 'abort'; id: number }
  | { type: 'answer'; ask: number; value: unknown }
  | { type: 'close' };

export type FromReader =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'platform'; packed: PackedEvents }
  | { type: 'access'; records: AccessRecord[] }
  | ({ type: 'ask'; ask: number } & ({ what: 'ranges'; covered: number } | { what: 'keepFrom' }))
  | { type: 'filtered'; id: number; page?: FilterPage; error?: FailureData }
  | { type: 'done'; id: number; stats: ReadStats; error?: FailureData };
