import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const RESULT_DIR = join(import.meta.dirname, '..', '..', 'src', 'result');

describe('the result contract', () => {
  it('reads and writes result files without importing the runner (src/run)', async () => {
    const files = (await readdir(RESULT_DIR)).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    const offenders: string[] = [];
    for (const file of files) {
      const text = await readFile(join(RESULT_DIR, file), 'utf8');
      for (const match of text.matchAll(/from\s+'([^']+)'/g)) {
        if (match[1]!.startsWith('../run/')) offenders.push(`${file}: ${match[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
