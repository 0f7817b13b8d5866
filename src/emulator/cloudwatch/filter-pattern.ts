/**
 * CloudWatch Logs filter patterns, the documented subset the emulator's FilterLogEvents needs.
 * Source: "Filter pattern syntax for metric filters, subscription filters, filter log events,
 * and Live Tail", https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 * (and its older copy, awsdocs/amazon-cloudwatch-logs-user-guide doc_source/FilterAndPatternSyntax.md).
 *
 * Supported:
 * - an empty pattern: every event;
 * - unstructured terms: case sensitive, matched anywhere in the message (`ERROR` matches
 *   `ERRORCODE: -1`, the doc's own example); several terms must all appear; a bare term is
 *   letters, digits and `_`, anything else goes in double quotes, which make an exact phrase;
 *   `-term` excludes; `?term ?term` matches any of them;
 * - JSON patterns `{ SELECTOR = value }` and `!=`, combined with `&&`, `||` and parentheses
 *   (`&&` binds tighter), only on events whose message is a JSON object. The selector must point
 *   at a string or a number, else the comparison is false either way. Values are quoted strings,
 *   bare words or numbers; a `*` at the start or end of a string is a wildcard.
 *
 * Everything else the doc describes (regular expressions `%...%`, space-delimited `[a, b]`
 * patterns, `<`/`>` comparisons, `IS NULL`, `NOT EXISTS`, `IS TRUE`, mixing `?term` with plain
 * terms) is rejected with a FilterPatternError, which the API turns into InvalidParameterException:
 * the emulator never silently matches differently from AWS.
 */

export type Matcher = (message: string) => boolean;

export class FilterPatternError extends Error {
  constructor(detail: string) {
    super(`Invalid filter pattern: ${detail}`);
    this.name = 'FilterPatternError';
  }
}

/** Compiles a pattern once; the matcher is then run on every candidate event. */
export function compileFilterPattern(pattern: string | undefined): Matcher {
  const text = (pattern ?? '').trim();
  if (text === '') return () => true;
  if (text.startsWith('{')) return compileJson(text);
  if (text.startsWith('[')) throw new FilterPatternError('space-delimited patterns ([...]) are not supported by the emulator');
  return compileTerms(text);
}

// ---- unstructured terms ----

interface Term {
  prefix: '' | '?' | '-';
  text: string;
}

function compileTerms(text: string): Matcher {
  const terms = readTerms(text);
  const all = terms.filter((t) => t.prefix === '').map((t) => t.text);
  const none = terms.filter((t) => t.prefix === '-').map((t) => t.text);
  const any = terms.filter((t) => t.prefix === '?').map((t) => t.text);
  if (any.length > 0 && any.length !== terms.length) {
    throw new FilterPatternError('mixing ?term with plain or -term terms is not supported by the emulator');
  }
  if (any.length > 0) return (m) => any.some((t) => m.includes(t));
  return (m) => all.every((t) => m.includes(t)) && !none.some((t) => m.includes(t));
}

const BARE_TERM = /^[A-Za-z0-9_]+$/;

function readTerms(text: string): Term[] {
  const terms: Term[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i += 1;
      continue;
    }
    const prefix = text[i] === '?' || text[i] === '-' ? (text[i] as '?' | '-') : '';
    if (prefix !== '') i += 1;
    if (text[i] === '"') {
      const { value, end } = readQuoted(text, i);
      terms.push({ prefix, text: value });
      i = end;
      continue;
    }
    let end = i;
    while (end < text.length && !/\s/.test(text[end]!)) end += 1;
    const word = text.slice(i, end);
    if (word.startsWith('%')) throw new FilterPatternError('regular expressions (%...%) are not supported by the emulator');
    if (!BARE_TERM.test(word)) {
      throw new FilterPatternError(`the term ${JSON.stringify(word)} has characters other than letters, digits and _: put it in double quotes`);
    }
    terms.push({ prefix, text: word });
    i = end;
  }
  return terms;
}

/** A double-quoted string starting at `start`; `\"` and `\\` are escapes. */
function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  for (let i = start + 1; i < text.length; i += 1) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      value += text[i + 1];
      i += 1;
    } else if (c === '"') {
      return { value, end: i + 1 };
    } else {
      value += c;
    }
  }
  throw new FilterPatternError('a double quote is not closed');
}

// ---- JSON patterns ----

type Node =
  | { kind: 'or' | 'and'; left: Node; right: Node }
  | { kind: 'cmp'; path: Array<string | number>; op: '=' | '!='; value: Literal };

type Literal = { kind: 'number'; value: number; text: string } | { kind: 'string'; value: string };

