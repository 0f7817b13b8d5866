/**
 * Checks a received request's SigV4 signature the way the service does: the request is
 * rebuilt from what came over the wire (method, raw path, query, the headers named in
 * SignedHeaders, body) and signed again with the secret of its access key and its own
 * x-amz-date; the Authorization headers must be equal. A request whose bytes changed after
 * signing (a header rewritten by the HTTP client, a body re-encoded) fails.
 */
import { createHash } from 'node:crypto';
import type http from 'node:http';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';

export type SignatureCheck = 'valid' | 'invalid' | 'unsigned';

/** Secrets of the access keys the tests sign with. */
export const SECRETS: Record<string, string> = {
  'coldbench-local': 'coldbench-local',
  AKIDBENCHPROFILE: 'secret',
  AKIDBENCH: 'secret',
  AKIDROTATE: 'secret',
};

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=[0-9a-f]{64}$/;

/** x-amz-date (20261205T093642Z) as a Date. */
function amzDate(text: string): Date {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(text);
  if (m === null) return new Date(Number.NaN);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

export async function checkSignature(req: http.IncomingMessage, body: Buffer, secrets: Record<string, string> = SECRETS): Promise<SignatureCheck> {
  const authorization = req.headers.authorization;
  if (authorization === undefined) return 'unsigned';
  const m = AUTH.exec(authorization);
  const secret = m === null ? undefined : secrets[m[1]!];
  if (m === null || secret === undefined) return 'invalid';
  const [, accessKeyId, , region, service, signedHeaders] = m;
  const headers: Record<string, string> = {};
  for (const name of signedHeaders!.split(';')) {
    const value = req.headers[name];
    if (value === undefined) return 'invalid';
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // The service checks the body against the hash that was signed.
  const bodyHash = headers['x-amz-content-sha256'];
  if (bodyHash !== undefined && bodyHash !== createHash('sha256').update(body).digest('hex')) return 'invalid';
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const query: Record<string, string> = {};
  if (q >= 0) for (const [k, v] of new URLSearchParams(raw.slice(q + 1))) query[k] = v;
  const sessionToken = req.headers['x-amz-security-token'];
  const signer = new SignatureV4({
    credentials: { accessKeyId: accessKeyId!, secretAccessKey: secret, ...(typeof sessionToken === 'string' && { sessionToken }) },
    region: region!,
    service: service!,
    sha256: Sha256,
  });
  const signed = await signer.sign(
    { method: req.method ?? 'GET', protocol: 'http:', hostname: '127.0.0.1', path: q >= 0 ? raw.slice(0, q) : raw, query, headers, body: body.length > 0 ? new Uint8Array(body) : undefined },
    { signingDate: amzDate(headers['x-amz-date'] ?? ''), signableHeaders: new Set(Object.keys(headers)) },
  );
  return signed.headers['authorization'] === authorization ? 'valid' : 'invalid';
}
