import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTestApp, type TestApp } from '../../apps/server/src/testing/harness.js';
import { loginStaff } from '../../apps/server/src/testing/staff.js';
import { newId } from '../../apps/server/src/platform/ids.js';
import { consoleSmsSender } from '../../apps/server/src/integrations/sms/index.js';
import { PiiCipher } from '../../apps/server/src/platform/pii.js';

/**
 * Issue 9, finding 5: the operator read live login codes in the SMS log and could log in as any
 * patient. Codes are secrets now: the SMS platform gets the code, every copy the platform keeps or
 * shows has it masked, for every role.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const requestCode = (phone: string) => t.api.post('/api/v1/auth/sms-codes', { body: { phone } });
const login = (phone: string, code: string) =>
  t.api.post('/api/v1/auth/sms-login', { body: { phone, code } });

async function smsLogAs(username: string, phone: string) {
  const { token } = await loginStaff(t, username);
  const res = await t.api.get(`/api/v1/admin/sms-messages?phone=${phone}`, { token });
  expect(res.status).toBe(200);
  return res.body as { items: { template: string; content: string; phoneMasked: string }[] };
}

describe('login codes are secrets', () => {
  it('the operator reads the SMS log and cannot log in as the patient with anything it shows', async () => {
    const phone = '13900000101';
    const sent = await requestCode(phone);
    expect(sent.status).toBe(200);
    // the demo's sandbox sender hands the code to the H5 that asked for it, outside production only
    const code: string = sent.body.sandboxCode;
    expect(code).toMatch(/^\d{6}$/);

    const log = await smsLogAs('operator', phone);
    const message = log.items.find((m) => m.template === 'auth.login_code')!;
    expect(message.phoneMasked).toBe('139****0101');
    expect(message.content).toContain('您的登录验证码是 ******');
    expect(JSON.stringify(log)).not.toContain(code);

    // everything that looks like a code on the operator's screen
    const shown = [...JSON.stringify(log).matchAll(/[0-9*]{6}/g)].map((m) => m[0]);
    expect(shown).toContain('******');
    for (const guess of new Set(shown)) {
      const attempt = await login(phone, guess);
      expect(attempt.status).toBe(400);
      expect(attempt.body.accessToken).toBeUndefined();
    }

    // the administrator sees the same masked text
    const adminLog = await smsLogAs('admin', phone);
    expect(adminLog.items.map((m) => m.content)).toEqual(log.items.map((m) => m.content));
    expect(JSON.stringify(adminLog)).not.toContain(code);

    // the patient, who received the SMS, logs in
    const ok = await login(phone, code);
    expect(ok.status).toBe(200);
    expect(ok.body.accessToken).toBeTruthy();
  });

  it('the database keeps neither the code nor the message with the code in clear', async () => {
    const phone = '13900000102';
    const sent = await requestCode(phone);
    const code: string = sent.body.sandboxCode;
    const stored = await t.database.raw.query<{ content: string }>(
      "SELECT content FROM sms_messages WHERE template = 'auth.login_code'",
    );
    expect(stored.rows.length).toBeGreaterThan(0);
    expect(stored.rows.every((r) => !r.content.includes(code))).toBe(true);
    const codes = await t.database.raw.query<Record<string, unknown>>(
      'SELECT * FROM sms_codes ORDER BY created_at DESC LIMIT 1',
    );
    const row = JSON.stringify(codes.rows[0]);
    expect(row).not.toContain(code);
    expect(codes.rows[0].code_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a code message whose sender did not name the code is kept with its digits masked all the same', async () => {
    const sender = consoleSmsSender(new PiiCipher('test-encryption-key', 'test-index-key'));
    const { providerMessageId } = await sender.send(t.app.ctx.db, {
      phone: '13900000103',
      template: 'auth.login_code',
      content: '【青囊医院】您的登录验证码是 424242，5 分钟内有效。',
      at: t.clock.now(),
    });
    const { rows } = await t.database.raw.query<{ content: string }>(
      'SELECT content FROM sms_messages WHERE id = $1',
      [providerMessageId],
    );
    expect(rows[0].content).toBe('【青囊医院】您的登录验证码是 ******，5 分钟内有效。');
  });

  it('codes kept in the SMS log before this version are masked by the upgrade', async () => {
    const id = newId();
    await t.database.raw.query(
      `INSERT INTO sms_messages (id, provider, phone_enc, phone_idx, phone_masked, template, content, created_at)
       VALUES ($1, 'console', 'x', 'x', '139****0104', 'auth.login_code', '【青囊医院】您的登录验证码是 735102，5 分钟内有效。请勿告诉他人。', now()),
              ($2, 'console', 'x', 'x', '139****0104', 'registration.booked', '【青囊医院】预约成功，就诊序号 1024', now())`,
      [id, `${id}-b`],
    );
    const upgrade = readFileSync(
      fileURLToPath(
        new URL('../../apps/server/src/db/migrations/1021_sms_codes_masked.sql', import.meta.url),
      ),
      'utf8',
    );
    await t.database.raw.query(upgrade);
    const rows = await t.database.raw.query<{ id: string; content: string }>(
      'SELECT id, content FROM sms_messages WHERE id IN ($1, $2) ORDER BY id',
      [id, `${id}-b`],
    );
    expect(rows.rows.map((r) => r.content)).toEqual([
      '【青囊医院】您的登录验证码是 ******，5 分钟内有效。请勿告诉他人。',
      // a message that carries no code keeps its numbers
      '【青囊医院】预约成功，就诊序号 1024',
    ]);
  });
});
