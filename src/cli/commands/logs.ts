/** `coldbench logs parse [file|-]`: Lambda platform log lines in, one JSON record per line out. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { UsageError } from '../../errors.js';
import { parseLogLine } from '../../lambda/logs.js';
import type { Output } from '../output.js';

export async function logsParseCommand(file: string, out: Output): Promise<number> {
  if (file !== '-') {
    const info = await stat(file).catch(() => undefined);
    if (info === undefined || !info.isFile()) throw new UsageError(`cannot read log file ${file}`, "pass a file of Lambda log lines, or '-' to read standard input");
  }
  const input = file === '-' ? process.stdin : createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    const record = parseLogLine(line);
    if (record !== undefined) out.machine(JSON.stringify(record));
  }
  return 0;
}
