/**
 * Invoke payloads. A payload without `{{` is encoded once and the same bytes are sent every
 * time; a template is split once into literal parts and placeholders, then filled per request:
 * `{{seq}}` the request's sequence number, `{{uuid}}` a random UUID, `{{now}}` Date.now().
 * Any other `{{...}}` is sent as written.
 */
import { randomUUID } from 'node:crypto';

export type PayloadFn = (seq: number) => Uint8Array | undefined;

type Placeholder = 'seq' | 'uuid' | 'now';
const PLACEHOLDER = /\{\{(seq|uuid|now)\}\}/;

const encoder = new TextEncoder();

function fill(name: Placeholder, seq: number): string {
  switch (name) {
    case 'seq':
      return String(seq);
    case 'uuid':
      return randomUUID();
    case 'now':
      return String(Date.now());
  }
}

export function compilePayload(payload: string | undefined): PayloadFn {
  if (payload === undefined) return () => undefined;
  if (!payload.includes('{{')) {
    const bytes = encoder.encode(payload);
    return () => bytes;
  }
  // split() with a capturing group alternates literal, name, literal, name, ..., literal.
  const parts = payload.split(new RegExp(PLACEHOLDER.source, 'g'));
  return (seq) => {
    let text = parts[0]!;
    for (let i = 1; i < parts.length; i += 2) text += fill(parts[i] as Placeholder, seq) + parts[i + 1]!;
    return encoder.encode(text);
  };
}
