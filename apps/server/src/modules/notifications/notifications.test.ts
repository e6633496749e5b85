import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { addPatient, loginPatient } from '../../testing/patients.js';
import { loginStaff } from '../../testing/staff.js';
import { makeResidentId } from '../../testing/id-numbers.js';
import { sandboxPlatform, type UserPlatform } from '../../integrations/identity/index.js';
import { DELIVER_JOB, notify, registerTemplates } from './service.js';

// A WeChat platform whose message sending can be made to fail, to exercise retries.
const wechat = sandboxPlatform('wechat');
let wechatDown = false;
const flakyWechat: UserPlatform = {
  ...wechat,
  exchangeCode: (code) => wechat.exchangeCode(code),
  async sendSubscribeMessage(m) {
    if (wechatDown) throw new Error('wechat 45015: response out of time limit');
    return wechat.sendSubscribeMessage(m);
  },
};

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ adapters: { wechatPlatform: flakyWechat } });
});
afterAll(async () => t.close());

const deliveriesOf = async (accountId: string) =>
  (
    await t.database.raw.query<{
      channel: string;
      state: string;
      attempts: number;
      next_attempt_at: Date;
      last_error: string | null;
      template: string;
    }>(
      'SELECT channel, state, attempts, next_attempt_at, last_error, template FROM notification_deliveries WHERE account_id = $1 ORDER BY channel',
      [accountId],
    )
  ).rows;

describe('message centre', () => {
  it('shows the binding message, counts unread and marks it read for its owner only', async () => {
    const alice = await loginPatient(t, '13900000001');
    const bob = await loginPatient(t, '13900000002');
    await addPatient(t, alice.token, { name: '刘芳' });

    const unread = await t.api.get('/api/v1/messages/unread-count', { token: alice.token });
    expect(unread.body).toEqual({ unread: 1 });
    const list = await t.api.get('/api/v1/messages', { token: alice.token });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    const [m] = list.body.items;
    expect(m.template).toBe('patient.bound');
    expect(m.title.zh).toBe('就诊人绑定成功');
    expect(m.body.zh).toContain('刘芳（本人）');
    expect(m.body.en).toContain('刘芳 (self)');
    expect(m.read).toBe(false);

    // Bob cannot read (or learn about) Alice's message.
    const foreign = await t.api.post(`/api/v1/messages/${m.id}/read`, { token: bob.token });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('MESSAGE_NOT_FOUND');
    expect((await t.api.get('/api/v1/messages', { token: bob.token })).body.total).toBe(0);

    const read = await t.api.post(`/api/v1/messages/${m.id}/read`, { token: alice.token });
    expect(read.status).toBe(200);
    expect(read.body.read).toBe(true);
    expect((await t.api.get('/api/v1/messages/unread-count', { token: alice.token })).body.unread).toBe(0);
    expect((await t.api.get('/api/v1/messages?unread=true', { token: alice.token })).body.items).toEqual([]);
  });

  it('marks all messages read at once and refuses anonymous readers', async () => {
    const carol = await loginPatient(t, '13900000003');
    await addPatient(t, carol.token);
    await addPatient(t, carol.token, {
      relation: 'child',
      name: '小明',
      idNumber: makeResidentId('20180101'),
    });
    expect((await t.api.get('/api/v1/messages/unread-count', { token: carol.token })).body.unread).toBe(2);
    expect((await t.api.post('/api/v1/messages/read-all', { token: carol.token })).body).toEqual({
      updated: 2,
    });
    expect((await t.api.get('/api/v1/messages/unread-count', { token: carol.token })).body.unread).toBe(0);
    expect((await t.api.get('/api/v1/messages')).status).toBe(401);
  });
});

