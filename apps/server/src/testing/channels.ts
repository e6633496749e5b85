import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { signIntegrationRequest } from '../modules/gateway/index.js';
import type { ApiResponse, TestApp } from './harness.js';
import { loginStaff } from './staff.js';

/** A signed call as an outside system (HIS, LIS, exam system, kiosk) makes it: `(path, body) => response`. */
export type SignedCall = (path: string, body: unknown) => Promise<ApiResponse>;

/**
 * Opens an integration channel through the admin API, allowed these operations, and returns a
 * caller that signs each POST as that system does (modules/gateway/signing.ts), at the test clock's time.
 */
export async function openChannel(
  t: TestApp,
  operations: string[],
  opts: { kind?: 'his_counter' | 'other'; name?: string } = {},
): Promise<SignedCall> {
  const kind = opts.kind ?? 'his_counter';
  const admin = await loginStaff(t, 'admin');
  const res = await t.api.post('/api/v1/admin/channels', {
    token: admin.token,
    body: {
      code: `${kind}-${randomBytes(3).toString('hex')}`,
      name: opts.name ?? '院内 HIS',
      kind,
      allowedOperations: operations,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const { appId, secret } = res.body as { appId: string; secret: string };
  return (path, body) => {
    const raw = JSON.stringify(body);
    const headers = signIntegrationRequest({
      appId,
      secret,
      method: 'POST',
      path,
      body: raw,
      timestamp: Math.floor(t.clock.now().getTime() / 1000),
      nonce: randomBytes(12).toString('hex'),
    });
    return t.api.post(path, { headers, rawBody: raw });
  };
}
