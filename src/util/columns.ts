/**
 * Typed-array columns that grow: numbers kept per row without an object per row (nothing for the
 * garbage collector to copy or mark), the column replaced by a larger copy when it is full.
 */
export type Column = Float64Array | Int32Array | Uint32Array | Uint8Array | Int8Array;

/** A column of the same type with room for `size` rows, holding the rows of `column`. */
export function grownTo<T extends Column>(column: T, size: number): T {
  const next = new (column.constructor as new (length: number) => T)(size);
  next.set(column);
  return next;
}

/**
 * Rows the columns of the requests waiting for their log line (DeferredRequests, on the thread
 * that sends and times requests) jump to when they first grow: room for 524,288 requests (13 s of
 * 40,000 a second) without another copy. Columns that double from a thousand rows copy their rows
 * at each step and write each copy to memory the system has not mapped yet, a page fault per
 * page; the pages of a larger column cost nothing until they are written (a zeroed buffer this
 * large is mapped lazily), and rows reused as requests are decided touch the same pages again.
 * Not for columns that move to another thread and back with each batch: V8 counts a buffer
 * coming back as memory newly held, and tens of MB of it each poll started collections that
 * raised p99 at 2,000 requests/s from 5.0-7.8 ms to 9.5-15.3 ms.
 */
export const RESERVED_ROWS = 1 << 19;

/** The size a column of `rows` rows grows to when full: the reserve at first, then twice as many. */
export function nextRows(rows: number): number {
  return Math.max(RESERVED_ROWS, rows * 2);
}
