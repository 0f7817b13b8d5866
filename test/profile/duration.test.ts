import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/util/duration.js';

describe('parseDuration', () => {
  it.each<[string | number, number | undefined]>([
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['.5s', 500],
    [' 12m ', 720_000],
    ['30', 30_000], // a bare number means seconds
    [30, 30_000],
    [0.25, 250],
    [0, 0],
    ['0s', 0],
    ['', undefined],
    ['10 seconds', undefined],
    ['5d', undefined],
    ['-1s', undefined],
    [-1, undefined],
    ['s', undefined],
    ['1m 30s', undefined],
    [Number.POSITIVE_INFINITY, undefined],
  ])('%j -> %j', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each<[number, string]>([
    [0, '0ms'],
    [500, '500ms'],
    [0.5, '0.5ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [90_000, '1m30s'],
    [120_000, '2m'],
    [720_000, '12m'],
    [7_200_000, '2h'],
    [3_723_400, '1h2m3.4s'],
  ])('%d ms -> %s, and back', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBeCloseTo(ms, 9);
  });
});
