/**
 * Typed-array columns that grow: numbers kept per row without an object per row (nothing for the
 * garbage collector to copy or mark), the column replaced by a larger copy when it is full.
 */
export type Column = Float64Array | Int32Array | Uint32Array | Uint8Array | Int8Array;

type ColumnType<T extends Column> = { new (buffer: ArrayBufferLike): T; new (length: number): T; BYTES_PER_ELEMENT: number };

/**
 * A column of the same type with room for `size` rows, holding the rows of `column`; in shared
 * memory when `column` is (sharedColumn).
 */
export function grownTo<T extends Column>(column: T, size: number): T {
  const type = column.constructor as ColumnType<T>;
  const next = column.buffer instanceof SharedArrayBuffer ? sharedColumn(type, size) : new type(size);
  next.set(column);
  return next;
}

/**
 * A column of `size` zeroed rows in a SharedArrayBuffer: posted to another thread, it is shared
 * rather than copied or transferred. A transfer detaches the buffer from the sending thread, and
 * the first buffer a thread ever detaches makes V8 drop the optimized code of every function that
 * reads a typed array there (code that knew no buffer was detached), to compile it again with a
 * check on each read.
 */
export function sharedColumn<T extends Column>(type: ColumnType<T>, size: number): T {
  return new type(new SharedArrayBuffer(size * type.BYTES_PER_ELEMENT));
}
