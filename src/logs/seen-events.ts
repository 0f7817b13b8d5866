/**
 * The ids of the events a group reader has read, so that an event a later window reads again is
 * dropped. Overlapping windows and sweeps read the same events again: each is dropped while its id
 * is remembered here; past that, an event not later than an id forgotten (forgottenUpTo) may have
 * been read before, and the reader marks it so that it is never counted twice.
 *
 * So this must remember every id a window may still read, which at tens of thousands of events
 * a second and an overlap of tens of seconds (the ingestion lag's spread) is a million ids. A
 * Map of the id strings costs about 110 bytes an id and a collection that copies them; here an
 * id is a 64-bit hash of its text in typed arrays (a million ids hold 32.8 MB: a table of 2^21
 * slots of 8 bytes and an insertion order of 16 bytes an id), and nothing is allocated per event.
 *
 * Two different ids with the same hash would drop the second as read before: with a million ids
 * remembered, one event in about 10^13. Such an event would leave its request `unknown` (no
 * line), never counted twice nor given another's line.
 */

/** Slots of the first table (it doubles past half full). */
const FIRST_TABLE = 1 << 16;

export class SeenEvents {
  /** Open addressing, linear probing: hash halves by slot, `low` 0 for an empty slot (a hash's low half is odd). */
  private high: Int32Array;
  private low: Int32Array;
  /** Insertion order, a ring from `head`: each id's hash and the event's timestamp. One entry per id in the table. */
  private orderHigh: Int32Array;
  private orderLow: Int32Array;
  private orderTime: Float64Array;
  private head = 0;
  private count = 0;
  private forgotten = -Infinity;

  /** Past `max` ids, the oldest is forgotten for each new one. `firstSlots`: a power of two. */
  constructor(
    private readonly max: number,
    firstSlots = FIRST_TABLE,
  ) {
    this.high = new Int32Array(firstSlots);
    this.low = new Int32Array(firstSlots);
    const ring = Math.max(1, Math.min(max, firstSlots / 2));
    this.orderHigh = new Int32Array(ring);
    this.orderLow = new Int32Array(ring);
    this.orderTime = new Float64Array(ring);
  }

  /** Ids remembered. */
  get size(): number {
    return this.count;
  }

  /**
   * The latest timestamp of an id forgotten (-Infinity: none). An event not remembered that is
   * not later than this may have been read before, its id since forgotten.
   */
  get forgottenUpTo(): number {
    return this.forgotten;
  }

  /** Remembers an event's id; false when it was remembered already (read before). */
  add(eventId: string, timestamp: number): boolean {
    const high = hashHigh(eventId);
    const low = hashLow(eventId);
    let slot = this.slotOf(high, low);
    if (this.low[slot] !== 0) return false;
    if (this.count === this.max) {
      this.forgetOldest();
      slot = this.slotOf(high, low);
    }
    if (2 * (this.count + 1) > this.high.length) {
      this.rehash(this.high.length * 2);
      slot = this.slotOf(high, low);
    }
    this.high[slot] = high;
    this.low[slot] = low;
    this.remember(high, low, timestamp);
    return true;
  }

  /**
   * Forgets, from the oldest on, the ids of events with a timestamp before `before`, and stops at
   * the first that is not: an older event added later (a sweep's) is kept until then, which
   * costs room, never a second count.
   */
  forgetBefore(before: number): void {
    while (this.count > 0 && this.orderTime[this.head]! < before) this.forgetOldest();
  }

  private forgetOldest(): void {
    const ring = this.orderTime.length;
    if (this.orderTime[this.head]! > this.forgotten) this.forgotten = this.orderTime[this.head]!;
    this.remove(this.orderHigh[this.head]!, this.orderLow[this.head]!);
    this.head = (this.head + 1) % ring;
    this.count--;
  }

  private remember(high: number, low: number, timestamp: number): void {
    if (this.count === this.orderTime.length) this.growOrder();
    const at = (this.head + this.count) % this.orderTime.length;
    this.orderHigh[at] = high;
    this.orderLow[at] = low;
    this.orderTime[at] = timestamp;
    this.count++;
  }

  /** The id's slot, or the empty slot where it would go. */
  private slotOf(high: number, low: number): number {
    const mask = this.high.length - 1;
    let slot = (high ^ low) & mask;
    while (this.low[slot] !== 0 && (this.high[slot] !== high || this.low[slot] !== low)) slot = (slot + 1) & mask;
    return slot;
  }

  /** Empties the id's slot, moving back the ids after it that probed past it (backward shift). */
  private remove(high: number, low: number): void {
    const mask = this.high.length - 1;
    let hole = this.slotOf(high, low);
    if (this.low[hole] === 0) return;
    for (let next = (hole + 1) & mask; this.low[next] !== 0; next = (next + 1) & mask) {
      const home = (this.high[next]! ^ this.low[next]!) & mask;
      // The id at `next` may fill the hole unless its home lies in (hole, next], cyclically.
      const stays = hole <= next ? home > hole && home <= next : home > hole || home <= next;
      if (stays) continue;
      this.high[hole] = this.high[next]!;
      this.low[hole] = this.low[next]!;
      hole = next;
    }
    this.low[hole] = 0;
    this.high[hole] = 0;
  }

  private rehash(slots: number): void {
    this.high = new Int32Array(slots);
    this.low = new Int32Array(slots);
    const ring = this.orderTime.length;
    for (let k = 0; k < this.count; k++) {
      const at = (this.head + k) % ring;
      const slot = this.slotOf(this.orderHigh[at]!, this.orderLow[at]!);
      this.high[slot] = this.orderHigh[at]!;
      this.low[slot] = this.orderLow[at]!;
    }
  }

  private growOrder(): void {
    const ring = this.orderTime.length;
    const size = Math.min(this.max, ring * 2);
    const high = new Int32Array(size);
    const low = new Int32Array(size);
    const time = new Float64Array(size);
    for (let k = 0; k < this.count; k++) {
      const at = (this.head + k) % ring;
      high[k] = this.orderHigh[at]!;
      low[k] = this.orderLow[at]!;
      time[k] = this.orderTime[at]!;
    }
    this.orderHigh = high;
    this.orderLow = low;
    this.orderTime = time;
    this.head = 0;
  }
}

/** FNV-1a over the UTF-16 code units. */
export function hashHigh(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/** A second, independent 32-bit hash (multiply and rotate, MurmurHash3's mixing), made odd: never 0. */
export function hashLow(text: string): number {
  let h = 0x9747b28c ^ text.length;
  for (let i = 0; i < text.length; i++) {
    let k = Math.imul(text.charCodeAt(i), 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h | 1;
}
