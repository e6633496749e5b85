import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../apps/server/src/testing/harness.js';
import { loginStaff } from '../../apps/server/src/testing/staff.js';
import { startSession } from '../../apps/server/src/platform/auth.js';
import { dayjs } from '../../apps/server/src/platform/clock.js';
import { newId } from '../../apps/server/src/platform/ids.js';
import type { SandboxChannel } from '../../apps/server/src/integrations/payments/sandbox/index.js';
import { FakeWechatPay } from '../../apps/server/src/integrations/payments/wechatpay/fake-wechatpay.js';
import type { ChannelCode, PaymentOrderView } from '../../apps/server/src/modules/payments/index.js';
import {
  CHECK_ORDER_JOB,
  createPaymentOrder,
  registerBusinessHandler,
} from '../../apps/server/src/modules/payments/index.js';
import {
  abnormalOrders,
  paymentNotifications,
  paymentOrders,
} from '../../apps/server/src/modules/payments/index.js';
import { paymentChannelSecrets } from '../../apps/server/src/integrations/payments/sandbox/schema.js';

/**
 * Issue 9, finding 7: a correctly signed payment notification without a success time, or naming a
 * transaction that pays another order, got a 500 and was never recorded, so the channel kept
 * retrying. Finding 3: the sandbox channel signed its notifications with a key published in the
 * source, so anyone could mark an unpaid order paid. Each attack is replayed on every channel.
 */

const pem = (k: KeyObject, type: 'pkcs8' | 'spki') => String(k.export({ type, format: 'pem' }));
const merchantKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const wechatKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const alipayAppKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const alipayKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const MCHID = '1900000001';
const WX_APPID = 'wx8888888888888888';
const MERCHANT_SERIAL = '3775B6A45ACD588826D15E583A95F5DD2C4E6BF9';
const PUB_KEY_ID = 'PUB_KEY_ID_0114232134912410000000000001';
const APIV3_KEY = randomBytes(16).toString('hex');
const ALIPAY_APP_ID = '2021000000000001';
/** the sandbox's notification key as it was published in the source before this fix */
const PUBLISHED_SANDBOX_KEY = 'qingnang-sandbox-pay-notify-secret';

let paid: string[] = [];
registerBusinessHandler('security-visit', {
  async onPaid(_ctx, order) {
    paid.push(order.id);
  },
});

let t: TestApp;
let wechat: FakeWechatPay;
const ctx = () => t.app.ctx;
const sandbox = () => ctx().adapters.paymentChannels.sandbox as SandboxChannel;

beforeAll(async () => {
  let now = () => new Date();
  wechat = new FakeWechatPay({
    mchid: MCHID,
    merchantSerial: MERCHANT_SERIAL,
    merchantPublicKey: merchantKey.publicKey,
    signingKey: wechatKey.privateKey,
    signingSerial: PUB_KEY_ID,
    apiV3Key: APIV3_KEY,
    now: () => now(),
  });
  await wechat.start();
  t = await createTestApp({
    config: {
      PAYMENT_CHANNELS: 'sandbox,wechat,alipay',
      WECHATPAY_BASE_URL: wechat.url,
      WECHATPAY_MCHID: MCHID,
      WECHATPAY_APPID: WX_APPID,
      WECHATPAY_SERIAL_NO: MERCHANT_SERIAL,
      WECHATPAY_PRIVATE_KEY: pem(merchantKey.privateKey, 'pkcs8'),
      WECHATPAY_APIV3_KEY: APIV3_KEY,
      WECHATPAY_PUBLIC_KEY: pem(wechatKey.publicKey, 'spki'),
      WECHATPAY_PUBLIC_KEY_ID: PUB_KEY_ID,
      ALIPAY_APP_ID: ALIPAY_APP_ID,
      ALIPAY_PRIVATE_KEY: pem(alipayAppKey.privateKey, 'pkcs8'),
      ALIPAY_PUBLIC_KEY: pem(alipayKey.publicKey, 'spki'),
      ALIPAY_GATEWAY: 'http://127.0.0.1:9/gateway.do',
      PUBLIC_BASE_URL: 'https://hospital.example.com',
    },
  });
  now = () => t.clock.now();
});
afterAll(async () => {
  await t?.close();
  await wechat?.stop();
});

/** What a channel's paid notification says; a field left undefined is not sent at all. */
interface Reported {
  orderNo: string;
  tradeNo?: string;
  amountFen?: number;
  successTime?: Date;
}

