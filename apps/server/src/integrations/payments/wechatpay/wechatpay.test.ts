import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomBytes, verify, X509Certificate } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../../testing/harness.js';
import { startSession } from '../../../platform/auth.js';
import { newId } from '../../../platform/ids.js';
import {
  RECONCILE_JOB,
  createPaymentOrder,
  registerBusinessHandler,
  requestRefund,
} from '../../../modules/payments/index.js';
import { paymentOrders, refunds } from '../../../modules/payments/index.js';
import { staffUserRoles, staffUsers } from '../../../platform/schema.js';
import type { WechatPayChannel } from './index.js';
import { FakeWechatPay } from './fake-wechatpay.js';

const pem = (k: { export(o: object): string | Buffer }, type: 'pkcs8' | 'spki') =>
  String(k.export({ type, format: 'pem' }));

const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
const wechatKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const MCHID = '1900000001';
const MERCHANT_SERIAL = '3775B6A45ACD588826D15E583A95F5DD2C4E6BF9';
const APIV3_KEY = randomBytes(16).toString('hex'); // 32 characters
const PUB_KEY_ID = 'PUB_KEY_ID_0114232134912410000000000001';

/** A platform certificate for WeChat Pay's key, made with the openssl command line (node cannot issue certificates). */
function platformCertificate(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wxcert-'));
  writeFileSync(join(dir, 'key.pem'), pem(wechatKey.privateKey, 'pkcs8'));
  execFileSync(
    'openssl',
    [
      'req',
      '-new',
      '-x509',
      '-key',
      join(dir, 'key.pem'),
      '-subj',
      '/CN=Tenpay.com Root CA test',
      '-days',
      '30',
      '-set_serial',
      '0x5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  return readFileSync(join(dir, 'cert.pem'), 'utf8');
}

let paidCalls: string[] = [];
registerBusinessHandler('wx-visit', {
  async onPaid(_ctx, order) {
    paidCalls.push(order.id);
  },
});

const modes = [{ mode: 'platform certificate' as const }, { mode: 'WeChat Pay public key' as const }];

describe.each(modes)('WeChat Pay v3 adapter, verifying with the $mode', ({ mode }) => {
  let t: TestApp;
  let fake: FakeWechatPay;
  let appUrl: string;
  let signingSerial: string;

  beforeAll(async () => {
    let verification: Record<string, string>;
    if (mode === 'platform certificate') {
      const cert = platformCertificate();
      signingSerial = new X509Certificate(cert).serialNumber;
      verification = { WECHATPAY_PLATFORM_CERTS: cert.replace(/\n/g, '\\n') };
    } else {
      signingSerial = PUB_KEY_ID;
      verification = {
        WECHATPAY_PUBLIC_KEY: pem(wechatKey.publicKey, 'spki'),
        WECHATPAY_PUBLIC_KEY_ID: PUB_KEY_ID,
      };
    }
    let now = () => new Date();
    fake = new FakeWechatPay({
      mchid: MCHID,
      merchantSerial: MERCHANT_SERIAL,
      merchantPublicKey: merchant.publicKey,
      signingKey: wechatKey.privateKey,
      signingSerial,
      apiV3Key: APIV3_KEY,
      now: () => now(),
    });
    await fake.start();
    t = await createTestApp({
      config: {
        PAYMENT_CHANNELS: 'sandbox,wechat',
        WECHATPAY_BASE_URL: fake.url,
        WECHATPAY_MCHID: MCHID,
        WECHATPAY_APPID: 'wx8888888888888888',
        WECHATPAY_SERIAL_NO: MERCHANT_SERIAL,
        WECHATPAY_PRIVATE_KEY: pem(merchant.privateKey, 'pkcs8'),
        WECHATPAY_APIV3_KEY: APIV3_KEY,
        PUBLIC_BASE_URL: 'https://hospital.example.com',
        ...verification,
      },
    });
    now = () => t.clock.now();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    appUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });

  const ctx = () => t.app.ctx;
  const wechat = () => ctx().adapters.paymentChannels.wechat as WechatPayChannel;
  const token = async () => (await startSession(ctx(), 'patient', 'acct-wx')).accessToken;
  const order = (amountFen = 5000) =>
    createPaymentOrder(ctx(), {
      businessType: 'wx-visit',
      businessId: newId(),
      accountId: 'acct-wx',
      amountFen,
      subject: '专家门诊挂号费（心内科 张医生）',
      expiresAt: new Date(t.clock.now().getTime() + 15 * 60_000),
      idempotencyKey: newId(),
    });
  const row = async (id: string) =>
    (await ctx().db.select().from(paymentOrders).where(eq(paymentOrders.id, id)))[0];
  const notifyUrl = () => `${appUrl}/api/v1/payments/notify/wechat`;

  it('the merchant checker itself refuses a request signed with another key', async () => {
    const res = await fetch(`${fake.url}/v3/pay/transactions/out-trade-no/X?mchid=${MCHID}`, {
      headers: {
        Authorization: `WECHATPAY2-SHA256-RSA2048 mchid="${MCHID}",nonce_str="n",signature="${Buffer.from('x').toString('base64')}",timestamp="${Math.floor(t.clock.now().getTime() / 1000)}",serial_no="${MERCHANT_SERIAL}"`,
      },
    });
    expect(res.status).toBe(401);
    expect(fake.requests.at(-1)).toMatchObject({ authOk: false, reason: 'signature' });
    fake.requests.length = 0;
  });

  it('a JSAPI payment: signed prepay, paySign for the client, encrypted notification, duplicates answered alike', async () => {
    const o = await order();
    const res = await t.api.post(`/api/v1/payments/orders/${o.id}/pay`, {
      token: await token(),
      body: { channel: 'wechat', openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
    });
    expect(res.status).toBe(200);
    expect(res.body.pay.kind).toBe('jsapi');
    const p = res.body.pay.params;
    expect(p).toMatchObject({ appId: 'wx8888888888888888', signType: 'RSA' });
    expect(p.package).toMatch(/^prepay_id=wx/);
    const payMessage = `${p.appId}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`;
    expect(
      verify('RSA-SHA256', Buffer.from(payMessage), merchant.publicKey, Buffer.from(p.paySign, 'base64')),
    ).toBe(true);

    const sent = fake.trades.get(o.orderNo)!.request;
    expect(sent).toMatchObject({
      mchid: MCHID,
      out_trade_no: o.orderNo,
      amount: { total: 5000, currency: 'CNY' },
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      notify_url: 'https://hospital.example.com/api/v1/payments/notify/wechat',
    });
    expect(sent.time_expire).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);

    const trade = fake.pay(o.orderNo);
    const n = fake.notification('TRANSACTION.SUCCESS', trade);
    const first = await fake.deliver(notifyUrl(), n);
    const second = await fake.deliver(notifyUrl(), n);
    expect(first).toEqual({ status: 204, body: '' });
    expect(second).toEqual(first);
    const r = await row(o.id);
    expect(r).toMatchObject({ state: 'paid', channel: 'wechat', channelTradeNo: trade.transaction_id });
    expect(paidCalls.filter((id) => id === o.id)).toHaveLength(1);
    expect(fake.requests.every((q) => q.authOk)).toBe(true);
  });

  it('refuses notifications with a foreign signature, an unknown serial, or a resource not encrypted with our APIv3 key', async () => {
    const o = await order();
    await t.api.post(`/api/v1/payments/orders/${o.id}/pay`, {
      token: await token(),
      body: { channel: 'wechat', tradeType: 'h5' },
    });
    const trade = fake.pay(o.orderNo);
    const forged = fake.notification('TRANSACTION.SUCCESS', trade, { signWith: strangerKey.privateKey });
    const unknownSerial = fake.notification('TRANSACTION.SUCCESS', trade, { serial: 'PUB_KEY_ID_UNKNOWN' });
    const wrongKey = fake.notification('TRANSACTION.SUCCESS', trade, {
      apiV3Key: randomBytes(16).toString('hex'),
    });
    const tamperedBody = fake.notification('TRANSACTION.SUCCESS', trade);
    tamperedBody.rawBody = tamperedBody.rawBody.replace('"summary":"支付成功"', '"summary":"x"');
    for (const n of [forged, unknownSerial, wrongKey, tamperedBody]) {
      const res = await fake.deliver(notifyUrl(), n);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body).code).toBe('FAIL');
    }
    expect((await row(o.id)).state).toBe('paying');
  });

  it('H5 pay gives the h5_url; an expired order is closed with WeChat Pay by the job', async () => {
    const o = await order(1200);
    const res = await t.api.post(`/api/v1/payments/orders/${o.id}/pay`, {
      token: await token(),
      body: { channel: 'wechat', tradeType: 'h5' },
    });
    expect(res.body.pay).toEqual({
      kind: 'redirect',
      url: expect.stringMatching(/^https:\/\/wx\.tenpay\.com\//),
    });
    expect(fake.trades.get(o.orderNo)!.request.scene_info.h5_info.type).toBe('Wap');
    t.clock.advance(16 * 60_000);
    await ctx().jobs.runNow(RECONCILE_JOB);
    expect((await row(o.id)).state).toBe('closed');
    expect(fake.trades.get(o.orderNo)!.trade_state).toBe('CLOSED');
    expect(fake.requests.every((q) => q.authOk)).toBe(true);
  });

  it('a lost notification is recovered by querying WeChat Pay', async () => {
    const o = await order(3000);
    await t.api.post(`/api/v1/payments/orders/${o.id}/pay`, {
      token: await token(),
      body: { channel: 'wechat', tradeType: 'h5' },
    });
    const trade = fake.pay(o.orderNo);
    t.clock.advance(61_000);
    await ctx().jobs.runNow(RECONCILE_JOB);
    expect(await row(o.id)).toMatchObject({ state: 'paid', channelTradeNo: trade.transaction_id });
    expect(
      fake.requests.some(
        (q) =>
          q.method === 'GET' && q.url.startsWith(`/v3/pay/transactions/out-trade-no/${o.orderNo}?mchid=`),
      ),
    ).toBe(true);
  });

  it('a refund is accepted as processing, finished by the refund notification once, and queried when retried', async () => {
    const o = await order(2000);
    await t.api.post(`/api/v1/payments/orders/${o.id}/pay`, {
      token: await token(),
      body: { channel: 'wechat', tradeType: 'h5' },
    });
    const trade = fake.pay(o.orderNo);
    expect((await fake.deliver(notifyUrl(), fake.notification('TRANSACTION.SUCCESS', trade))).status).toBe(
      204,
    );

    const refund = await requestRefund(ctx(), {
      orderId: o.id,
      amountFen: 800,
      reason: '患者退号',
      refundKey: `wx-${o.id}`,
      requestedBy: 'patient',
    });
    expect(refund.state).toBe('processing');
    const sent = fake.refunds.get(refund.refundNo)!;
    expect(sent).toMatchObject({
      transaction_id: trade.transaction_id,
      amount: { refund: 800, total: 2000 },
    });

    sent.status = 'SUCCESS';
    const n = fake.notification('REFUND.SUCCESS', {
      mchid: MCHID,
      out_trade_no: o.orderNo,
      transaction_id: trade.transaction_id,
      out_refund_no: refund.refundNo,
      refund_id: sent.refund_id,
      refund_status: 'SUCCESS',
      amount: { total: 2000, refund: 800, payer_total: 2000, payer_refund: 800 },
    });
    const url = `${appUrl}/api/v1/payments/notify/wechat/refund`;
    expect((await fake.deliver(url, n)).status).toBe(204);
    expect((await fake.deliver(url, n)).status).toBe(204);
    const [r] = await ctx().db.select().from(refunds).where(eq(refunds.id, refund.id));
    expect(r).toMatchObject({ state: 'succeeded', channelRefundId: sent.refund_id });
    expect(await row(o.id)).toMatchObject({ state: 'partially_refunded', refundedFen: 800 });

    // a second refund whose notification never comes is settled by the retry job's query
    const second = await requestRefund(ctx(), {
      orderId: o.id,
      amountFen: 1200,
      reason: '全部退费',
      refundKey: `wx2-${o.id}`,
      requestedBy: 'staff:1',
    });
    fake.refunds.get(second.refundNo)!.status = 'SUCCESS';
    t.clock.advance(61_000);
    await ctx().jobs.runNow('payments.retry-refunds');
    expect(await row(o.id)).toMatchObject({ state: 'refunded', refundedFen: 2000 });
    expect(fake.requests.some((q) => q.url === `/v3/refund/domestic/refunds/${second.refundNo}`)).toBe(true);
    expect(fake.requests.every((q) => q.authOk)).toBe(true);
  });

  it('switching from the sandbox to WeChat Pay closes the sandbox trade first, so the order cannot be paid twice', async () => {
    const o = await order(700);
    const first = await t.api.post(`/api/v1/payments/orders/${o.id}/pay`, {
      token: await token(),
      body: { channel: 'sandbox' },
    });
    expect(first.status).toBe(200);
    const sandbox = ctx().adapters.paymentChannels.sandbox!;
    const second = await t.api.post(`/api/v1/payments/orders/${o.id}/pay`, {
      token: await token(),
      body: { channel: 'wechat', tradeType: 'h5' },
    });
    expect(second.status).toBe(200);
    expect((await sandbox.query(ctx(), o.orderNo)).state).toBe('closed');
    expect(await row(o.id)).toMatchObject({ state: 'paying', channel: 'wechat' });
  });

  it('an answer with a bad signature is not believed', async () => {
    const o = await order();
    fake.breakResponseSignature = true;
    try {
      const res = await t.api.post(`/api/v1/payments/orders/${o.id}/pay`, {
        token: await token(),
        body: { channel: 'wechat', tradeType: 'h5' },
      });
      expect(res.status).toBe(502);
      expect(res.body.code).toBe('PAYMENT_CHANNEL_UNAVAILABLE');
    } finally {
      fake.breakResponseSignature = false;
    }
  });

  it('downloads the trade bill and checks its hash', async () => {
    const bill = await wechat().downloadBill(ctx(), '2026-11-22');
    expect(bill).toBe(fake.bill);
    expect(fake.requests.at(-2)?.url).toBe('/v3/bill/tradebill?bill_date=2026-11-22&bill_type=ALL');
    expect(fake.requests.at(-1)?.url).toBe('/v3/billdownload/file?token=2026-11-22');
    fake.billHashOverride = '0'.repeat(40);
    await expect(wechat().downloadBill(ctx(), '2026-11-22')).rejects.toMatchObject({
      code: 'BILL_HASH_MISMATCH',
    });
    fake.billHashOverride = undefined;

    // finance downloads it from the console
    const staffId = newId();
    const now = t.clock.now();
    await ctx()
      .db.insert(staffUsers)
      .values({
        id: staffId,
        username: `fin-${staffId.slice(0, 8)}`,
        displayName: 'finance',
        passwordHash: 'x',
        mustChangePassword: false,
        createdAt: now,
        updatedAt: now,
      });
    await ctx().db.insert(staffUserRoles).values({ staffId, roleCode: 'finance' });
    const staffToken = (await startSession(ctx(), 'staff', staffId)).accessToken;
    const res = await t.api.get('/api/v1/admin/payment-bills?channel=wechat&date=2026-11-22', {
      token: staffToken,
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.body).toBe(fake.bill);
    const alipayBill = await t.api.get('/api/v1/admin/payment-bills?channel=alipay&date=2026-11-22', {
      token: staffToken,
    });
    expect(alipayBill.body.code).toBe('BILL_NOT_SUPPORTED');
    expect(fake.requests.every((q) => q.authOk)).toBe(true);
  });
});
