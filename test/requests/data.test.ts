/**
 * Data files: every format read once with each bad row reported at its line, and the same rows
 * whether they are held in memory or read from disk by offset; a large file's memory is the
 * offset index, not the file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataFile } from '../../src/requests/data/data-file.js';
import type { DataFormat } from '../../src/requests/data/data-file.js';
import { DataFileError } from '../../src/requests/data/errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldbench-data-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function rowsOf(path: string, format: DataFormat, inMemoryMaxBytes?: number): Promise<unknown[]> {
  const data = await openDataFile(path, format, inMemoryMaxBytes === undefined ? {} : { inMemoryMaxBytes });
  try {
    return Array.from({ length: data.rows }, (_, i) => data.row(i));
  } finally {
    data.close();
  }
}

async function problem(path: string, format: DataFormat, requiredFields?: string[]): Promise<DataFileError> {
  const error = await openDataFile(path, format, requiredFields === undefined ? {} : { requiredFields }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DataFileError);
  return error as DataFileError;
}

const USERS = [{ user: 'ada', qty: '1' }, { user: 'bob, jr', qty: '2' }, { user: 'line\nbreak', qty: '3' }, { user: 'zoë', qty: '4' }];

describe('reading data files', () => {
  const csv = '\uFEFFuser,qty\r\nada,1\r\n"bob, jr",2\r\n"line\nbreak",3\r\n\r\nzoë,4\r\n';
  const ndjson = USERS.map((u) => JSON.stringify(u)).join('\n') + '\n\n';
  const json = `[\n  ${USERS.map((u) => JSON.stringify(u)).join(',\n  ')}\n]\n`;

  it.each([
    ['users.csv', 'csv', csv],
    ['users.ndjson', 'ndjson', ndjson],
    ['users.json', 'json', json],
  ] as const)('%s: the same rows held in memory and read from disk by offset', async (name, format, text) => {
    const path = await file(name, text);
    expect(await rowsOf(path, format)).toEqual(USERS);
    expect(await rowsOf(path, format, 0)).toEqual(USERS);
    const data = await openDataFile(path, format, { inMemoryMaxBytes: 0 });
    expect(data.inMemory).toBe(false);
    expect(data.fields).toEqual(['user', 'qty']);
    // Rows in any order, as `random` reads them.
    expect([3, 0, 2, 1, 3].map((i) => data.row(i))).toEqual([USERS[3], USERS[0], USERS[2], USERS[1], USERS[3]]);
    data.close();
  });

  it.each([
    ['short.csv', 'csv', 'a,b,c\n1,2,3\n4,5\n', 3, 'expected 3 fields like the header, found 2'],
    ['long.csv', 'csv', 'a,b\n1,2\n3,4\n5,6,7\n', 4, 'expected 2 fields like the header, found 3'],
    ['quote.csv', 'csv', 'a,b\n1,2\n"3,4\n', 3, 'Quote Not Closed'],
    ['twice.csv', 'csv', 'a,a\n1,2\n', 1, 'the header names column "a" twice'],
    ['bad.ndjson', 'ndjson', '{"a":1}\n\n{"a":2\n', 3, 'not valid JSON'],
    ['list.ndjson', 'ndjson', '{"a":1}\n[1,2]\n', 2, 'expected a JSON object'],
    ['bad.json', 'json', '[\n{"a":1},\n{"a":}\n]', 3, 'not valid JSON'],
    ['object.json', 'json', '{"a":1}', 1, 'expected a JSON array of objects'],
    ['open.json', 'json', '[{"a":1},\n{"a":2}', 2, 'not closed'],
    ['comma.json', 'json', '[{"a":1},]', 1, 'an empty element'],
    ['empty.csv', 'csv', '', undefined, 'empty'],
    ['header.csv', 'csv', 'a,b\n', undefined, 'no rows'],
  ] as const)('%s: a problem at its line', async (name, format, text, line, message) => {
    const error = await problem(await file(name, text), format);
    expect(error.message).toContain(message);
    expect(error.line).toBe(line);
  });

  it('a row without a field the templates read is a problem at its line', async () => {
    const path = await file('missing.ndjson', '{"sku":1}\n{"sku":2}\n{"name":"x"}\n');
    const error = await problem(path, 'ndjson', ['sku']);
    expect(error.message).toContain('no field "sku"');
    expect(error.line).toBe(3);
  });

  it('a missing file is a problem without a line', async () => {
    const error = await problem(join(dir, 'nope.csv'), 'csv');
    expect(error.message).toContain('ENOENT');
  });
});

/**
 * V8's collector, so what is measured is what is held, not the garbage of the read (without it
 * this test failed once in a full run: 14 MB counted).
 */
function exposedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('a large data file', () => {
  it('is indexed at 4 bytes a row, not held in memory', async () => {
    // 200,000 rows of ~100 bytes (about 20 MB): past the in-memory limit, read by offset.
    const rows = 200_000;
    const path = join(dir, 'large.csv');
    const out = createWriteStream(path);
    out.write('id,user,note\n');
    const pad = 'x'.repeat(80);
    for (let i = 0; i < rows; i++) out.write(`${i},user-${i},"${pad}, ${i}"\n`);
    await new Promise<void>((resolve) => out.end(resolve));
    const gc = exposedGc();
    gc();
    const before = process.memoryUsage();
    const data = await openDataFile(path, 'csv');
    gc();
    const after = process.memoryUsage();
    expect(data.inMemory).toBe(false);
    expect(data.rows).toBe(rows);
    expect(data.indexBytes).toBe(4 * rows);
    expect(data.row(0)).toEqual({ id: '0', user: 'user-0', note: `${pad}, 0` });
    expect(data.row(123_456)).toEqual({ id: '123456', user: 'user-123456', note: `${pad}, 123456` });
    expect(data.row(rows - 1)).toMatchObject({ id: String(rows - 1) });
    // Held afterwards: the index (0.8 MB) and a read buffer, not the 20 MB file nor its parsed rows.
    const held = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
    expect(held).toBeLessThan(8 * 1024 * 1024);
    data.close();
  }, 60_000);
});
