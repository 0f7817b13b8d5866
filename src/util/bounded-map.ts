/**
 * A Map that forgets its oldest entries (by first insertion) past a size, at a constant cost per
 * operation. A plain Map's first entry is not cheap to find once entries have been deleted: V8
 * leaves a hole for each deleted entry until the table is rebuilt, and every `keys().next()`
 * walks the holes from the start, so a Map used as a queue of 200,000 ids costs milliseconds per
 * eviction. The insertion order is kept in an array instead, read from a moving head.
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  private order: K[] = [];
  private head = 0;

  /** `onEvict` hears each entry forgotten for room (not those deleted). */
  constructor(
    private readonly max: number,
    private readonly onEvict?: (key: K, value: V) => void,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    if (!this.map.has(key)) this.order.push(key);
    this.map.set(key, value);
    while (this.map.size > this.max) this.evictOldest();
    // Keys evicted or deleted stay in the array until it is rebuilt, once they outnumber the rest.
    if (this.order.length - this.map.size > this.map.size + 1024) this.compact();
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
    this.order = [];
    this.head = 0;
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }

  entries(): IterableIterator<[K, V]> {
    return this.map.entries();
  }

  private evictOldest(): void {
    while (this.head < this.order.length) {
      const key = this.order[this.head++]!;
      // A key deleted since is skipped. (One deleted and set again is forgotten a little early,
      // from its first place, until the array is rebuilt: ids here are set once.)
      if (!this.map.has(key)) continue;
      const value = this.map.get(key);
      this.map.delete(key);
      this.onEvict?.(key, value as V);
      return;
    }
  }

  /** Rebuilds the order from the Map's own, which is insertion order: one walk over its holes. */
  private compact(): void {
    this.order = [...this.map.keys()];
    this.head = 0;
  }
}
