/**
 * Invoke payloads: JSON text, sent as bytes. A payload without `{{` is encoded once and the same
 * bytes are sent every time; a template is compiled once (json-template.ts: values written as
 * JSON, never pasted raw) and filled per request.
 */
import type { CompileContext, Scope } from './compile.js';
import { plainContext } from './compile.js';
import { compileJson } from './json-template.js';

export type PayloadFn = (scope: Scope) => Uint8Array | undefined;

const encoder = new TextEncoder();

/** Compiles a payload; a string says what is wrong with its template. */
export function compilePayload(payload: string | undefined, ctx: CompileContext = plainContext()): PayloadFn | string {
  if (payload === undefined) return () => undefined;
  if (!payload.includes('{{')) {
    const bytes = encoder.encode(payload);
    return () => bytes;
  }
  const text = compileJson(payload, ctx);
  if (typeof text === 'string') return text;
  return (scope) => encoder.encode(text(scope));
}