interface ChannelUnderTest {
  code: ChannelCode;
  /** a notification exactly as the channel would sign and post it */
  notification(r: Reported): Promise<{ headers: Record<string, string>; rawBody: string }>;
  /** the answer that tells this channel to stop repeating the notification */
  acknowledged: { status: number; body: unknown };
  newTradeNo(): string;
}

const channels: ChannelUnderTest[] = [
  {
    code: 'sandbox',
    async notification(r) {
      const body = {
        id: newId(),
        out_trade_no: r.orderNo,
        transaction_id: r.tradeNo,
        trade_state: 'SUCCESS',
        amount_fen: r.amountFen,
        success_time: r.successTime?.toISOString(),
      };
      return sandbox().signedNotification(ctx(), {
        id: body.id,
        outTradeNo: r.orderNo,
        body: JSON.stringify(body),
      });
    },
    acknowledged: { status: 200, body: { code: 'SUCCESS' } },
    newTradeNo: () => `SBX${randomBytes(12).toString('hex').toUpperCase()}`,
  },
  {
    code: 'wechat',
    async notification(r) {
      return wechat.notification('TRANSACTION.SUCCESS', {
        mchid: MCHID,
        appid: WX_APPID,
        out_trade_no: r.orderNo,
        transaction_id: r.tradeNo,
        trade_type: 'JSAPI',
        trade_state: 'SUCCESS',
        trade_state_desc: '支付成功',
        bank_type: 'OTHERS',
        success_time: r.successTime?.toISOString().replace(/\.\d{3}Z$/, '+00:00'),
        payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
        amount:
          r.amountFen === undefined
            ? undefined
            : { total: r.amountFen, payer_total: r.amountFen, currency: 'CNY', payer_currency: 'CNY' },
      });
    },
    // API v3: 200 or 204 without a body is success
    acknowledged: { status: 204, body: '' },
    newTradeNo: () => `42000${randomBytes(8).toString('hex')}`,
  },
  {
    code: 'alipay',
    async notification(r) {
      const fields: Record<string, string> = {
        notify_time: '2026-11-23 09:05:00',
        notify_type: 'trade_status_sync',
        notify_id: randomBytes(8).toString('hex'),
        charset: 'utf-8',
        version: '1.0',
        app_id: ALIPAY_APP_ID,
        subject: '专家门诊 挂号费+诊查费',
        out_trade_no: r.orderNo,
        trade_status: 'TRADE_SUCCESS',
      };
      if (r.tradeNo) fields.trade_no = r.tradeNo;
      if (r.amountFen !== undefined) fields.total_amount = (r.amountFen / 100).toFixed(2);
      if (r.successTime)
        fields.gmt_payment = dayjs(r.successTime).tz('Asia/Shanghai').format('YYYY-MM-DD HH:mm:ss');
      // RSA2: every parameter but sign and sign_type, sorted, k=v joined by &
      const content = Object.keys(fields)
        .sort()
        .map((k) => `${k}=${fields[k]}`)
        .join('&');
      fields.sign = sign('RSA-SHA256', Buffer.from(content), alipayKey.privateKey).toString('base64');
      fields.sign_type = 'RSA2';
      return {
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        rawBody: new URLSearchParams(fields).toString(),
      };
    },
    // Alipay stops only on the plain text "success"
    acknowledged: { status: 200, body: 'success' },
    newTradeNo: () => `2026${randomBytes(8).toString('hex')}`,
  },
];

async function newOrder(amountFen = 5000): Promise<PaymentOrderView> {
  return createPaymentOrder(ctx(), {
    businessType: 'security-visit',
    businessId: newId(),
    accountId: 'acct-security',
    amountFen,
    subject: '专家门诊挂号费',
    expiresAt: new Date(t.clock.now().getTime() + 15 * 60_000),
    idempotencyKey: newId(),
  });
}

const post = (code: ChannelCode, n: { headers: Record<string, string>; rawBody: string }) =>
  t.api.post(`/api/v1/payments/notify/${code}`, { headers: n.headers, rawBody: n.rawBody });

const orderRow = async (id: string) =>
  (await ctx().db.select().from(paymentOrders).where(eq(paymentOrders.id, id)))[0];

const abnormalOf = (orderId: string) =>
  ctx().db.select().from(abnormalOrders).where(eq(abnormalOrders.orderId, orderId));

const outcomesOf = async (orderNo: string) =>
  (await ctx().db.select().from(paymentNotifications).where(eq(paymentNotifications.orderNo, orderNo))).map(
    (n) => n.outcome,
  );

