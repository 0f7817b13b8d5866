/**
 * A result (a run's, a merged one, a matrix configuration's, a matrix result) with the secrets
 * of its profile redacted, and its structure untouched: a redacted result always reads back.
 *
 * What is whose is written down here, field by field. Every object key is coldbench's own field
 * name and is kept, except in the maps whose keys are user names (request names, environment
 * variable names) or hold some (a histogram named after a request, a function's error type). Every string value is user text and is redacted, except those
 * listed as coldbench's own words (a status, a kind, an ISO time, a hash, a histogram's
 * encoding): a secret found in one of those by chance is not a leak, and rewriting it would
 * corrupt the file. A field added later is redacted as user text until it is listed here.
 */
import { redactor } from '../profile/redact.js';
import { redactProfile } from '../profile/redact-profile.js';

/** coldbench's own: kept as it is, all the way down. */
type Own = 'own';
/** The profile: redacted with its schema (src/profile/redact-profile.ts). */
type ProfileData = 'profile';

interface ObjectShape {
  /** Named fields with their own shape; other fields are user text with kept keys. */
  fields?: Record<string, Shape>;
  /** The shape of every value whose key is kept (a map keyed by coldbench's words). */
  each?: Shape;
  /** The keys are user names, redacted like values; every value has this shape. */
  names?: Shape;
  /** The keys are request names, each redacted as the record's request names map says. */
  requestNames?: true;
  /** Rewrites a key that holds user text inside coldbench's words (a histogram's or an error class's name). */
  key?: (key: string, redact: { text: (value: string) => string; requestName: (name: string) => string }) => string;
  /** Array items. */
  items?: Shape;
}

type Shape = Own | ProfileData | ObjectShape;

const USER: ObjectShape = {};
/**
 * Error or throttle counts by class. The classes are coldbench's stable words (`timeout`,
 * `http-5xx`, ...) except the part the target supplies in `function-error:<type>` and
 * `lambda-<Exception>`: only that part is user text.
 */
const CLASS_FAMILY = /^(function-error:|lambda-)(.+)$/;
const BY_CLASS: ObjectShape = { names: 'own', key: (key, { text }) => key.replace(CLASS_FAMILY, (_m, family: string, rest: string) => `${family}${text(rest)}`) };

/** Counts by start kind, then by the rule that decided: a rule may name a user's header. */
const START_REASONS: ObjectShape = { each: { names: 'own' } };

/** `requests.<name>.latency.all`: only the request name is user text. */
const REQUEST_HISTOGRAM = /^(requests\.)(.+)(\.latency\.[a-z]+)$/;

const RESULT: ObjectShape & { fields: Record<string, Shape> } = {
  fields: {
    schemaVersion: 'own',
    kind: 'own',
    tool: 'own',
    status: 'own',
    startedAt: 'own',
    endedAt: 'own',
    profile: 'profile',
    target: { fields: { kind: 'own', client: 'own', architecture: 'own' } },
    errors: BY_CLASS,
    throttles: BY_CLASS,
    cost: { fields: { architecture: 'own', prices: 'own' } },
    coldStarts: { items: { fields: { class: 'own' } } },
    histograms: { names: 'own', key: (key, { requestName }) => key.replace(REQUEST_HISTOGRAM, (_m, head: string, name: string, tail: string) => `${head}${requestName(name)}${tail}`) },
    startReasons: START_REASONS,
    logs: { fields: { source: 'own' } },
    async: { fields: { attempts: 'own' } },
    shard: { fields: { profileHash: 'own', startAt: 'own' } },
    shards: { items: { fields: { profileHash: 'own', startAt: 'own', status: 'own' } } },
    requests: { names: { fields: { errors: BY_CLASS, throttles: BY_CLASS, startReasons: START_REASONS } }, requestNames: true },
    data: { fields: { format: 'own', order: 'own' } },
    // A matrix configuration's result.
    matrix: { fields: { settings: { fields: { architecture: 'own', environment: { names: USER } } } } },
    // A matrix result.
    configurations: { items: { fields: { architecture: 'own', runs: { items: { fields: { status: 'own' } } } } } },
    comparison: { fields: { metrics: 'own', rows: { items: { fields: { architecture: 'own', cells: { each: { fields: { verdict: 'own' } } } } } } } },
    restore: { fields: { functions: { items: { fields: { original: { fields: { architecture: 'own', environment: { names: USER } } } } } } } },
  },
};
// The forced cold starts of a matrix configuration are a result of their own.
RESULT.fields.forcedColdStarts = RESULT;

/** A result-like record with every secret of `secrets` redacted from its user text. */
export function redactRecord<T>(record: T, secrets: readonly string[]): T {
  if (secrets.every((secret) => secret === '')) return record;
  const text = redactor(secrets);
  const visit = (value: unknown, shape: Shape, requestName: (name: string) => string): unknown => {
    if (shape === 'own') return value;
    if (shape === 'profile') return redactProfile(value, secrets);
    if (typeof value === 'string') return text(value);
    if (Array.isArray(value)) return value.map((item) => visit(item, shape.items ?? USER, requestName));
    if (value === null || typeof value !== 'object') return value;
    const names = shape === RESULT ? requestNames((value as { requests?: unknown }).requests, text) : requestName;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => {
        if (shape.names !== undefined) {
          const name = shape.requestNames === true ? names(key) : (shape.key?.(key, { text, requestName: names }) ?? text(key));
          return [name, visit(inner, shape.names, names)];
        }
        return [key, visit(inner, shape.fields?.[key] ?? shape.each ?? USER, names)];
      }),
    );
  };
  return visit(record, RESULT, text) as T;
}

/**
 * The redacted name of each request of a mix, in the order of the mix, and distinct: two names
 * that redact alike (two secrets, each a whole name) become `***` and `***-2`, never one entry
 * that loses the other's counts. The shards of one profile list the same names in the same
 * order, so they redact them alike and still merge by name.
 */
function requestNames(requests: unknown, text: (value: string) => string): (name: string) => string {
  if (requests === null || typeof requests !== 'object') return text;
  const byName = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of Object.keys(requests)) {
    const base = text(name);
    let redacted = base;
    for (let n = 2; taken.has(redacted); n++) redacted = `${base}-${n}`;
    taken.add(redacted);
    byName.set(name, redacted);
  }
  return (name) => byName.get(name) ?? text(name);
}
