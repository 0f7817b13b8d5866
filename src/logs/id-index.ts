/**
 * Request ids to tickets, for the requests waiting for their log line: a Map<string, number> whose
 * ids are kept as bytes in records outside the heap, not as strings.
 *
 * At full speed the reading thread may hold hundreds of thousands of requests for the seconds
 * their lines take to come (all of a closed run's, when its core is busy sending them). In a Map,
 * each is a string and an entry on the heap: about 150 bytes a request, promoted to the old
 * generation, whose growth started marking on V8's helper threads (which run at the process's
 * priority, not the reading thread's low one) while the load ran. Here an id of ASCII characters
 * up to WIDTH long (a Lambda request id is 36) takes a record of 64 bytes outside the heap, its
 * bytes written straight from the batch that brought it (setRow): no string is made for it. Any
 * other id goes to a Map beside them, as before.
 *
 * Open addressing with linear probing over a table of entry numbers; entries are appended in the
 * order they are set, so `values` and `firsts` give that order, as a Map's do (among the ids in
 * the records, then among the others). An entry's id, hash, ticket and length share its record,
 * one cache line: a lookup reads the table's slot and that line, and evicts little of what the
 * thread that sends requests has in the cache of a core they share. Deleted entries leave a hole
 * until the records are full, when they are packed, or grow if more than half are in use.
 */
import { textAt } from './text-column.js';
import type { PackedTexts } from './text-column.js';

/** Bytes an id in the records takes at most. */
export const WIDTH = 48;
/** A record: the id's bytes, then its hash, ticket and length as 32-bit numbers (HASH, TICKET, LENGTH). */
const RECORD = 64;
const WORDS = RECORD / 4;
const HASH = WIDTH / 4;
const TICKET = HASH + 1;
const LENGTH = HASH + 2;
const FIRST_ENTRIES = 1024;
const EMPTY = 0;

export class IdIndex {
  /** Entry e's record: bytes[e * RECORD, (e + 1) * RECORD), the same memory as words[e * WORDS, (e + 1) * WORDS); length 0: deleted. */
  private bytes = new Uint8Array(FIRST_ENTRIES * RECORD);
  private words = new Int32Array(this.bytes.buffer);
  private capacity = FIRST_ENTRIES;
  /** Entry + 1 by slot, EMPTY for none: twice the entries, so that probes stay short. */
  private slots = new Int32Array(2 * FIRST_ENTRIES);
  /** Entries appended so far; the first that may still be live. */
  private end = 0;
  private head = 0;
  private live = 0;
  /** Ids that are not ASCII, or longer than WIDTH. */
  private readonly others = new Map<string, number>();
  /** The bytes of the id a string lookup is for (scan). */
  private readonly scratch = new Uint8Array(WIDTH);

  get size(): number {
    return this.live + this.others.size;
  }

  /** Ids the records hold before they grow. */
  get room(): number {
    return this.capacity;
  }

  set(id: string, ticket: number): void {
    const hash = this.scan(id);
    if (hash === undefined) this.others.set(id, ticket);
    else this.put(this.scratch, 0, id.length, hash, ticket);
  }

  /** `set` of row `row` of packed texts, without making a string of an ASCII id. */
  setRow(texts: PackedTexts, row: number, ticket: number): void {
    const from = row === 0 ? 0 : texts.ends[row - 1]!;
    const n = texts.ends[row]! - from;
    const hash = asciiHash(texts.bytes, from, n);
    if (hash === undefined) this.others.set(textAt(texts, row), ticket);
    else this.put(texts.bytes, from, n, hash, ticket);
  }