describe.each(channels)('a signed $code notification the platform cannot apply', (channel) => {
  it('without a success time: acknowledged, not applied, and listed for finance', async () => {
    const order = await newOrder();
    const n = await channel.notification({
      orderNo: order.orderNo,
      tradeNo: channel.newTradeNo(),
      amountFen: order.amountFen,
    });
    const res = await post(channel.code, n);
    expect({ status: res.status, body: res.body }).toEqual(channel.acknowledged);
    // the channel repeats itself: the same answer, one record
    const again = await post(channel.code, n);
    expect({ status: again.status, body: again.body }).toEqual(channel.acknowledged);
    expect((await orderRow(order.id)).state).toBe('created');
    expect(paid).not.toContain(order.id);
    const abnormal = await abnormalOf(order.id);
    expect(abnormal).toHaveLength(1);
    expect(abnormal[0]).toMatchObject({ reason: 'NOTIFICATION_INCOMPLETE', status: 'open' });
    expect(abnormal[0].detail).toContain('success time');
    expect(await outcomesOf(order.orderNo)).toEqual(['incomplete', 'incomplete']);
  });

  it('naming the transaction that already pays another order: acknowledged, neither order moves, listed for finance', async () => {
    const first = await newOrder();
    const tradeNo = channel.newTradeNo();
    const paidAt = t.clock.now();
    const genuine = await channel.notification({
      orderNo: first.orderNo,
      tradeNo,
      amountFen: first.amountFen,
      successTime: paidAt,
    });
    expect((await post(channel.code, genuine)).status).toBe(channel.acknowledged.status);
    expect(await orderRow(first.id)).toMatchObject({
      state: 'paid',
      channel: channel.code,
      channelTradeNo: tradeNo,
    });

    const second = await newOrder();
    const replayed = await channel.notification({
      orderNo: second.orderNo,
      tradeNo,
      amountFen: second.amountFen,
      successTime: paidAt,
    });
    const res = await post(channel.code, replayed);
    expect({ status: res.status, body: res.body }).toEqual(channel.acknowledged);
    expect((await orderRow(second.id)).state).toBe('created');
    expect(paid).not.toContain(second.id);
    expect(await orderRow(first.id)).toMatchObject({ state: 'paid', channelTradeNo: tradeNo });
    const abnormal = await abnormalOf(second.id);
    expect(abnormal.map((a) => a.reason)).toEqual(['TRADE_NO_CONFLICT']);
    expect(abnormal[0].detail).toContain(first.orderNo);
    expect(await outcomesOf(second.orderNo)).toEqual(['trade_no_conflict']);
  });

  it('with an amount other than the order’s: acknowledged, not applied, listed for finance', async () => {
    const order = await newOrder(3000);
    const n = await channel.notification({
      orderNo: order.orderNo,
      tradeNo: channel.newTradeNo(),
      amountFen: 1,
      successTime: t.clock.now(),
    });
    const res = await post(channel.code, n);
    expect({ status: res.status, body: res.body }).toEqual(channel.acknowledged);
    expect((await orderRow(order.id)).state).toBe('created');
    expect((await abnormalOf(order.id)).map((a) => a.reason)).toEqual(['AMOUNT_MISMATCH']);
  });

  it('for an order that is not ours: acknowledged once, and finance sees what the channel reported', async () => {
    const orderNo = `P${Date.now()}${randomBytes(3).toString('hex')}`;
    const tradeNo = channel.newTradeNo();
    const n = await channel.notification({ orderNo, tradeNo, amountFen: 4200, successTime: t.clock.now() });
    for (let i = 0; i < 2; i++) {
      const res = await post(channel.code, n);
      expect({ status: res.status, body: res.body }).toEqual(channel.acknowledged);
    }
    const kept = await ctx().db.select().from(abnormalOrders).where(eq(abnormalOrders.orderNo, orderNo));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({
      orderId: null,
      channel: channel.code,
      channelTradeNo: tradeNo,
      amountFen: 4200,
      reason: 'UNKNOWN_ORDER',
      status: 'open',
    });
    const finance = (await loginStaff(t, 'finance')).token;
    const list = await t.api.get('/api/v1/admin/abnormal-orders?status=open&pageSize=200', {
      token: finance,
    });
    expect(list.status).toBe(200);
    const item = list.body.items.find((x: { orderNo: string }) => x.orderNo === orderNo);
    expect(item).toMatchObject({
      id: null,
      abnormalId: kept[0].id,
      channel: channel.code,
      channelTradeNo: tradeNo,
      amountFen: 4200,
      abnormalReason: 'UNKNOWN_ORDER',
      abnormalStatus: 'open',
    });
    // finance closes it with a note like any other abnormal order
    const resolved = await t.api.post(`/api/v1/admin/abnormal-orders/${kept[0].id}/resolve`, {
      token: finance,
      body: { note: '已与渠道核实，非本院订单，已原路退回' },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', orderId: null, orderNo });
  });
});

describe('the sandbox channel', () => {
  it('settles an order whose notification came incomplete by asking the channel', async () => {
    const order = await newOrder();
    const token = (await startSession(ctx(), 'patient', 'acct-security')).accessToken;
    const pay = await t.api.post(`/api/v1/payments/orders/${order.id}/pay`, {
      token,
      body: { channel: 'sandbox' },
    });
    expect(pay.status).toBe(200);
    const done = await t.api.post(`/api/v1/payments/sandbox/${order.orderNo}/complete`, {
      token,
      body: { outcome: 'success' },
    });
    expect(done.body.state).toBe('SUCCESS');
    const [queued] = await sandbox().notifications(ctx(), order.orderNo);
    const { success_time: _dropped, ...incomplete } = JSON.parse(queued.rawBody);
    const n = await sandbox().signedNotification(ctx(), {
      id: queued.id,
      outTradeNo: order.orderNo,
      body: JSON.stringify(incomplete),
    });
    const res = await post('sandbox', n);
    expect(res.status).toBe(200);
    expect((await orderRow(order.id)).state).toBe('paying');
    // the check the platform queued asks the channel, whose answer is complete
    await ctx().jobs.runNow(CHECK_ORDER_JOB, { orderId: order.id });
    const row = await orderRow(order.id);
    expect(row).toMatchObject({ state: 'paid', channelTradeNo: JSON.parse(queued.rawBody).transaction_id });
    expect(paid.filter((id) => id === order.id)).toHaveLength(1);
  });

  it('refuses a notification signed with the key once published in the source, and the order stays unpaid', async () => {
    const order = await newOrder();
    const body = JSON.stringify({
      id: newId(),
      out_trade_no: order.orderNo,
      transaction_id: `SBX${randomBytes(12).toString('hex').toUpperCase()}`,
      trade_state: 'SUCCESS',
      amount_fen: order.amountFen,
      success_time: t.clock.now().toISOString(),
    });
    const timestamp = String(Math.floor(t.clock.now().getTime() / 1000));
    const forged = createHmac('sha256', PUBLISHED_SANDBOX_KEY).update(`${timestamp}\n${body}`).digest('hex');
    const res = await post('sandbox', {
      headers: {
        'content-type': 'application/json',
        'x-sandbox-timestamp': timestamp,
        'x-sandbox-signature': forged,
      },
      rawBody: body,
    });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 'FAIL', message: 'SIGNATURE_INVALID' });
    expect((await orderRow(order.id)).state).toBe('created');
    expect(paid).not.toContain(order.id);
  });

  it('signs with a key of this installation: another installation neither shares it nor accepts its notifications', async () => {
    const order = await newOrder();
    const n = await channels[0].notification({
      orderNo: order.orderNo,
      tradeNo: channels[0].newTradeNo(),
      amountFen: order.amountFen,
      successTime: t.clock.now(),
    });
    const [stored] = await ctx()
      .db.select()
      .from(paymentChannelSecrets)
      .where(eq(paymentChannelSecrets.channel, 'sandbox'));
    expect(stored.secret).toMatch(/^[0-9a-f]{64}$/);

    // another installation, whose operator configured the key
    const configuredKey = randomBytes(24).toString('base64');
    const other = await createTestApp({ config: { SANDBOX_PAY_SECRET: configuredKey } });
    try {
      const refused = await other.api.post('/api/v1/payments/notify/sandbox', {
        headers: n.headers,
        rawBody: n.rawBody,
      });
      expect(refused.status).toBe(401);
      const theirs = other.app.ctx.adapters.paymentChannels.sandbox as SandboxChannel;
      const signed = await theirs.signedNotification(other.app.ctx, {
        id: 'n1',
        outTradeNo: order.orderNo,
        body: n.rawBody,
      });
      const timestamp = signed.headers['x-sandbox-timestamp'];
      expect(signed.headers['x-sandbox-signature']).toBe(
        createHmac('sha256', configuredKey).update(`${timestamp}\n${n.rawBody}`).digest('hex'),
      );
      // a configured key is never written down
      const rows = await other.app.ctx.db.select().from(paymentChannelSecrets);
      expect(rows).toEqual([]);
    } finally {
      await other.close();
    }
    // and this installation still accepts its own
    expect((await post('sandbox', n)).status).toBe(200);
    expect((await orderRow(order.id)).state).toBe('paid');
  });
});
