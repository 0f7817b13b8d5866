/** Small helpers shared by the emulator's HTTP handlers. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface BodyResult {
  body: Buffer;
  /** true when the body was longer than the limit (the excess was read and dropped). */
  tooLarge: boolean;
}

/**
 * Reads a request body up to `limitBytes`, draining (not buffering) anything beyond, so a huge
 * body costs no memory and the client still gets our answer instead of a reset.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let tooLarge = Number(req.headers['content-length'] ?? 0) > limitBytes;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limitBytes) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      resolve({ body: tooLarge ? Buffer.alloc(0) : body, tooLarge });
    });
    req.on('error', reject);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = value === undefined ? '' : JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}
