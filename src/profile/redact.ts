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

/**
 * A deep copy of JSON-like data with every secret occurrence in its strings, keys included,
 * redacted. The values under a key in `keep` are copied as they are, only their own keys redacted
 * (a result's `histograms` are base64 encodings, not text: a secret found in one by chance is not
 * a leak, and replacing it would corrupt the histogram).
 */
export function redactData<T>(data: T, secrets: readonly string[], keep: readonly string[] = []): T {
  const ordered = orderSecrets(secrets);
  if (ordered.length === 0) return data;
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') return redact(value, ordered);
    if (Array.isArray(value)) return value.map(visit);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [redact(key, ordered), keep.includes(key) ? keysRedacted(inner) : visit(inner)]));
    }
    return value;
  };
  // Kept values keep their contents; their names are redacted (a request name from ${VAR} names
  // its histograms: `requests.<name>.latency.all`).
  const keysRedacted = (value: unknown): unknown =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).map(([key, inner]) => [redact(key, ordered), inner]))
      : value;
  return visit(data) as T;
}

/** A result-like record (a result, a matrix result) with every secret redacted, histograms kept. */
export function redactRecord<T>(record: T, secrets: readonly string[]): T {
  return redactData(record, secrets, ['histograms']);
}

/** The values of secret headers in the profile data (`target.headers`, `target.requests[].headers`), as strings. */
export function secretHeaderValues(data: unknown): string[] {
  const target = property(data, 'target');
  const requests = property(target, 'requests');
  const lists = [property(target, 'headers'), ...(Array.isArray(requests) ? requests.map((request) => property(request, 'headers')) : [])];
  return lists.flatMap(secretValues);
}

function secretValues(headers: unknown): string[] {
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
