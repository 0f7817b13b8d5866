/**
 * Field schemas shared by the profile schema: each carries the message a user sees when the
 * value is wrong, and a description for the published JSON Schema.
 */
import { z } from 'zod';
import { parseDuration } from '../util/duration.js';
import { say, strictObjectError } from './messages.js';

/**
 * A strict object (unknown keys are errors) that suggests the closest known key;
 * `typeMessage` replaces "expected a mapping" when the value is not an object.
 */
export function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape, typeMessage?: string) {
  const unknownKeys = strictObjectError(Object.keys(shape));
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'invalid_type' && issue.input !== undefined ? typeMessage : unknownKeys(issue)),
  });
}

const DURATION_HINT = 'expected a duration like 500ms, 30s, 2m';
const DURATION_TEXT = /^\s*(?:(?:\d+(?:\.\d+)?|\.\d+)(?:ms|s|m|h))+\s*$|^\s*(?:\d+(?:\.\d+)?|\.\d+)\s*$/;

/** A duration in the profile (`500ms`, `30s`, `2m`, `1h`, `1m30s`; a bare number is seconds) -> ms. */
export function duration(options: { positive?: boolean; maxMs?: number; maxText?: string } = {}) {
  return z
    .union([z.string().regex(DURATION_TEXT, DURATION_HINT), z.number().min(0, DURATION_HINT)], say(DURATION_HINT))
    .transform((value, ctx) => {
      const ms = parseDuration(value) ?? Number.NaN;
      if (Number.isNaN(ms)) ctx.addIssue({ code: 'custom', message: DURATION_HINT, input: value });
      else if (options.positive === true && ms <= 0) ctx.addIssue({ code: 'custom', message: 'expected a duration > 0', input: value });
      else if (options.maxMs !== undefined && ms > options.maxMs) {
        ctx.addIssue({ code: 'custom', message: `expected at most ${options.maxText ?? String(options.maxMs)}`, input: value });
      }
      return ms;
    })
    .meta({ description: 'A duration: 500ms, 30s, 2m, 1h or 1m30s. A bare number means seconds.' });
}

export const positiveNumber = () => z.number(say('expected a positive number')).positive();
export const nonNegativeNumber = () => z.number(say('expected a number >= 0')).min(0);
export const integerAtLeast = (min: number) => z.int(say(`expected an integer >= ${min}`)).min(min);

/** A string; YAML numbers and booleans (`qualifier: 3`, `DEBUG: true`) are taken as their text. */
export const stringish = () =>
  z.union([z.string(), z.number(), z.boolean()], say('expected a string')).transform((value) => String(value));

export const httpUrl = () =>
  z.string(say('expected an http(s) URL')).refine(isHttpUrl, { message: 'expected an http(s) URL like http://127.0.0.1:8080/path' });

/** A request body or payload: a string is sent as written; anything else is JSON-encoded (`encoded`). */
export const jsonText = () =>
  z
    .union(
      [z.string(), z.number(), z.boolean(), z.array(z.unknown()), z.record(z.string(), z.unknown())],
      say('expected a string, or a mapping or list to send as JSON'),
    )
    .transform((value) => (typeof value === 'string' ? { text: value, encoded: false } : { text: JSON.stringify(value), encoded: true }));

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
