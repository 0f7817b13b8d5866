/**
 * `coldbench merge <files or folders> --out merged.json [--allow-partial]`: shard results into
 * one result, saved without writing over anything; the summary as `run` prints it; exit 3 when
 * a threshold of the profile fails on the merged result (or a shard was aborted by one).
 */
import { existsSync } from 'node:fs';
import { render } from '../../report/render.js';
import { resultMarkdown } from '../../report/markdown.js';
import { mergeShards } from '../../result/merge/index.js';
import { readShardFiles } from '../../result/merge/files.js';
import { writeJsonFileAt } from '../../result/write.js';
import { UsageError } from '../../errors.js';
import type { Output } from '../output.js';
import { appendStepSummary, parseFormat } from './report.js';

export interface MergeFlags {
  out: string;
  allowPartial: boolean;
  format: string;
  json: boolean;
  quiet: boolean;
}

export async function mergeCommand(paths: string[], flags: MergeFlags, out: Output): Promise<number> {
  const format = parseFormat(flags.format);
  if (existsSync(flags.out)) throw new UsageError(`--out ${flags.out} already exists; nothing was written over it`, 'choose another file name, or remove the old file first');
  const files = await readShardFiles(paths, flags.out);
  for (const skipped of files.skipped) out.error(`note: passed over ${skipped}`);
  const merged = mergeShards(files.inputs, { allowPartial: flags.allowPartial });
  const saved = await writeJsonFileAt(merged, flags.out, '--out');
  if (flags.json) out.machine(JSON.stringify(merged, null, 2));
  if (format === 'table') out.human(render(merged, 'table'));
  else out.machine(render(merged, format));
  out.error(`merged ${merged.shards?.length ?? 0} of ${merged.shards?.[0]?.count ?? 0} shards; result saved: ${saved}`);
  await appendStepSummary(resultMarkdown(merged));
  const failed = merged.thresholds.filter((t) => !t.pass).map((t) => t.rule);
  if (failed.length > 0) out.error(`thresholds failed: ${failed.join('; ')}`);
  return failed.length > 0 || merged.status === 'aborted' ? 3 : 0;
}
