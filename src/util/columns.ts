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
