/**
 * The columns the log reading thread sends parsed lines in: unpacked, they are the same events
 * in the same order, whatever the mix of REPORTs (with and without their optional numbers,
 * with a Status, an error type or a time), STARTs and INIT_STARTs; and plain REPORTs do travel
 * in the columns, not as objects.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PlatformEvent } from '../../src/logs/events.js';
import { packEvents, unpackEvents } from '../../src/logs/packed-events.js';
import { params } from '../property/settings.js';

const ms = fc.double({ min: 0, max: 1e6, noNaN: true });
const times = { atMs: fc.double({ min: 1e12, max: 2e12, noNaN: true }), lagMs: fc.integer({ min: -5000, max: 600_000 }), stream: fc.constantFrom('2026/12/05/[$LATEST]a', '2026/12/05/[$LATEST]b', '') };
const numbers = { durationMs: ms, billedDurationMs: ms, memorySizeMB: fc.integer({ min: 128, max: 10_240 }), maxMemoryUsedMB: fc.integer({ min: 1, max: 10_240 }), initDurationMs: ms, restoreDurationMs: ms, billedRestoreDurationMs: ms };

const report = fc
  .record({ id: fc.uuid(), numbers: fc.record(numbers, { requiredKeys: ['durationMs'] }), extra: fc.record({ status: fc.constantFrom('success', 'timeout'), errorType: fc.string(), time: fc.constant('2026-12-05T10:00:00.000Z') }, { requiredKeys: [] }), ...times })
  .map(({ id, numbers: n, extra, atMs, lagMs, stream }): PlatformEvent => ({ kind: 'report', requestId: id, report: { type: 'report', requestId: id, ...n, ...extra }, atMs, lagMs, stream }));
const start = fc.record({ requestId: fc.uuid(), ...times }).map((e): PlatformEvent => ({ kind: 'start', ...e }));
const initStart = fc.record(times).map((e): PlatformEvent => ({ kind: 'initStart', record: { type: 'initStart', runtimeVersion: 'nodejs:20.v1', time: new Date(e.atMs).toISOString() }, ...e }));

describe('packed platform events', () => {
  it('unpack to the same events, in the same order', () => {
    fc.assert(fc.property(fc.array(fc.oneof({ arbitrary: report, weight: 4 }, start, initStart), { maxLength: 60 }), (events) => {
      expect(unpackEvents(structuredClone(packEvents(events)))).toStrictEqual(events);
    }), params(500));
  });

  it('carry plain REPORTs in the columns, one stream name per stream', () => {
    const events: PlatformEvent[] = Array.from({ length: 100 }, (_, i) => ({
      kind: 'report', requestId: `id-${i}`, report: { type: 'report', requestId: `id-${i}`, durationMs: 1.5, billedDurationMs: 2, memorySizeMB: 256, maxMemoryUsedMB: 70 }, atMs: 1e12 + i, lagMs: 2000, stream: `s${i % 3}`,
    }));
    const packed = packEvents(events);
    expect(packed.others).toEqual([]);
    expect(packed.ids).toHaveLength(100);
    expect(packed.streams).toEqual(['s0', 's1', 's2']);
    expect(unpackEvents(packed)).toStrictEqual(events);
  });
});