function compileJson(text: string): Matcher {
  if (!text.endsWith('}')) throw new FilterPatternError('a JSON pattern must end with }');
  const parser = new JsonPatternParser(text.slice(1, -1));
  const tree = parser.parse();
  return (message) => {
    const doc = parseObject(message);
    return doc !== undefined && evaluate(tree, doc);
  };
}

function parseObject(message: string): unknown {
  const trimmed = message.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

function evaluate(node: Node, doc: unknown): boolean {
  switch (node.kind) {
    case 'or':
      return evaluate(node.left, doc) || evaluate(node.right, doc);
    case 'and':
      return evaluate(node.left, doc) && evaluate(node.right, doc);
    case 'cmp': {
      const found = select(doc, node.path);
      if (typeof found !== 'string' && typeof found !== 'number') return false;
      const equal = literalEquals(node.value, found);
      return node.op === '=' ? equal : !equal;
    }
  }
}

function select(doc: unknown, path: Array<string | number>): unknown {
  let at: unknown = doc;
  for (const key of path) {
    if (typeof key === 'number') {
      if (!Array.isArray(at)) return undefined;
      at = at[key];
    } else {
      if (at === null || typeof at !== 'object' || Array.isArray(at)) return undefined;
      at = (at as Record<string, unknown>)[key];
    }
  }
  return at;
}

function literalEquals(lit: Literal, found: string | number): boolean {
  if (lit.kind === 'number') return typeof found === 'number' ? found === lit.value : found === lit.text;
  return wildcardEquals(lit.value, String(found));
}

/** `*` at the start and/or end matches any text there; elsewhere it is a plain character. */
function wildcardEquals(pattern: string, value: string): boolean {
  const lead = pattern.length > 1 && pattern.startsWith('*');
  const trail = pattern.length > 1 && pattern.endsWith('*');
  if (pattern === '*') return true;
  const core = pattern.slice(lead ? 1 : 0, trail ? -1 : undefined);
  if (lead && trail) return value.includes(core);
  if (lead) return value.endsWith(core);
  if (trail) return value.startsWith(core);
  return value === pattern;
}

const NUMBER = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/** Recursive descent over `expr := and ('||' and)*`, `and := unary ('&&' unary)*`. */
class JsonPatternParser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(): Node {
    const node = this.or();
    this.space();
    if (this.i < this.s.length) throw new FilterPatternError(`unexpected ${JSON.stringify(this.s.slice(this.i))} in a JSON pattern`);
    return node;
  }

  private or(): Node {
    let left = this.and();
    while (this.eat('||')) left = { kind: 'or', left, right: this.and() };
    return left;
  }

  private and(): Node {
    let left = this.unary();
    while (this.eat('&&')) left = { kind: 'and', left, right: this.unary() };
    return left;
  }

  private unary(): Node {
    if (this.eat('(')) {
      const inner = this.or();
      if (!this.eat(')')) throw new FilterPatternError('a parenthesis is not closed');
      return inner;
    }
    const path = this.selector();
    this.space();
    let op: '=' | '!=';
    if (this.eat('!=')) op = '!=';
    else if (/^(<=|>=|<|>)/.test(this.s.slice(this.i))) throw new FilterPatternError('numeric comparisons (<, >, <=, >=) are not supported by the emulator');
    else if (this.eat('=')) op = '=';
    else throw new FilterPatternError('expected = or != after the selector (IS NULL, NOT EXISTS and IS TRUE are not supported by the emulator)');
    return { kind: 'cmp', path, op, value: this.literal() };
  }

  private selector(): Array<string | number> {
    this.space();
    if (this.s[this.i] !== '$') throw new FilterPatternError('a JSON selector starts with $');
    this.i += 1;
    const path: Array<string | number> = [];
    for (;;) {
      const rest = this.s.slice(this.i);
      const name = /^\.([A-Za-z0-9_-]+)/.exec(rest);
      const index = /^\[(\d+)\]/.exec(rest);
      if (name !== null) path.push(name[1]!);
      else if (index !== null) path.push(Number(index[1]));
      else break;
      this.i += (name ?? index)![0].length;
    }
    if (path.length === 0) throw new FilterPatternError('a JSON selector names a property, like $.type');
    return path;
  }

  private literal(): Literal {
    this.space();
    if (this.s[this.i] === '"') {
      const { value, end } = readQuoted(this.s, this.i);
      this.i = end;
      return { kind: 'string', value };
    }
    const bare = /^[^\s()&|"]+/.exec(this.s.slice(this.i));
    if (bare === null) throw new FilterPatternError('expected a value after the operator');
    this.i += bare[0].length;
    const text = bare[0];
    return NUMBER.test(text) ? { kind: 'number', value: Number(text), text } : { kind: 'string', value: text };
  }

  private eat(token: string): boolean {
    this.space();
    if (!this.s.startsWith(token, this.i)) return false;
    this.i += token.length;
    return true;
  }

  private space(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i += 1;
  }
}
