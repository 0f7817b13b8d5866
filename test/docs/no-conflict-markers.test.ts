/**
 * No file of the project keeps a merge's conflict markers: docs/matrix.md once shipped both sides
 * of one, and read as two contradicting descriptions of the same output. A line that starts with
 * seven `<` or seven `>` and a space is a marker; the `=======` between them is not looked for,
 * since Markdown may underline a heading with it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const FOLDERS = ['src', 'test', 'docs', 'bench', 'profiles', 'bin', '.ci'];
const FILES = ['README.md', 'package.json', 'tsconfig.json'];
const TEXT = /\.(ts|mjs|js|json|md|yaml|yml|html|css|sh)$|^run$/;
const MARKER = /^(<{7}|>{7}) /m;

function textFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : textFiles(path);
    return TEXT.test(entry.name) ? [path] : [];
  });
}

describe('the sources and docs', () => {
  it('hold no merge conflict markers', () => {
    const files = [...FOLDERS.flatMap((f) => textFiles(join(ROOT, f))), ...FILES.map((f) => join(ROOT, f))];
    expect(files.length).toBeGreaterThan(100);
    const marked = files.filter((file) => MARKER.test(readFileSync(file, 'utf8'))).map((file) => relative(ROOT, file));
    expect(marked).toEqual([]);
  });
});
