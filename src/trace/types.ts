/**
 * A trace of arrivals read from a file: counts per minute (the Azure Functions 2019 dataset, a
 * plain list of counts) or instants. Offsets are milliseconds from the trace's origin.
 */

export type TraceFormat = 'azure-functions-2019' | 'timestamps' | 'per-minute';

export type Trace =
  | {
      kind: 'per-minute';
      /** Invocations in each minute, the trace's first minute first. */
      counts: number[];
      /** The name of the first minute's column in the file (Azure: 1 for a whole day's file). */
      firstMinuteLabel?: number;
    }
  | {
      kind: 'timestamps';
      /** Instants in ms from the origin, ascending. */
      offsetsMs: number[];
    };

/** What went wrong, and in which field of the replay phase the user should look. */
export interface TraceProblem {
  field: 'file' | 'function' | 'from' | 'duration';
  message: string;
}

export type TraceResult<T> = { ok: true; value: T } | { ok: false; problem: TraceProblem };

export const ok = <T>(value: T): TraceResult<T> => ({ ok: true, value });
export const fail = (field: TraceProblem['field'], message: string): TraceResult<never> => ({ ok: false, problem: { field, message } });
