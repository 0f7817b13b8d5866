import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hashHigh, hashLow, SeenEvents } from '../../src/logs/seen-events.js';

/** The same rules with the ids' own text: insertion order, forgotten from the oldest. */
class Reference {
  private order: { id: string; timestamp: number }[] = [];
  private readonly ids = new Set<string>();
  constructor(private readonly max: number) {}
  add(id: string, timestamp: number): boolean {
    if (this.ids.has(id)) return false;
    if (this.order.length === this.max) this.ids.delete(this.order.shift()!.id);
    this.order.push({ id, timestamp });
    this.ids.add(id);
    return true;
  }
  forgetBefore(before: number): void {
    while (this.order.length > 0 && this.order[0]!.timestamp < before) this.ids.delete(this.order.shift()!.id);
  }
  get size(): number {
    return this.ids.size;
  }
}

const op = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('add' as const), id: fc.nat({ max: 3000 }), timestamp: fc.nat({ max: 1000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('forget' as const), before: fc.nat({ max: 1000 }) }) },
);

describe('SeenEvents', () => {
  it('answers as a set of the ids themselves would, through growth, forgetting and eviction', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), fc.integer({ min: 1, max: 5000 }), fc.constantFrom(2, 4, 16, 1 << 16), fc.constantFrom('', 'x', '49633021871236780000000000000000000000000000000000000000'), (ops, max, firstSlots, prefix) => {
        // Small first tables: full clusters, wrapping past the table's end, many doublings.
        const seen = new SeenEvents(max, firstSlots);
        const reference = new Reference(max);
        for (const o of ops) {
          if (o.kind === 'add') {
            const id = `${prefix}${o.id}`;
            expect(seen.add(id, o.timestamp)).toBe(reference.add(id, o.timestamp));
          } else {
            seen.forgetBefore(o.before);
            reference.forgetBefore(o.before);
          }
          expect(seen.size).toBe(reference.size);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('says up to when ids were forgotten, by time or past the cap', () => {
    const seen = new SeenEvents(3, 8);
    expect(seen.forgottenUpTo).toBe(-Infinity);
    seen.add('a', 100);
    seen.add('b', 300);
    seen.add('c', 200);
    seen.forgetBefore(250);
    expect(seen.forgottenUpTo).toBe(100); // b (300) is first in line: c waits behind it
    seen.add('d', 400);
    seen.add('e', 150); // past the cap: b goes
    expect(seen.forgottenUpTo).toBe(300);
    expect(seen.add('b', 300)).toBe(true); // forgotten: not known as read
  });

  it('keeps a million CloudWatch-like ids apart, and forgets them by time', () => {
    const seen = new SeenEvents(1_000_000);
    const id = (k: number): string => `3${String(k).padStart(55, '0')}`;
    let added = 0;
    for (let k = 0; k < 1_000_000; k++) if (seen.add(id(k), k)) added++;
    expect(added).toBe(1_000_000);
    let again = 0;
    for (let k = 0; k < 1_000_000; k += 997) if (seen.add(id(k), k)) again++;
    expect(again).toBe(0);
    seen.forgetBefore(500_000);
    expect(seen.size).toBe(500_000);
    expect(seen.add(id(499_999), 0)).toBe(true);
    expect(seen.add(id(500_000), 0)).toBe(false);
    // Each half of the hash spreads such ids over its 32 bits: a million draws from 2^32 values
    // repeat about 116 times.
    for (const hash of [hashHigh, hashLow]) expect(new Set(Array.from({ length: 1_000_000 }, (_, k) => hash(id(k)))).size).toBeGreaterThan(999_000);
  });
});
