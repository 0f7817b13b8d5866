/**
 * Secrets never leave coldbench in clear: values taken from the environment and the values of
 * credential headers are replaced by "***" in anything printed or saved.
 */

/** Headers whose values are credentials (compared case-insensitively). */
export const SECRET_HEADERS: readonly string[] = ['authorization', 'cookie', 'x-api-key', 'proxy-authorization'];

export const REDACTED = '***';

/** Replaces every occurrence of every secret with "***", longest secrets first. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of orderSecrets(secrets)) out = out.split(secret).join(REDACTED);
  return out;
}

/** A deep copy of JSON-like data with every secret occurrence in its strings redacted. */
export function redactData(data: unknown, secrets: readonly string[]): unknown {
  const ordered = orderSecrets(secrets);
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') return ordered.length === 0 ? value : redact(value, ordered);
    if (Array.isArray(value)) return value.map(visit);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, visit(inner)]));
    }
    return value;
  };
  return visit(data);
}

/** The values of secret headers in the profile data (`target.headers`), as strings. */
export function secretHeaderValues(data: unknown): string[] {
  const headers = property(property(data, 'target'), 'headers');
  if (headers === null || typeof headers !== 'object') return [];
  return Object.entries(headers)
    .filter(([name, value]) => SECRET_HEADERS.includes(name.toLowerCase()) && value !== null && value !== undefined)
    .map(([, value]) => String(value))
    .filter((value) => value !== '');
}

/** Unique, non-empty, longest first, so "Bearer abc" is hidden whole rather than as "Bearer ***". */
function orderSecrets(secrets: readonly string[]): string[] {
  return [...new Set(secrets)].filter((secret) => secret !== '').sort((a, b) => b.length - a.length);
}

function property(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}
