import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { profileJsonSchema } from '../../src/profile/index.js';

const SCHEMA_FILE = resolve(import.meta.dirname, '../../docs/profile.schema.json');

describe('docs/profile.schema.json', () => {
  // To regenerate after a schema change: COLDBENCH_WRITE_SCHEMA=1 npx vitest run test/profile/json-schema.test.ts
  it('is up to date with the profile schema', async () => {
    const expected = `${JSON.stringify(profileJsonSchema(), null, 2)}\n`;
    if (process.env.COLDBENCH_WRITE_SCHEMA === '1') await writeFile(SCHEMA_FILE, expected);
    expect(await readFile(SCHEMA_FILE, 'utf8')).toBe(expected);
  });

  it('describes the user shape: strict objects, durations as text, known phase names', () => {
    const schema = profileJsonSchema() as { additionalProperties?: boolean; required?: string[]; properties: Record<string, unknown> };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['name', 'target', 'load']);
    const text = JSON.stringify(schema);
    for (const word of ['constant', 'ramp', 'steps', 'sine', 'poisson', 'burst', 'idle', 'bare number means seconds', 'payloadFile']) {
      expect(text).toContain(word);
    }
  });
});
