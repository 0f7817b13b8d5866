/**
 * What a reader of a reused object sees at the moment of the call, as a copy of its own: the
 * fields it holds, an undefined one counting as absent (as `field !== undefined` reads it).
 * JoinClient.outcomeOf, applyDecisions and ThreadRecorder.add fill one object anew for each
 * request; a test that keeps what it was given keeps this.
 */
export function asRead<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => asRead(v)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = asRead(v);
  return out as T;
}