describe('delivery to outside channels', () => {
  it('sends the SMS copy to the account phone and skips channels the account has not linked', async () => {
    const dan = await loginPatient(t, '13900000004');
    await addPatient(t, dan.token, { name: '赵敏' });
    expect((await deliveriesOf(dan.accountId)).map((d) => d.state)).toEqual([
      'pending',
      'pending',
      'pending',
    ]);

    await t.app.ctx.jobs.runNow(DELIVER_JOB);
    const after = await deliveriesOf(dan.accountId);
    expect(after.map((d) => [d.channel, d.state])).toEqual([
      ['alipay', 'skipped'],
      ['sms', 'sent'],
      ['wechat', 'skipped'],
    ]);

    const { token: operator } = await loginStaff(t, 'operator');
    const sms = await t.api.get('/api/v1/admin/sms-messages?phone=13900000004', { token: operator });
    expect(sms.status).toBe(200);
    const templates = sms.body.items.map((i: { template: string }) => i.template);
    expect(templates).toContain('patient.bound');
    expect(templates).toContain('auth.login_code');
    for (const item of sms.body.items) expect(item.phoneMasked).toBe('139****0004');
    expect(JSON.stringify(sms.body)).not.toContain('13900000004');
    const bound = sms.body.items.find((i: { template: string }) => i.template === 'patient.bound');
    expect(bound.content).toContain('赵敏');

    // the staff read is audited
    const audits = await t.database.raw.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE action = 'sms-messages.read'",
    );
    expect(audits.rows.length).toBeGreaterThan(0);
  });

  it('retries a failed WeChat delivery with back-off and gives up after five attempts', async () => {
    const oauth = await t.api.post('/api/v1/auth/oauth-login', {
      body: { provider: 'wechat', code: 'wx-code-eve' },
    });
    expect(oauth.status).toBe(200);
    const eve = { token: oauth.body.accessToken, accountId: oauth.body.account.id };
    wechatDown = true;
    try {
      await addPatient(t, eve.token, { name: '孙悦' });
      await t.app.ctx.jobs.runNow(DELIVER_JOB);
      let wx = (await deliveriesOf(eve.accountId)).find((d) => d.channel === 'wechat')!;
      expect(wx.state).toBe('pending');
      expect(wx.attempts).toBe(1);
      expect(wx.last_error).toContain('45015');
      expect(new Date(wx.next_attempt_at).getTime() - t.clock.now().getTime()).toBe(60_000);
      // an account without a phone (WeChat login) has no SMS copy
      expect((await deliveriesOf(eve.accountId)).find((d) => d.channel === 'sms')!.state).toBe('skipped');

      // not due yet: nothing happens
      await t.app.ctx.jobs.runNow(DELIVER_JOB);
      expect((await deliveriesOf(eve.accountId)).find((d) => d.channel === 'wechat')!.attempts).toBe(1);

      for (let i = 2; i <= 5; i++) {
        t.clock.advance(60_000 * 2 ** (i - 2));
        await t.app.ctx.jobs.runNow(DELIVER_JOB);
        wx = (await deliveriesOf(eve.accountId)).find((d) => d.channel === 'wechat')!;
        expect(wx.attempts).toBe(i);
      }
      expect(wx.state).toBe('failed');

      const { token: admin } = await loginStaff(t, 'admin');
      const failed = await t.api.get(
        `/api/v1/admin/notification-deliveries?state=failed&accountId=${eve.accountId}`,
        {
          token: admin,
        },
      );
      expect(failed.status).toBe(200);
      expect(failed.body.items).toHaveLength(1);
      expect(failed.body.items[0]).toMatchObject({
        channel: 'wechat',
        attempts: 5,
        template: 'patient.bound',
      });

      // once WeChat is back, an operator sends it again; a delivery that is not failed cannot be retried
      wechatDown = false;
      const { token: operator } = await loginStaff(t, 'operator');
      const id = failed.body.items[0].id;
      const retry = await t.api.post(`/api/v1/admin/notification-deliveries/${id}/retry`, {
        token: operator,
      });
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual({ id, state: 'pending' });
      const twice = await t.api.post(`/api/v1/admin/notification-deliveries/${id}/retry`, {
        token: operator,
      });
      expect(twice.status).toBe(409);
      expect(twice.body.code).toBe('DELIVERY_NOT_FAILED');
      await t.app.ctx.jobs.runNow(DELIVER_JOB);
      expect((await deliveriesOf(eve.accountId)).find((d) => d.channel === 'wechat')).toMatchObject({
        state: 'sent',
        attempts: 1,
      });
      const missing = await t.api.post(
        '/api/v1/admin/notification-deliveries/00000000-0000-4000-8000-000000000000/retry',
        {
          token: operator,
        },
      );
      expect(missing.body.code).toBe('DELIVERY_NOT_FOUND');
    } finally {
      wechatDown = false;
    }
  });

  it('delivers a WeChat message once the platform answers again', async () => {
    const oauth = await t.api.post('/api/v1/auth/oauth-login', {
      body: { provider: 'wechat', code: 'wx-code-fay' },
    });
    const fay = { token: oauth.body.accessToken, accountId: oauth.body.account.id };
    wechatDown = true;
    await addPatient(t, fay.token, { name: '周芷' });
    await t.app.ctx.jobs.runNow(DELIVER_JOB);
    wechatDown = false;
    t.clock.advance(61_000);
    const before = wechat.sent.length;
    await t.app.ctx.jobs.runNow(DELIVER_JOB);
    const wx = (await deliveriesOf(fay.accountId)).find((d) => d.channel === 'wechat')!;
    expect(wx).toMatchObject({ state: 'sent', attempts: 2 });
    expect(wechat.sent.length).toBe(before + 1);
    expect(wechat.sent[wechat.sent.length - 1].title).toBe('就诊人绑定成功');
  });
});

