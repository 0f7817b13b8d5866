/**
 * The requests waiting for their log line (DeferredRequests) grow to a reserve at once, then
 * double, and every row written before a growth is read back after it: past the reserve too,
 * where the rows are copied. The id column handed to the reading thread doubles as it fills.
 */
import { describe, expect, it } from 'vitest';
import { DeferredRequests } from '../../src/run/deferred.js';
import { TextColumn, textReader } from '../../src/logs/text-column.js';
import { nextRows, RESERVED_ROWS } from '../../src/util/columns.js';

describe('column growth', () => {
  it('jumps to the reserve first, then doubles', () => {
    expect(nextRows(1024)).toBe(RESERVED_ROWS);
    expect(nextRows(RESERVED_ROWS)).toBe(2 * RESERVED_ROWS);
    expect(nextRows(3 * RESERVED_ROWS)).toBe(6 * RESERVED_ROWS);
  });

  it('keeps every request past the reserve (DeferredRequests)', () => {
    const kept = new DeferredRequests();
    const n = RESERVED_ROWS + 1500;
    const tickets = new Int32Array(n);
    for (let i = 0; i < n; i++) tickets[i] = kept.add({ plannedAt: i, endedAt: i + 0.5, latencyMs: 0.5, serviceMs: i % 7, outcome: { kind: 'ok', request: i % 3 } });
    expect(kept.size).toBe(n);
    let wrong = 0;
    for (let i = 0; i < n; i++) {
      const t = tickets[i]!;
      if (kept.plannedAtOf(t) !== i || kept.endedAtOf(t) !== i + 0.5 || kept.serviceMsOf(t) !== i % 7) wrong++;
    }
    expect(wrong).toBe(0);
    expect(kept.take(tickets[n - 1]!)).toStrictEqual({ plannedAt: n - 1, endedAt: n - 0.5, latencyMs: 0.5, serviceMs: (n - 1) % 7, outcome: { kind: 'ok', request: (n - 1) % 3 } });
    expect(kept.take(tickets[0]!)).toStrictEqual({ plannedAt: 0, endedAt: 0.5, latencyMs: 0.5, serviceMs: 0, outcome: { kind: 'ok', request: 0 } });
  });

  it('keeps every text through its growths (TextColumn)', () => {
    const column = new TextColumn();
    const n = 200_000;
    const text = (i: number): string => (i % 1000 === 0 ? '' : `${String(i).padStart(8, '0')}-0000-4000-8000-00000000000${i % 10}`);
    for (let i = 0; i < n; i++) column.push(text(i));
    const packed = column.take();
    expect(packed.ends.length).toBe(n);
    const read = textReader(packed);
    let wrong = 0;
    for (let i = 0; i < n; i++) if (read(i) !== text(i)) wrong++;
    expect(wrong).toBe(0);
    // The column starts again, empty, with the room it had.
    column.push('after');
    expect(textReader(column.take())(0)).toBe('after');
  });
});
