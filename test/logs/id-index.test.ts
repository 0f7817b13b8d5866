/**
 * The index of waiting requests behaves as the Map it replaces, whether an id is set as a string
 * or from the bytes of a batch's column, ASCII or not, short or long: the same tickets found,
 * deleted, counted and listed in the order they were first set (the ids kept as bytes first, then
 * the others), through growth, packing and the moves deletion makes in its table.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdIndex, WIDTH } from '../../src/logs/id-index.js';
import { TextColumn } from '../../src/logs/text-column.js';
import { params } from '../property/settings.js';

/** Row 0 of a column holding `id` alone, as a batch brings it. */
const packed = (id: string) => {
  const column = new TextColumn(1, 4);
  column.push(id);
  return column.take();
};

/** Ids the index keeps as bytes: ASCII, 1 to WIDTH characters. */
const inColumns = (id: string): boolean => id.length > 0 && id.length <= WIDTH && [...id].every((c) => c.charCodeAt(0) < 0x80);

/** The Map's values in the index's order: those kept as bytes first, then the others, each in insertion order. */
const inIndexOrder = (model: Map<string, number>): number[] => [...[...model].filter(([k]) => inColumns(k)), ...[...model].filter(([k]) => !inColumns(k))].map(([, v]) => v);

const id = fc.oneof(
  fc.uuid(),
  fc.stringMatching(/^[0-9a-f]{1,4}$/),
  fc.string({ unit: 'grapheme-ascii', minLength: WIDTH - 1, maxLength: WIDTH + 2 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);

type Op = { op: 'set' | 'setRow' | 'get' | 'delete'; id: string; ticket: number } | { op: 'clear' };

describe('IdIndex', () => {
  it('answers as a Map<string, number> does, through any sequence of sets, gets, deletes and clears', () => {
    const ops: fc.Arbitrary<Op[]> = fc.array(id, { minLength: 1, maxLength: 60 }).chain((pool) =>
      fc.array(
        fc.oneof(
          { weight: 10, arbitrary: fc.record({ op: fc.constantFrom('set' as const, 'setRow' as const, 'get' as const, 'delete' as const), id: fc.constantFrom(...pool), ticket: fc.nat() }) },
          { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
        ),
        { maxLength: 3000 },
      ),
    );
    fc.assert(fc.property(ops, (sequence) => {
      const index = new IdIndex();
      const model = new Map<string, number>();
      for (const o of sequence) {
        if (o.op === 'clear') {
          index.clear();
          model.clear();
        } else if (o.op === 'set') {
          index.set(o.id, o.ticket);
          model.set(o.id, o.ticket);
        } else if (o.op === 'setRow') {
          index.setRow(packed(o.id), 0, o.ticket);
          model.set(o.id, o.ticket);
        } else if (o.op === 'get') {
          expect(index.get(o.id)).toBe(model.get(o.id));
          expect(index.has(o.id)).toBe(model.has(o.id));
        } else expect(index.delete(o.id)).toBe(model.delete(o.id));
        expect(index.size).toBe(model.size);
      }
      const order = inIndexOrder(model);
      expect([...index.values()]).toEqual(order);
      const firstOther = [...model].find(([k]) => !inColumns(k));
      const firstKept = [...model].find(([k]) => inColumns(k));
      expect(index.firsts()).toEqual([...(firstKept ? [firstKept[1]] : []), ...(firstOther ? [firstOther[1]] : [])]);
      expect(order.length).toBe(index.size);
    }), params(150));
  });

  it('keeps tens of thousands of ids at once, and finds each after others were deleted around it, in any order', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
      let s = seed;
      const random = (): number => (s = (Math.imul(s, 48271) >>> 0) % 2147483647) / 2147483647;
      const index = new IdIndex();
      const ids = Array.from({ length: 20_000 }, (_, i) => `${i.toString(16).padStart(8, '0')}-${Math.floor(random() * 1e9).toString(16).padStart(8, '0')}-4000-8000-000000000000`);
      const column = new TextColumn(ids.length, 36);
      for (const x of ids) column.push(x);
      const batch = column.take();
      const model = new Map<string, number>();
      ids.forEach((x, i) => {
        index.setRow(batch, i, i);
        model.set(x, i);
      });
      for (let k = 0; k < 15_000; k++) {
        const x = ids[Math.floor(random() * ids.length)]!;
        expect(index.delete(x)).toBe(model.delete(x));
        // Set again, at the end: the entries fill with holes, and are packed.
        if (k % 3 === 0) {
          index.set(x, -1 - k);
          model.set(x, -1 - k);
        }
      }
      for (const x of ids) expect(index.get(x)).toBe(model.get(x));
      expect(index.size).toBe(model.size);
      expect([...index.values()]).toEqual([...model.values()]);
    }), params(3));
  });

  it('reuses its room: ids set and deleted for as long as a run lasts, a few at a time, keep the first columns', () => {
    const index = new IdIndex();
    let deleted = 0;
    for (let i = 0; i < 200_000; i++) {
      index.set(`${i}-0000-4000-8000-000000000000`, i);
      if (i >= 100 && index.delete(`${i - 100}-0000-4000-8000-000000000000`)) deleted++;
    }
    expect([index.size, deleted]).toEqual([100, 199_900]);
    expect(index.room).toBe(1024);
    expect(index.firsts()).toEqual([199_900]);
  });
});
