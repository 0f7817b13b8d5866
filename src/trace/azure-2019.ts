/**
 * The Azure Functions Trace 2019 invocation counts, as published
 * (https://github.com/Azure/AzurePublicDataset/blob/master/AzureFunctionsDataset2019.md):
 * `invocations_per_function_md.anon.dNN.csv`, one row per function, columns
 *
 *   HashOwner, HashApp, HashFunction, Trigger, 1, 2, ..., 1440
 *
 * where column m holds "the number of invocations of the function per each minute of the 24h
 * period", column 1 being the day's first minute. Excerpts of the file keep the header's minute
 * numbers for the columns they keep (the sample in test/fixtures has 480..959), so the minute
 * columns are read from the header, and must be consecutive.
 */
import type { Trace, TraceResult } from './types.js';
import { fail, ok } from './types.js';

const KEY_COLUMNS = ['HashOwner', 'HashApp', 'HashFunction', 'Trigger'] as const;
const HEADER_HINT = `expected the header ${KEY_COLUMNS.join(',')},1,2,...,1440 of invocations_per_function_md.anon.dNN.csv`;

export function readAzure2019(text: string, functionId: string): TraceResult<Trace> {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',');
  if (KEY_COLUMNS.some((name, i) => header[i]?.trim() !== name)) {
    return fail('file', `not the Azure Functions 2019 invocations format: ${HEADER_HINT}; found "${(lines[0] ?? '').slice(0, 80)}"`);
  }
  const minutes = header.slice(KEY_COLUMNS.length).map((label) => Number(label));
  const firstMinute = minutes[0];
  if (firstMinute === undefined || minutes.some((m, i) => !Number.isInteger(m) || m !== firstMinute + i)) {
    return fail('file', `the minute columns must be consecutive whole numbers (${HEADER_HINT})`);
  }
  const row = findRow(lines, functionId);
  if (!row.ok) return row;
  const fields = row.value.line.split(',');
  if (fields.length !== header.length) {
    return fail('file', `line ${row.value.index + 1} has ${fields.length} fields where the header has ${header.length}`);
  }
  const counts = fields.slice(KEY_COLUMNS.length).map(Number);
  const bad = counts.findIndex((c) => !Number.isInteger(c) || c < 0);
  if (bad >= 0) return fail('file', `line ${row.value.index + 1}, minute ${firstMinute + bad}: expected a count, found "${fields[KEY_COLUMNS.length + bad]}"`);
  return ok({ kind: 'per-minute', counts, firstMinuteLabel: firstMinute });
}

/** The HashFunction of a row, without splitting the whole row. */
function hashFunctionOf(line: string): string | undefined {
  const first = line.indexOf(',');
  const second = first < 0 ? -1 : line.indexOf(',', first + 1);
  const third = second < 0 ? -1 : line.indexOf(',', second + 1);
  return third < 0 ? undefined : line.slice(second + 1, third);
}

/**
 * The row of a function, by its HashFunction: the whole hash, or a prefix of at least 6
 * characters that only one function of the file starts with.
 */
function findRow(lines: readonly string[], functionId: string): TraceResult<{ line: string; index: number }> {
  const exact: number[] = [];
  const prefixed: number[] = [];
  const some: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const hash = hashFunctionOf(lines[i]!);
    if (hash === undefined) continue;
    if (some.length < 3) some.push(hash.slice(0, 10));
    if (hash === functionId) exact.push(i);
    else if (functionId.length >= 6 && hash.startsWith(functionId)) prefixed.push(i);
  }
  const matches = exact.length > 0 ? exact : prefixed;
  if (matches.length === 1) return ok({ line: lines[matches[0]!]!, index: matches[0]! });
  if (matches.length > 1) {
    return fail('function', `"${functionId}" matches ${matches.length} rows of the trace: give more of its HashFunction`);
  }
  const hint = functionId.length < 6 ? ' (give its HashFunction, or at least its first 6 characters)' : '';
  return fail('function', `no function "${functionId}" in the trace${hint}; its HashFunction column has e.g. ${some.join(', ')}...`);
}
