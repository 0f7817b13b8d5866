/**
 * Texts packed as UTF-8 bytes come back as written, in order, whatever they hold (empty, astral,
 * lone surrogates aside) and however many there are (the column grows), batch after batch; the
 * bytes of a batch are its own, so moving them to another thread leaves the column usable.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TextColumn, textReader } from '../../src/logs/text-column.js';
import { params } from '../property/settings.js';

const read = (packed: ReturnType<TextColumn['take']>): string[] => {
  const at = textReader(packed);
  return Array.from({ length: packed.ends.length }, (_, i) => at(i));
};

describe('TextColumn', () => {
  it('gives back the texts of each batch as pushed', () => {
    fc.assert(fc.property(fc.array(fc.array(fc.string({ unit: 'grapheme', maxLength: 60 }), { maxLength: 300 }), { maxLength: 4 }), (batches) => {
      const column = new TextColumn();
      for (const texts of batches) {
        for (const t of texts) column.push(t);
        expect(column.length).toBe(texts.length);
        expect(read(structuredClone(column.take()))).toEqual(texts);
        expect(column.length).toBe(0);
      }
    }), params(200));
  });

  it('writes the UTF-8 bytes Buffer.from writes, ASCII or not, lone surrogates included', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.stringMatching(/^[0-9a-f-]{36}$/)), { maxLength: 50 }), (texts) => {
      const column = new TextColumn(4, 4);
      for (const t of texts) column.push(t);
      const packed = column.take();
      const each = texts.map((t) => Buffer.from(t, 'utf8'));
      expect(Buffer.from(packed.bytes).equals(Buffer.concat(each))).toBe(true);
      let end = 0;
      expect([...packed.ends]).toEqual(each.map((b) => (end += b.length)));
    }), params(200));
  });

  it('grows past its first buffers, and a taken batch is shared with another thread, neither copied nor detached', () => {
    const column = new TextColumn();
    const ids = Array.from({ length: 5000 }, (_, i) => `${i.toString(16).padStart(8, '0')}-7d2c-4b6e-9a1f-${'é'.repeat(i % 3)}${'0'.repeat(i % 50)}`);
    // First, texts that take more bytes than characters, each longer alone than the first buffer.
    ids.unshift('é'.repeat(30_000), '😀'.repeat(15_000), 'z');
    for (const id of ids) column.push(id);
    const packed = column.take();
    const moved = structuredClone(packed);
    // A transfer would detach the sender's buffer (and make V8 drop the sender's optimized code).
    expect([moved.bytes.buffer, moved.ends.buffer].every((b) => b instanceof SharedArrayBuffer)).toBe(true);
    expect(packed.bytes.byteLength).toBe(moved.bytes.byteLength);
    expect(read(moved)).toEqual(ids);
    column.push('after');
    expect(read(column.take())).toEqual(['after']);
  });
});
