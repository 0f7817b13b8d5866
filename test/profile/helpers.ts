import { ProfileError } from '../../src/errors.js';
import type { ParseProfileOptions } from '../../src/profile/index.js';
import { parseProfileText } from '../../src/profile/index.js';

export const HTTP_HEAD = `name: t
target:
  kind: http
  url: http://127.0.0.1:8080/x
`;

export function parse(text: string, options: Partial<ParseProfileOptions> = {}) {
  return parseProfileText(text, { file: 'test.yaml', baseDir: '/profiles', ...options });
}

/** The problems a profile has; fails the test when it has none. */
export function problemsOf(text: string, options: Partial<ParseProfileOptions> = {}): string[] {
  try {
    parse(text, options);
  } catch (error) {
    if (error instanceof ProfileError) return error.problems;
    throw error;
  }
  throw new Error('expected the profile to have problems');
}

/** An http profile with the given load section (already indented under `load:`). */
export function withLoad(load: string): string {
  return `${HTTP_HEAD}load:\n${load}`;
}
