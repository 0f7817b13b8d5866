/**
 * An HTTP target's requests, compiled: for each request of the mix (or the target's one request)
 * its method, path and query, headers and body, with their templates as closures. A request
 * whose every part is fixed is built once; otherwise only the parts with templates are
 * evaluated per request.
 *
 * Paths are kept relative to target.url's origin, so the same compiled requests go to the
 * profile's origin or to a front of the built-in emulator (openTarget gives the prefix).
 */
import type { Dispatcher } from 'undici';
import type { HttpRequestConfig, HttpTargetConfig } from '../profile/types.js';
import type { Path, Problem } from '../profile/source.js';
import { compileText, compileUrlPart } from './compile.js';
import type { CompileContext, Scope, TextFn } from './compile.js';
import { compileJson } from './json-template.js';
import type { RequestPlan } from './plan.js';

export interface CompiledHttpRequest {
  method: Dispatcher.HttpMethod;
  /** Path and query, from the origin's root. */
  path: TextFn;
  /** Headers whose values have templates, evaluated per request; the rest are in fixedHeaders. */
  headerFns: [string, TextFn][];
  fixedHeaders: Record<string, string>;
  body: TextFn | undefined;
  /** Nothing varies: the same path, headers and body every time. */
  fixed: boolean;
}

/** `https://host:8080/a/b?q` -> origin and the rest; a templated host is not allowed. */
export function splitUrl(url: string): { origin: string; rest: string } {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*)?(.*)$/s.exec(url)!;
  const rest = m[2] ?? '';
  return { origin: m[1] ?? '', rest: rest === '' ? '/' : rest };
}

/** The part of target.url that a request's `path` is appended to: its path, without the query or a final "/". */
function basePath(rest: string): string {
  const q = rest.indexOf('?');
  return (q < 0 ? rest : rest.slice(0, q)).replace(/\/+$/, '');
}

export function isJsonContentType(headers: Record<string, string>): boolean {
  const entry = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type');
  return entry !== undefined && /json/i.test(entry[1]);
}

/**
 * Compiles the target's requests; every problem with its profile path. Without `requests:`, the
 * target's url, headers and body make its one request.
 */
export function compileHttpRequests(config: HttpTargetConfig, ctx: CompileContext): { requests: CompiledHttpRequest[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const target = splitUrl(config.url);
  if (target.origin.includes('{{')) problems.push({ path: ['target', 'url'], message: 'templates go in the path or query, not in the scheme, host or port' });
  const single: HttpRequestConfig = { name: '', weight: 1, method: config.method, headers: config.headers, ...(config.body !== undefined && { body: config.body }) };
  const list = config.requests ?? [single];
  const requests = list.map((request, index) => {
    const at: Path = config.requests === undefined ? ['target'] : ['target', 'requests', index];
    const fail = (field: Path, message: string): undefined => void problems.push({ path: [...at, ...field], message });
    let pathText = target.rest;
    let pathAt: Path = ['target', 'url'];
    if (request.path !== undefined) {
      pathText = basePath(target.rest) + request.path;
      pathAt = [...at, 'path'];
    } else if (request.url !== undefined) {
      const own = splitUrl(request.url);
      pathAt = [...at, 'url'];
      if (config.local !== undefined) fail(['url'], 'with local:, give a path on the front, like /orders');
      else if (!sameOrigin(own.origin, target.origin)) fail(['url'], `expected a URL on target.url's origin (${target.origin}): one run sends to one origin; use path for the rest`);
      pathText = own.rest;
    }
    const path = compileUrlPart(pathText.includes('{{') ? pathText : normalizedPath(pathText), ctx);
    if (typeof path === 'string') problems.push({ path: pathAt, message: path });
    const headerFns: [string, TextFn][] = [];
    const fixedHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (!value.includes('{{')) {
        fixedHeaders[name] = value;
        continue;
      }
      const fn = compileText(value, ctx);
      if (typeof fn === 'string') fail(['headers', name], fn);
      else headerFns.push([name, fn]);
    }
    let body: TextFn | undefined;
    if (request.body !== undefined) {
      const fn = isJsonContentType(request.headers) ? compileJson(request.body, ctx) : compileText(request.body, ctx);
      if (typeof fn === 'string') fail(['body'], fn);
      else body = fn;
    }
    const fixed = typeof path !== 'string' && !pathText.includes('{{') && headerFns.length === 0 && !(request.body ?? '').includes('{{');
    return {
      method: request.method.toUpperCase() as Dispatcher.HttpMethod,
      path: typeof path === 'string' ? () => '/' : path,
      headerFns,
      fixedHeaders,
      body,
      fixed,
    };
  });
  return { requests, problems };
}

/** A fixed path and query as a URL parser writes them (percent-encoded where needed). */
function normalizedPath(text: string): string {
  try {
    const url = new URL(text, 'http://origin.invalid');
    return `${url.pathname}${url.search}`;
  } catch {
    return text;
  }
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/**
 * The dispatch options of request `seq` for an HTTP target at `origin`, with `prefix` before
 * every path (a front of the built-in emulator). Fixed requests are built once and shared;
 * undici reads the options and never changes them.
 */
export class HttpRequestSet {
  private readonly built: (Dispatcher.DispatchOptions | undefined)[];
  private readonly empty = Buffer.alloc(0);

  constructor(
    private readonly origin: string,
    private readonly prefix: string,
    private readonly requests: readonly CompiledHttpRequest[],
    private readonly plan: RequestPlan,
  ) {
    const scope: Scope = { seq: 0, row: undefined };
    this.built = requests.map((r) => (r.fixed ? Object.freeze(this.build(r, scope)) : undefined));
  }

  get names(): readonly string[] {
    return this.plan.names;
  }

  /** The request sent as `seq` (its index in the mix). */
  pick(seq: number): number {
    return this.plan.pick(seq);
  }

  options(index: number, seq: number): Dispatcher.DispatchOptions {
    return this.built[index] ?? this.build(this.requests[index]!, this.plan.scope(seq));
  }

  private build(r: CompiledHttpRequest, scope: Scope): Dispatcher.DispatchOptions {
    let headers = r.fixedHeaders;
    if (r.headerFns.length > 0) {
      headers = { ...r.fixedHeaders };
      for (const [name, fn] of r.headerFns) headers[name] = fn(scope);
    }
    const body = r.body === undefined ? null : Buffer.from(r.body(scope));
    return { origin: this.origin, path: this.prefix + r.path(scope), method: r.method, headers, body: body?.length === 0 ? this.empty : body };
  }
}