  get(id: string): number | undefined {
    const hash = this.scan(id);
    if (hash === undefined) return this.others.get(id);
    const slot = this.slotOf(this.scratch, 0, id.length, hash);
    return slot >= 0 ? this.words[(this.slots[slot]! - 1) * WORDS + TICKET] : undefined;
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  delete(id: string): boolean {
    const hash = this.scan(id);
    if (hash === undefined) return this.others.delete(id);
    const slot = this.slotOf(this.scratch, 0, id.length, hash);
    if (slot < 0) return false;
    const e = this.slots[slot]! - 1;
    this.words[e * WORDS + LENGTH] = 0;
    this.live--;
    this.removeSlot(slot);
    while (this.head < this.end && this.words[this.head * WORDS + LENGTH] === 0) this.head++;
    return true;
  }

  clear(): void {
    this.slots.fill(EMPTY);
    this.end = this.head = this.live = 0;
    this.others.clear();
  }

  /** The tickets, in the order their ids were first set: those in the records, then the others. */
  *values(): IterableIterator<number> {
    for (let e = this.head; e < this.end; e++) if (this.words[e * WORDS + LENGTH] !== 0) yield this.words[e * WORDS + TICKET]!;
    yield* this.others.values();
  }

  /** The first ticket of the records and of the others (the oldest of each), where there is one. */
  firsts(): number[] {
    const out: number[] = [];
    if (this.head < this.end) out.push(this.words[this.head * WORDS + TICKET]!);
    const other = this.others.values().next();
    if (other.done !== true) out.push(other.value);
    return out;
  }

  private append(hash: number, ticket: number, length: number): number {
    if (this.end === this.capacity) this.makeRoom();
    const e = this.end++;
    const w = e * WORDS;
    this.words[w + HASH] = hash;
    this.words[w + TICKET] = ticket;
    this.words[w + LENGTH] = length;
    this.live++;
    return e;
  }

  /** The records are full: pack them when half or more are deleted, else double them. */
  private makeRoom(): void {
    if (this.live > this.capacity / 2) {
      this.capacity *= 2;
      const bytes = new Uint8Array(this.capacity * RECORD);
      bytes.set(this.bytes);
      this.bytes = bytes;
      this.words = new Int32Array(bytes.buffer);
      this.slots = new Int32Array(2 * this.capacity);
    } else this.slots.fill(EMPTY);
    let to = 0;
    for (let e = this.head; e < this.end; e++) {
      if (this.words[e * WORDS + LENGTH] === 0) continue;
      if (to !== e) this.bytes.copyWithin(to * RECORD, e * RECORD, (e + 1) * RECORD);
      to++;
    }
    this.end = to;
    this.head = 0;
    for (let e = 0; e < to; e++) this.insertSlot(e);
  }

  private insertSlot(e: number): void {
    const mask = this.slots.length - 1;
    let s = this.words[e * WORDS + HASH]! & mask;
    while (this.slots[s] !== EMPTY) s = (s + 1) & mask;
    this.slots[s] = e + 1;
  }

  /** Empties `slot` and moves back the entries after it that probed past it (no tombstones). */
  private removeSlot(slot: number): void {
    const mask = this.slots.length - 1;
    let hole = slot;
    let s = slot;
    for (;;) {
      s = (s + 1) & mask;
      const entry = this.slots[s]!;
      if (entry === EMPTY) break;
      const home = this.words[(entry - 1) * WORDS + HASH]! & mask;
      // The entry may fill the hole only if the hole lies between its home slot and where it is.
      if (((s - home) & mask) >= ((s - hole) & mask)) {
        this.slots[hole] = entry;
        hole = s;
      }
    }
    this.slots[hole] = EMPTY;
  }

  /** The id in src[from, from + n) (ASCII, hashed) gets `ticket`: its entry's, or a new one's. */
  private put(src: Uint8Array, from: number, n: number, hash: number, ticket: number): void {
    const slot = this.slotOf(src, from, n, hash);
    if (slot >= 0) {
      this.words[(this.slots[slot]! - 1) * WORDS + TICKET] = ticket;
      return;
    }
    const e = this.append(hash, ticket, n);
    this.bytes.set(src.subarray(from, from + n), e * RECORD);
    this.insertSlot(e);
  }

  /** The slot of the entry whose id is src[from, from + n), or -1. */
  private slotOf(src: Uint8Array, from: number, n: number, hash: number): number {
    const mask = this.slots.length - 1;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const entry = this.slots[s]!;
      if (entry === EMPTY) return -1;
      const e = entry - 1;
      if (this.words[e * WORDS + HASH] !== hash || this.words[e * WORDS + LENGTH] !== n) continue;
      const at = e * RECORD;
      let k = 0;
      while (k < n && this.bytes[at + k] === src[from + k]) k++;
      if (k === n) return s;
    }
  }

  /**
   * An id's bytes written to `scratch`, to be looked up as a row's are, and their hash
   * (asciiHash); undefined for an id not ASCII, or empty, or longer than WIDTH.
   */
  private scan(id: string): number | undefined {
    const n = id.length;
    if (n > WIDTH) return undefined;
    for (let k = 0; k < n; k++) {
      const c = id.charCodeAt(k);
      if (c >= 0x80) return undefined;
      this.scratch[k] = c;
    }
    return asciiHash(this.scratch, 0, n);
  }
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/**
 * FNV-1a of bytes[from, from + n), its high bits folded into the low ones (which pick the slot);
 * undefined unless they are 1 to WIDTH bytes of ASCII.
 */
function asciiHash(bytes: Uint8Array, from: number, n: number): number | undefined {
  if (n === 0 || n > WIDTH) return undefined;
  let h = FNV_OFFSET;
  for (let k = 0; k < n; k++) {
    const b = bytes[from + k]!;
    if (b >= 0x80) return undefined;
    h = Math.imul(h ^ b, FNV_PRIME);
  }
  return h ^ (h >>> 15);
}