describe('templates from other modules', () => {
  it('a module registers its own template and notifies inside its transaction', async () => {
    registerTemplates({
      'test.report_ready': {
        category: 'report',
        title: { zh: '报告已出', en: 'Report ready' },
        body: { zh: '{patientName} 的{reportName}已出', en: "{patientName}'s {reportName} is ready" },
        channels: ['inapp'],
        link: '/reports/{reportId}',
      },
    });
    const gus = await loginPatient(t, '13900000007');
    const ctx = t.app.ctx;
    // a rolled-back business change leaves no message behind
    await ctx.db
      .transaction(async (tx) => {
        await notify(
          ctx,
          {
            accountId: gus.accountId,
            template: 'test.report_ready',
            data: { patientName: '王强', reportName: '血常规', reportId: 'r1' },
          },
          tx,
        );
        throw new Error('business step failed');
      })
      .catch(() => undefined);
    expect((await t.api.get('/api/v1/messages', { token: gus.token })).body.total).toBe(0);

    await ctx.db.transaction(async (tx) => {
      await notify(
        ctx,
        {
          accountId: gus.accountId,
          template: 'test.report_ready',
          data: { patientName: '王强', reportName: '血常规', reportId: 'r1' },
        },
        tx,
      );
    });
    const list = await t.api.get('/api/v1/messages', { token: gus.token });
    expect(list.body.items[0]).toMatchObject({
      category: 'report',
      title: { zh: '报告已出', en: 'Report ready' },
      body: { zh: '王强 的血常规已出', en: "王强's 血常规 is ready" },
      link: '/reports/r1',
    });
    expect(await deliveriesOf(gus.accountId)).toEqual([]);
  });
});

describe('staff access to the logs', () => {
  it('needs sms.read for the SMS log and notifications.read for deliveries', async () => {
    const patient = await loginPatient(t, '13900000008');
    expect((await t.api.get('/api/v1/admin/sms-messages', { token: patient.token })).status).toBe(403);
    const { token: doctor } = await loginStaff(t, 'doctor');
    const denied = await t.api.get('/api/v1/admin/sms-messages', { token: doctor });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('PERMISSION_DENIED');
    expect((await t.api.get('/api/v1/admin/notification-deliveries', { token: doctor })).status).toBe(403);
    const { token: operator } = await loginStaff(t, 'operator');
    expect((await t.api.get('/api/v1/admin/notification-deliveries', { token: operator })).status).toBe(200);
  });
});

describe('care messages (MSG-06)', () => {
  it('an operator pushes a care message to chosen accounts; it lands in their message centre', async () => {
    const hal = await loginPatient(t, '13900000021');
    const ivy = await loginPatient(t, '13900000022');
    const { token: operator } = await loginStaff(t, 'operator');
    const body = {
      title: { zh: '冬季健康提示', en: 'Winter health tips' },
      body: { zh: '天气转冷，慢性病患者请按时服药。', en: 'It is getting cold; take your medicine on time.' },
      accountIds: [hal.accountId, '00000000-0000-4000-8000-000000000000'],
    };
    const sent = await t.api.post('/api/v1/admin/care-messages', { token: operator, body });
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ recipients: 1 });
    const list = await t.api.get('/api/v1/messages?category=care', { token: hal.token });
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      title: body.title,
      body: body.body,
      template: 'care.message',
    });
    expect((await t.api.get('/api/v1/messages?category=care', { token: ivy.token })).body.items).toEqual([]);
    const audits = await t.database.raw.query<{ detail: { recipients: number } }>(
      "SELECT detail FROM audit_log WHERE action = 'care-messages.send'",
    );
    expect(audits.rows.map((r) => r.detail.recipients)).toEqual([1]);
  });

  it('a message to everyone reaches every account; a doctor may not send one, and empty text is refused', async () => {
    const { token: operator } = await loginStaff(t, 'operator');
    const accounts = (await t.database.raw.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts'))
      .rows[0].n;
    const body = {
      title: { zh: '院庆义诊', en: 'Free clinic day' },
      body: { zh: '周六义诊', en: 'Saturday' },
    };
    const all = await t.api.post('/api/v1/admin/care-messages', { token: operator, body });
    expect(all.body.recipients).toBe(accounts);
    const care = await t.database.raw.query<{ n: number }>(
      "SELECT count(DISTINCT account_id)::int AS n FROM messages WHERE template = 'care.message' AND title_zh = '院庆义诊'",
    );
    expect(care.rows[0].n).toBe(accounts);

    const { token: doctor } = await loginStaff(t, 'doctor');
    expect((await t.api.post('/api/v1/admin/care-messages', { token: doctor, body })).status).toBe(403);
    const empty = await t.api.post('/api/v1/admin/care-messages', {
      token: operator,
      body: { ...body, title: { zh: ' ', en: 'x' } },
    });
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('VALIDATION_FAILED');
  });
});
