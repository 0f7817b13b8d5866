/**
 * Reading a data file once, from start to end, in chunks: each row is parsed (so a bad row is
 * found before anything is sent) and handed over with its byte range and line, then dropped.
 * Memory stays at a chunk and a row, whatever the file's size.
 *
 * - csv: a header line, then records (RFC 4180 quoting, through csv-parse); every record must
 *   have as many fields as the header.
 * - ndjson: one JSON object a line; blank lines are skipped.
 * - json: one array of objects; its elements are found by following strings and brackets.
 */
import { createReadStream } from 'node:fs';
import { parse as parseCsv } from 'csv-parse';
import type { CsvError } from 'csv-parse';
import { DataFileError } from './errors.js';

export type DataFormat = 'csv' | 'ndjson' | 'json';

export type RowSink = (start: number, end: number, line: number, row: Record<string, unknown>) => void;

const CHUNK_BYTES = 1 << 20;

export function scanFile(file: string, format: DataFormat, onRow: RowSink): Promise<{ header?: string[] }> {
  switch (format) {
    case 'csv':
      return scanCsv(file, onRow);
    case 'ndjson':
      return scanNdjson(file, onRow).then(() => ({}));
    case 'json':
      return scanJsonArray(file, onRow).then(() => ({}));
  }
}

/** The options every CSV parse uses, the scan's and the reading of one record later. */
export const CSV_OPTIONS = { bom: true, skip_empty_lines: true } as const;

async function scanCsv(file: string, onRow: RowSink): Promise<{ header: string[] }> {
  let header: string[] | undefined;
  // Records end where the next begins: a record's range runs from the previous one's end
  // (csv-parse's info.bytes, in bytes) to its own, blank lines before it included.
  let previousEnd = 0;
  const parser = parseCsv({ ...CSV_OPTIONS, info: true });
  const source = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  source.on('error', (err) => parser.destroy(err)).pipe(parser);
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { bytes: number; lines: number } }>) {
      const end = item.info.bytes;
      if (header === undefined) header = checkHeader(item.record);
      else onRow(previousEnd, end, item.info.lines, csvRow(header, item.record));
      previousEnd = end;
    }
  } catch (error) {
    if (error instanceof DataFileError) throw error;
    const csv = error as CsvError & { lines?: number };
    if (typeof csv.code === 'string' && csv.code.startsWith('CSV_')) {
      // An unclosed quote is found at the end of the file; the message names the line it opened on.
      const opened = /at line (\d+)$/.exec(csv.message);
      throw new DataFileError(csvMessage(csv, header), opened === null ? csv.lines : Number(opened[1]));
    }
    throw error;
  } finally {
    source.destroy();
  }
  if (header === undefined) throw new DataFileError('empty: expected a header line naming the columns');
  return { header };
}

/** A CSV record as an object keyed by the header's names. */
export function csvRow(header: readonly string[], record: readonly string[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < header.length; i++) row[header[i]!] = record[i];
  return row;
}

function checkHeader(names: string[]): string[] {
  const trimmed = names.map((name) => name.trim());
  const empty = trimmed.findIndex((name) => name === '');
  if (empty >= 0) throw new DataFileError(`the header's column ${empty + 1} has no name`, 1);
  const repeated = trimmed.find((name, i) => trimmed.indexOf(name) !== i);
  if (repeated !== undefined) throw new DataFileError(`the header names column "${repeated}" twice`, 1);
  return trimmed;
}

function csvMessage(error: CsvError, header: readonly string[] | undefined): string {
  if (error.code === 'CSV_RECORD_INCONSISTENT_COLUMNS' || error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
    const found = Array.isArray(error.record) ? error.record.length : '?';
    return `expected ${header?.length ?? '?'} fields like the header, found ${found}`;
  }
  return error.message.replace(/ at line \d+$| on line \d+$/, '');
}

/** An object row from JSON text, or the reason it is not one. */
export function jsonRow(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DataFileError(`not valid JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new DataFileError('expected a JSON object, like {"user": "ada"}');
  return value as Record<string, unknown>;
}

async function scanNdjson(file: string, onRow: RowSink): Promise<void> {
  let pending: Buffer[] = [];
  let lineStart = 0;
  let offset = 0;
  let line = 1;
  const emit = (end: number): void => {
    const text = Buffer.concat(pending).toString('utf8');
    pending = [];
    if (text.trim() !== '') onRow(lineStart, end, line, withLine(() => jsonRow(text), line));
  };
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, from)) {
      pending.push(chunk.subarray(from, nl));
      emit(offset + nl + 1);
      from = nl + 1;
      lineStart = offset + from;
      line++;
    }
    if (from < chunk.length) pending.push(chunk.subarray(from));
    offset += chunk.length;
  }
  emit(offset);
}

function withLine<T>(f: () => T, line: number): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof DataFileError && error.line === undefined) throw new DataFileError(error.message, line);
    throw error;
  }
}

/**
 * The elements of a top-level JSON array, found byte by byte: a string's contents (and its
 * escapes) are skipped, brackets counted, and a comma at depth 1 ends an element. Each element
 * is then parsed by JSON.parse.
 */
async function scanJsonArray(file: string, onRow: RowSink): Promise<void> {
  const s = { depth: 0, inString: false, escaped: false, started: false, closed: false, afterComma: false, line: 1 };
  let element: Buffer[] = [];
  let elementStart = -1;
  let elementLine = 1;
  let offset = 0;
  const finish = (end: number): void => {
    const text = Buffer.concat(element).toString('utf8');
    element = [];
    if (text.trim() === '') throw new DataFileError('an empty element (two commas, or a comma before "]")', s.line);
    onRow(elementStart, end, elementLine, withLine(() => jsonRow(text), elementLine));
    elementStart = -1;
  };
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c === 10) s.line++;
      if (s.inString) {
        if (s.escaped) s.escaped = false;
        else if (c === 0x5c) s.escaped = true;
        else if (c === 0x22) s.inString = false;
        continue;
      }
      if (isSpace(c)) continue;
      if (s.closed) throw new DataFileError('text after the closing "]"', s.line);
      if (!s.started) {
        if (c !== 0x5b) throw new DataFileError('expected a JSON array of objects, starting with "["', s.line);
        s.started = true;
        s.depth = 1;
        from = i + 1;
        continue;
      }
      if (s.depth === 1 && (c === 0x2c || c === 0x5d)) {
        element.push(chunk.subarray(from, i));
        from = i + 1;
        if (c === 0x5d) s.closed = true;
        if (elementStart >= 0) finish(offset + i);
        else if (c === 0x2c || s.afterComma) throw new DataFileError('an empty element (two commas, or a comma next to a bracket)', s.line);
        else element = [];
        s.afterComma = c === 0x2c;
        if (c === 0x5d) s.depth = 0;
        continue;
      }
      if (elementStart < 0) {
        elementStart = offset + i;
        elementLine = s.line;
        element = [];
        from = i;
      }
      if (c === 0x22) s.inString = true;
      else if (c === 0x5b || c === 0x7b) s.depth++;
      else if (c === 0x5d || c === 0x7d) s.depth--;
    }
    if (!s.closed && elementStart >= 0) element.push(chunk.subarray(from));
    offset += chunk.length;
  }
  if (!s.started) throw new DataFileError('empty: expected a JSON array of objects');
  if (!s.closed) throw new DataFileError('the array is not closed with "]"', s.line);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
