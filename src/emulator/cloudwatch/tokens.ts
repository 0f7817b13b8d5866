/** Pagination tokens of the emulator's Logs API: opaque to clients, checked when they come back. */
import { invalid } from './params.js';

export function encodeToken(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The token's fields, or InvalidParameterException when it was not made by this operation. */
export function decodeToken<T>(token: string, valid: (v: Record<string, unknown>) => boolean): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (value === null || typeof value !== 'object' || !valid(value as Record<string, unknown>)) {
    throw invalid('The specified nextToken is invalid.');
  }
  return value as T;
}

export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}
