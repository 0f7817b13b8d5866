/**
 * A data file opened for a run: read once from start to end when the profile is loaded (every
 * row checked), then rows are handed out by index. A file up to IN_MEMORY_MAX_BYTES keeps its
 * parsed rows in memory; a larger one keeps only where each row starts (offsets.ts, 4 bytes a
 * row) and reads a row from disk when a request needs it, so a 1 GB file never takes 1 GB.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { parse as parseCsvSync } from 'csv-parse/sync';
import type { Row } from '../compile.js';
import { DataFileError } from './errors.js';
import { RowOffsets } from './offsets.js';
import { CSV_OPTIONS, jsonRow, scanFile } from './scan.js';
import type { DataFormat } from './scan.js';

export type { DataFormat };

/** Files up to this size keep their rows in memory; larger ones are read row by row. */
export const IN_MEMORY_MAX_BYTES = 8 * 1024 * 1024;

export interface DataFile {
  readonly file: string;
  readonly format: DataFormat;
  readonly rows: number;
  /** The CSV header, or the keys of the first JSON row. */
  readonly fields: readonly string[];
  /** True when the rows are held in memory; false when they are read from disk by offset. */
  readonly inMemory: boolean;
  /** Bytes held for the rows' offsets (0 in memory). */
  readonly indexBytes: number;
  /** Row `index` (0 <= index < rows). */
  row(index: number): Row;
  close(): void;
}

export interface OpenDataOptions {
  /** Every row must have these fields (the ones the templates read): checked while reading. */
  requiredFields?: readonly string[];
  inMemoryMaxBytes?: number;
}

export async function openDataFile(file: string, format: DataFormat, options: OpenDataOptions = {}): Promise<DataFile> {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new DataFileError('not a file');
    size = stat.size;
  } catch (error) {
    if (error instanceof DataFileError) throw error;
    throw new DataFileError(`cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const inMemory = size <= (options.inMemoryMaxBytes ?? IN_MEMORY_MAX_BYTES);
  const kept: Record<string, unknown>[] = [];
  const offsets = new RowOffsets(size);
  let firstKeys: string[] | undefined;
  // Fields the first row lacks are reported where the templates name them (prepare.ts).
  let required: readonly string[] | undefined;
  const scanned = await scanFile(file, format, (start, end, line, row) => {
    firstKeys ??= Object.keys(row);
    required ??= (options.requiredFields ?? []).filter((field) => Object.hasOwn(row, field));
    for (const field of required) {
      if (!Object.hasOwn(row, field)) throw new DataFileError(`no field "${field}" in this row (a template reads it)`, line);
    }
    if (inMemory) kept.push(row);
    else offsets.push(start);
    offsets.end = end;
  }).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined && !(error instanceof DataFileError)) throw new DataFileError(`cannot read it (${code})`);
    throw error;
  });
  const fields = scanned.header ?? firstKeys ?? [];
  const rows = inMemory ? kept.length : offsets.length;
  if (rows === 0) throw new DataFileError('no rows: a data file needs at least one');
  if (inMemory) return memoryFile(file, format, fields, kept);
  offsets.trim();
  return new DiskRows(file, format, fields, offsets);
}

function memoryFile(file: string, format: DataFormat, fields: readonly string[], rows: Record<string, unknown>[]): DataFile {
  return { file, format, fields, rows: rows.length, inMemory: true, indexBytes: 0, row: (index) => rows[index]!, close: () => {} };
}

/** Rows read from disk by offset, with one reusable buffer. */
class DiskRows implements DataFile {
  readonly inMemory = false;
  readonly rows: number;
  private fd: number | undefined;
  private buffer = Buffer.alloc(64 * 1024);
  private readonly parse: (bytes: Buffer) => Row;

  constructor(
    readonly file: string,
    readonly format: DataFormat,
    readonly fields: readonly string[],
    private readonly offsets: RowOffsets,
  ) {
    this.rows = offsets.length;
    const columns = [...fields];
    this.parse = format === 'csv'
      ? (bytes) => (parseCsvSync(bytes, { ...CSV_OPTIONS, bom: false, columns }) as Record<string, unknown>[])[0] ?? {}
      : (bytes) => jsonRow(bytes.toString('utf8').replace(/,\s*$/, ''));
  }

  get indexBytes(): number {
    return this.offsets.bytes;
  }

  row(index: number): Row {
    const [start, end] = this.offsets.range(index);
    const length = end - start;
    if (length > this.buffer.length) this.buffer = Buffer.alloc(Math.max(length, this.buffer.length * 2));
    this.fd ??= openSync(this.file, 'r');
    const read = readSync(this.fd, this.buffer, 0, length, start);
    return this.parse(this.buffer.subarray(0, read));
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
