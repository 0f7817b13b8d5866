/**
 * Secrets never leave coldbench in clear: values taken from the environment and the values of
 * credential headers are replaced by "***" in anything printed or saved.
 *
 * Only user text is ever rewritten: a value, or a name the user chose (a request name, a header
 * name). coldbench's own field names and words (`latency`, `status: completed`, an ISO time) are
 * never touched, so a redacted result always reads back (src/result/redact-record.ts says which
 * parts of a result are whose; redact-profile.ts does the same for the profile with its schema).
 */

/** Headers whose values are credentials (compared case-insensitively). */
export const SECRET_HEADERS: readonly string[] = ['authorization', 'cookie', 'x-api-key', 'proxy-authorization'];

export const REDACTED = '***';

/**
 * A secret shorter than this is hidden only where it is a whole value (a header value, a name),
 * never as a part of other text: replacing every "a" or "1" of every message and URL garbles
 * everything and hides nothing. Others draw the same line: Apache Airflow's secrets masker
 * masks structured fields whatever their length but free text only from 5 characters
 * (apache/airflow#48791, `min_length_masked_secret`), and google-github-actions/
 * get-secretmanager-secrets masks values in the GitHub Actions log only from 4 characters by
 * default (`min_mask_length`, google-github-actions/get-secretmanager-secrets#247), "to prevent
 * extremely short secrets from making GitHub Actions output unreadable". coldbench warns about
 * each such secret by where it came from, never by its value.
 */
export const MIN_MASKED_LENGTH = 4;

/** Where a secret came from, for the warning about secrets too short to mask: `${API_KEY}`, `header Authorization`. */
export interface SecretOrigin {
  value: string;
  from: string;
}

/**
 * `text` with secrets hidden: a text that is a secret as a whole becomes "***" whatever its
 * length; inside longer text, every occurrence of a secret of MIN_MASKED_LENGTH characters or
 * more, longest first (so "Bearer abc" is hidden whole rather than as "Bearer ***").
 */
export function redact(text: string, secrets: readonly string[]): string {
  return redactor(secrets)(text);
}

/** redact() with its secrets sorted once, for redacting many strings. */
export function redactor(secrets: readonly string[]): (text: string) => string {
  const ordered = orderSecrets(secrets);
  const whole = new Set(ordered);
  const inner = ordered.filter((secret) => secret.length >= MIN_MASKED_LENGTH);
  return (text) => {
    if (whole.has(text)) return REDACTED;
    let out = text;
    for (const secret of inner) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };
}

/**
 * A deep copy of JSON-like data whose strings are user text, redacted; object keys are kept as
 * they are (they are field names, not user data). Data that holds user names as keys has a shape
 * that says so: see redactProfile and redactRecord.
 */
export function redactData<T>(data: T, secrets: readonly string[]): T {
  if (orderSecrets(secrets).length === 0) return data;
  const text = redactor(secrets);
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') return text(value);
    if (Array.isArray(value)) return value.map(visit);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, visit(inner)]));
    return value;
  };
  return visit(data) as T;
}

/** The origins of the secrets too short to be hidden inside other text, each once. */
export function unmaskableOrigins(origins: readonly SecretOrigin[]): string[] {
  return [...new Set(origins.filter((o) => o.value !== '' && o.value.length < MIN_MASKED_LENGTH).map((o) => o.from))];
}

/** The values of secret headers in the profile data (`target.headers`, `target.requests[].headers`), as strings. */
export function secretHeaderValues(data: unknown): string[] {
  return secretHeaderOrigins(data).map((origin) => origin.value);
}

/** The values of secret headers in the profile data, with the header each came from. */
export function secretHeaderOrigins(data: unknown): SecretOrigin[] {
  const target = property(data, 'target');
  const requests = property(target, 'requests');
  const lists = [property(target, 'headers'), ...(Array.isArray(requests) ? requests.map((request) => property(request, 'headers')) : [])];
  return lists.flatMap(secretValues);
}

function secretValues(headers: unknown): SecretOrigin[] {
  if (headers === null || typeof headers !== 'object') return [];
  return Object.entries(headers)
    .filter(([name, value]) => SECRET_HEADERS.includes(name.toLowerCase()) && value !== null && value !== undefined)
    .map(([name, value]) => ({ value: String(value), from: `header ${name}` }))
    .filter((origin) => origin.value !== '');
}

/** Unique, non-empty, longest first. */
function orderSecrets(secrets: readonly string[]): string[] {
  return [...new Set(secrets)].filter((secret) => secret !== '').sort((a, b) => b.length - a.length);
}

function property(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}
