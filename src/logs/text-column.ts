/**
 * Strings kept as UTF-8 bytes in one column, for a batch that crosses to another thread. A
 * request id kept as a string for the second or two until its batch leaves would be copied by
 * each young-generation collection of the thread that sends and times requests, and promoted;
 * written here, the string is garbage at once, and the bytes leave with the message without
 * being copied nor serialized one string at a time: they are in shared memory (sharedColumn).
 */
import { grownTo, sharedColumn } from '../util/columns.js';

export interface PackedTexts {
  bytes: Uint8Array;
  /** Where each text ends in `bytes`: text i is bytes[ends[i - 1] ?? 0, ends[i]). */
  ends: Uint32Array;
}

const FIRST_TEXTS = 1024;
/** Bytes a UTF-16 code unit takes in UTF-8, at most. */
const MAX_BYTES_PER_UNIT = 3;

export class TextColumn {
  private bytes: Buffer;
  private ends: Uint32Array;
  private count = 0;
  private used = 0;

  /** Room for `texts` texts of `bytesEach` bytes before the column grows. */
  constructor(texts = FIRST_TEXTS, bytesEach = 40) {
    this.bytes = sharedBytes(texts * bytesEach);
    this.ends = sharedColumn(Uint32Array, texts);
  }

  /**
   * An ASCII text (a Lambda request id: the usual one) is written by the loop, in JavaScript the
   * compiler builds into its caller; any other, from its start again, by Buffer.write. Every id
   * through Buffer.write, a call into Node's C++, cost the thread that sends and times requests
   * 0.20 µs a request more in closed runs at full speed with logs on, 0.35 during the load
   * (medians of 24 pairs of builds, `bench/logs-pairs.mjs --against`; 17 of the 24 pairs dearer).
   */
  push(text: string): void {
    if (this.count === this.ends.length) this.ends = grownTo(this.ends, this.count * 2);
    const n = text.length;
    if (n > 0) {
      const room = this.used + n * MAX_BYTES_PER_UNIT;
      if (room > this.bytes.length) this.bytes = grown(this.bytes, this.used, room);
      const { bytes, used } = this;
      let k = 0;
      for (; k < n; k++) {
        const c = text.charCodeAt(k);
        if (c >= 0x80) break;
        bytes[used + k] = c;
      }
      this.used += k === n ? n : bytes.write(text, used, 'utf8');
    }
    this.ends[this.count++] = this.used;
  }

  get length(): number {
    return this.count;
  }

  /**
   * The texts pushed since the last take, in buffers of their own (the reader's until it gives
   * them back); the column starts again, empty, with room for as many: in the buffers of `spare`
   * (a batch taken before, given back) where they are large enough, else in new ones.
   */
  take(spare?: PackedTexts): PackedTexts {
    const out: PackedTexts = { bytes: new Uint8Array(this.bytes.buffer, 0, this.used), ends: new Uint32Array(this.ends.buffer, 0, this.count) };
    const bytes = spare?.bytes.buffer;
    const ends = spare?.ends.buffer;
    this.bytes = bytes !== undefined && bytes.byteLength >= this.bytes.length ? Buffer.from(bytes) : sharedBytes(this.bytes.length);
    this.ends = ends !== undefined && ends.byteLength >= this.ends.byteLength ? new Uint32Array(ends) : sharedColumn(Uint32Array, this.ends.length);
    this.count = 0;
    this.used = 0;
    return out;
  }
}

/** No texts, in shared memory as every column of a batch is. */
export function noTexts(): PackedTexts {
  return { bytes: new Uint8Array(new SharedArrayBuffer(0)), ends: sharedColumn(Uint32Array, 0) };
}

/**
 * Reads packed texts back: text i. A column of empty texts only (the front ids of a batch that
 * did not go through API Gateway, or none handed over) is read without decoding.
 */
export function textReader(texts: PackedTexts): (i: number) => string {
  if (texts.bytes.length === 0) return () => '';
  const bytes = Buffer.from(texts.bytes.buffer, texts.bytes.byteOffset, texts.bytes.byteLength);
  return (i) => bytes.toString('utf8', i === 0 ? 0 : texts.ends[i - 1], texts.ends[i]);
}

/** Text i of packed texts, alone (textReader reads many). */
export function textAt(texts: PackedTexts, i: number): string {
  const from = i === 0 ? 0 : texts.ends[i - 1]!;
  return Buffer.from(texts.bytes.buffer, texts.bytes.byteOffset + from, texts.ends[i]! - from).toString('utf8');
}

function sharedBytes(size: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(size));
}

function grown(bytes: Buffer, used: number, atLeast: number): Buffer {
  const next = sharedBytes(Math.max(atLeast, bytes.length * 2));
  bytes.copy(next, 0, 0, used);
  return next;
}
