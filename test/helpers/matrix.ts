import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * A small matrix profile in `dir` (matrix.yaml): the project's cpu function on the built-in
 * emulator at 128 and 256 MB, 20 requests/s for 300 ms each, and `extra` YAML after it. Its path.
 */
export async function writeLocalMatrix(dir: string, name: string, extra = ''): Promise<string> {
  await mkdir(join(dir, 'functions'), { recursive: true });
  await copyFile(resolve(import.meta.dirname, '../../profiles/functions/cpu.mjs'), join(dir, 'functions/cpu.mjs'));
  const path = join(dir, 'matrix.yaml');
  await writeFile(path, `name: ${name}
target:
  kind: lambda
  function: cpu
  local: { functions: { cpu: { handler: functions/cpu.handler, memory: 128, environment: { WORK_MS: "1" } } } }
load: { phases: [ { constant: { rate: 20, duration: 300ms } } ] }
matrix:
  memory: [128, 256]
${extra}`);
  return path;
}
