/**
 * Function URLs with AuthType AWS_IAM: Lambda answers a request without a SigV4 signature with
 * 403 Forbidden before the function runs ("Security and auth model for Lambda function URLs",
 * docs.aws.amazon.com/lambda/latest/dg/urls-auth.html). The emulator checks the signature's
 * presence and form only (an Authorization header `AWS4-HMAC-SHA256 Credential=<key>/<date>/
 * <region>/<service>/aws4_request, SignedHeaders=...;..., Signature=<64 hex>` and an X-Amz-Date
 * `YYYYMMDDTHHMMSSZ`): it has no credentials to check the signature against.
 */
import type { IncomingHttpHeaders } from 'node:http';

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=[^/\s,]+\/\d{8}\/[a-z0-9-]+\/[a-z0-9-]+\/aws4_request,\s*SignedHeaders=[a-z0-9-]+(;[a-z0-9-]+)*,\s*Signature=[0-9a-f]{64}$/;
const AMZ_DATE = /^\d{8}T\d{6}Z$/;

/** Why a request would be refused, or undefined when its signature has the right form. */
export function iamAuthProblem(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization === undefined) return 'no Authorization header';
  if (!AUTHORIZATION.test(authorization)) return 'the Authorization header is not a SigV4 signature';
  const date = headers['x-amz-date'];
  if (typeof date !== 'string' || !AMZ_DATE.test(date)) return 'no X-Amz-Date header of the form YYYYMMDDTHHMMSSZ';
  const signed = /SignedHeaders=([^,\s]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  if (!signed.includes('host')) return 'the signature does not cover the host header';
  return undefined;
}

/**
 * The answer to a request refused for its signature. The body is what Function URLs are reported
 * to answer (403 with the message "Forbidden"); AWS's documentation does not print it.
 */
export const FORBIDDEN_BODY = { Message: 'Forbidden' };
