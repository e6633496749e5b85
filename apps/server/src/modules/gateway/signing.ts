import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The integration API's request signature, shared by the server, tests, the HIS simulator and
 * third parties:
 *
 *   X-Qn-Signature = base64(HMAC-SHA256(secret,
 *     METHOD + "\n" + path-with-query + "\n" + timestamp + "\n" + nonce + "\n" + sha256hex(body)))
 *
 * `path` is the request target exactly as sent (e.g. `/api/integration/v1/slots?date=2026-11-24`);
 * `body` is the raw request body ('' when there is none); `timestamp` is unix seconds.
 */
export interface SignatureInput {
  secret: string;
  method: string;
  path: string;
  body?: string;
  timestamp: number | string;
  nonce: string;
}

export function integrationSignature(i: SignatureInput): string {
  const bodyHash = createHash('sha256')
    .update(i.body ?? '', 'utf8')
    .digest('hex');
  const canonical = [i.method.toUpperCase(), i.path, String(i.timestamp), i.nonce, bodyHash].join('\n');
  return createHmac('sha256', i.secret).update(canonical, 'utf8').digest('base64');
}

/** The four headers a signed integration request carries. */
export function signIntegrationRequest(i: SignatureInput & { appId: string }): Record<string, string> {
  return {
    'x-qn-app-id': i.appId,
    'x-qn-timestamp': String(i.timestamp),
    'x-qn-nonce': i.nonce,
    'x-qn-signature': integrationSignature(i),
  };
}

/** Constant-time comparison of a presented signature with the expected one. */
export function signatureMatches(expected: string, presented: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
