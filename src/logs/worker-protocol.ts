/** The messages between a run and its log reading thread (worker-source.ts, read-worker.ts). */
import type { FilterPage, FilterParams, LogsFailureKind } from './api.js';
import type { ReadStats } from './reader.js';
import type { JoinSetup, RoundRequest } from './source.js';
import type { Decided, DeferBatch, EncodedFigures, TallySetup } from './thread-join.js';

/** A failure, as a LogsApiError's parts (kind undefined: not one). */
export interface FailureData {
  kind: LogsFailureKind | undefined;
  awsName: string;
  message: string;
}

export type ToReader =
  /**
   * `epochOffsetMs`: epoch ms minus the run's clock (the times of the requests handed over).
   * `tally`: what the thread needs to count plain decisions as the run's recorder would
   * (ThreadRecorder.countPlainHere).
   */
  | { type: 'attach'; setup: JoinSetup; epochOffsetMs: number; tally: TallySetup }
  | { type: 'window'; fromMs: number; toMs: number }
  /** Batches of requests handed to the join, sent as each fills. */
  | { type: 'defers'; defers: DeferBatch[] }
  /** The requests handed to the join and not sent yet come with the round, or with the finish. */
  | { type: 'round'; id: number; request: RoundRequest; defers?: DeferBatch[] }
  | { type: 'finish'; id: number; defers?: DeferBatch[] }
  | { type: 'filter'; id: number; params: FilterParams }
  | { type: 'abort'; id: number }
  | { type: 'close' };

export type FromReader =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  /** Decisions, and the requests still waiting for a line after them. */
  | { type: 'decisions'; decided: Decided; pending: number }
  | { type: 'filtered'; id: number; page?: FilterPage; error?: FailureData }
  /**
   * Batches of requests the thread has taken in (it keeps copies): their buffers go back to hold
   * the next ones. `pending` counts their requests.
   */
  | { type: 'spare'; spare: DeferBatch[]; pending: number }
  /** `retrying`: of the pending, async events that may still be retried (LogJoin.retrying). */
  | { type: 'done'; id: number; stats: ReadStats; pending: number; retrying: number; error?: FailureData }
  | { type: 'finished'; id: number; stats: ReadStats; figures?: EncodedFigures; error?: FailureData };
