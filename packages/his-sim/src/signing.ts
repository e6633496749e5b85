import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The Qingnang request signature, implemented here from its specification (docs/api.md) as any
 * HIS vendor would, without importing the platform's code:
 *
 *   X-Qn-Signature = base64(HMAC-SHA256(secret,
 *     METHOD + "\n" + path-with-query + "\n" + timestamp + "\n" + nonce + "\n" + sha256hex(body)))
 *
 * It signs the simulator's pushes to the integration API (with its channel secret) and verifies
 * the platform's calls to the simulator (with the shared HIS secret).
 */
export function sign(
  secret: string,
  method: string,
  path: string,
  timestamp: string,
  nonce: string,
  body: string,
) {
  const bodyHash = createHash('sha256').update(body, 'utf8').digest('hex');
  const canonical = [method.toUpperCase(), path, timestamp, nonce, bodyHash].join('\n');
  return createHmac('sha256', secret).update(canonical, 'utf8').digest('base64');
}

export function signedHeaders(
  appId: string,
  secret: string,
  method: string,
  path: string,
  body: string,
  timestamp: number,
  nonce: string,
): Record<string, string> {
  return {
    'x-qn-app-id': appId,
    'x-qn-timestamp': String(timestamp),
    'x-qn-nonce': nonce,
    'x-qn-signature': sign(secret, method, path, String(timestamp), nonce, body),
  };
}

export function sameSignature(expected: string, presented: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
