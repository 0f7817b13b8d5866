/**
 * Where each row of a large data file starts, in bytes: the only per-row memory kept for a file
 * read from disk. Four bytes a row (a Uint32Array) for files under 4 GiB, eight beyond, grown by
 * doubling, so the index of 10 million rows takes 40 MB while it is built and at most 80 MB.
 */
import { grownTo } from '../../util/columns.js';

export class RowOffsets {
  private starts: Uint32Array | Float64Array;
  private count = 0;
  /** Where the last row ends. */
  end = 0;

  constructor(fileBytes: number) {
    this.starts = fileBytes < 2 ** 32 ? new Uint32Array(1024) : new Float64Array(1024);
  }

  get length(): number {
    return this.count;
  }

  push(start: number): void {
    if (this.count === this.starts.length) this.starts = grownTo(this.starts, this.count * 2);
    this.starts[this.count++] = start;
  }

  /** Bytes of row `i`: from its start to the next row's (or the end of the last row). */
  range(i: number): [number, number] {
    const next = i + 1 < this.count ? this.starts[i + 1]! : this.end;
    return [this.starts[i]!, next];
  }

  /** Memory held, in bytes: the index's cost, for the result and the docs. */
  get bytes(): number {
    return this.starts.byteLength;
  }

  /** Drops the room grown beyond the rows. */
  trim(): void {
    this.starts = this.starts.slice(0, this.count);
  }
}
