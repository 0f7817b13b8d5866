/** What the HTTP handlers share: the function pools, the log store, and how names and ARNs resolve. */
import type { LogStore } from './cloudwatch/log-store.js';
import type { TokenBucket } from './concurrency.js';
import type { FunctionPool } from './function-pool.js';

export interface EmulatorCore {
  pools: Map<string, FunctionPool>;
  region: string;
  accountId: string;
  accountConcurrency: number;
  /** CloudWatch Logs: the functions' log groups and the API Gateway front's access logs. */
  logs: LogStore;
  /** When set, the Logs API's request rate (requests past it are throttled). */
  logsApiRate: TokenBucket | undefined;
  /** Async (Event) invocations still running or waiting to be retried. */
  background: Set<Promise<unknown>>;
  /** Aborted by close(): ends the waits between async retries at once. */
  stopping: AbortController;
  closed: boolean;
}

export interface FunctionRef {
  name: string;
  qualifier: string | undefined;
}

/**
 * FunctionName as the API takes it: `name`, `name:qualifier`, `123456789012:function:name`, or
 * `arn:aws:lambda:region:account:function:name[:qualifier]`.
 */
export function parseFunctionName(raw: string): FunctionRef {
  const parts = raw.split(':');
  const fnAt = parts.indexOf('function');
  if (fnAt >= 0 && parts[fnAt + 1] !== undefined) {
    return { name: parts[fnAt + 1]!, qualifier: parts[fnAt + 2] };
  }
  return { name: parts[0] ?? '', qualifier: parts[1] };
}

/** The pool, or a not-found message as Lambda words it. Only $LATEST is a known qualifier. */
export function resolvePool(
  core: EmulatorCore,
  rawName: string,
  queryQualifier: string | undefined,
): { pool: FunctionPool } | { notFound: string } {
  const ref = parseFunctionName(rawName);
  const qualifier = queryQualifier ?? ref.qualifier;
  const pool = core.pools.get(ref.name);
  const arn = `arn:aws:lambda:${core.region}:${core.accountId}:function:${ref.name}`;
  if (pool === undefined) return { notFound: `Function not found: ${arn}` };
  if (qualifier !== undefined && qualifier !== '$LATEST') return { notFound: `Function not found: ${arn}:${qualifier}` };
  return { pool };
}
