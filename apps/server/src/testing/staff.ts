import { DEMO_STAFF } from '../modules/staff/index.js';
import type { TestApp } from './harness.js';

/**
 * Logs a staff user in through the API and returns the access token and the user id. The password
 * defaults to the documented demo password of that username (admin, operator, doctor, nurse,
 * pharmacist, finance, medic).
 */
export async function loginStaff(
  t: TestApp,
  username: string,
  password?: string,
): Promise<{ token: string; id: string; refreshToken: string }> {
  const pw = password ?? DEMO_STAFF.find((d) => d.username === username)?.password;
  if (!pw) throw new Error(`no demo password for staff user ${username}: pass one`);
  const res = await t.api.post('/api/v1/staff/auth/login', { body: { username, password: pw } });
  if (res.status !== 200) {
    throw new Error(`staff login of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return { token: res.body.accessToken, id: res.body.user.id, refreshToken: res.body.refreshToken };
}
