/**
 * Log events kept in (timestamp, sequence) order, the order FilterLogEvents and GetLogEvents
 * return them in. Events arrive almost always in that order (they are stamped when written), so
 * an append is O(1); an out-of-order one (the wall clock stepped back) is inserted in place.
 * Dropped events are only marked; the list skips them and compacts its head lazily.
 */

export interface StoredEvent {
  /** Unique and increasing in arrival order: the tie-breaker and the base of eventId. */
  seq: number;
  /** Epoch ms when the line was written. */
  timestamp: number;
  /** Epoch ms from which the API returns it: timestamp + the function's logDelay. */
  ingestionTime: number;
  message: string;
  /** UTF-8 size of the message, as CloudWatch counts it. */
  bytes: number;
  streamName: string;
  dropped: boolean;
}

export function before(a: StoredEvent, b: { timestamp: number; seq: number }): boolean {
  return a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.seq < b.seq);
}

export class EventList {
  private items: StoredEvent[] = [];
  private head = 0;

  add(e: StoredEvent): void {
    const last = this.items[this.items.length - 1];
    if (last === undefined || !before(e, last)) {
      this.items.push(e);
      return;
    }
    this.items.splice(this.firstNotBefore(e), 0, e);
  }

  /** Called after an event of this list was marked dropped. */
  compact(): void {
    while (this.head < this.items.length && this.items[this.head]!.dropped) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** Index of the first event not before `key` (events are sorted by (timestamp, seq)). */
  firstNotBefore(key: { timestamp: number; seq: number }): number {
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.items[mid]!, key)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  at(index: number): StoredEvent | undefined {
    return this.items[index];
  }

  get start(): number {
    return this.head;
  }

  get end(): number {
    return this.items.length;
  }
}
