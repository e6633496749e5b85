import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../../testing/harness.js';
import { startSession } from '../../../platform/auth.js';
import { newId } from '../../../platform/ids.js';
import {
  RECONCILE_JOB,
  RETRY_REFUNDS_JOB,
  createPaymentOrder,
  requestRefund,
} from '../../../modules/payments/index.js';
import { paymentOrders, refunds } from '../../../modules/payments/index.js';
import { yuanToFen } from './index.js';

const pem = (k: KeyObject, type: 'pkcs8' | 'spki') => String(k.export({ type, format: 'pem' }));
const app = generateKeyPairSync('rsa', { modulusLength: 2048 }); // the hospital's application key
const alipay = generateKeyPairSync('rsa', { modulusLength: 2048 }); // Alipay's key
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const APP_ID = '2021000000000001';

/** RSA2 content: every parameter except those excluded, sorted by name, as k=v joined by &. */
const signContent = (params: Record<string, string>, exclude: string[]) =>
  Object.keys(params)
    .filter((k) => !exclude.includes(k) && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');

/** A signed asynchronous notification as Alipay posts it (form encoded). */
function notification(fields: Record<string, string>, key: KeyObject = alipay.privateKey) {
  const params: Record<string, string> = {
    notify_time: '2026-11-23 09:05:00',
    notify_type: 'trade_status_sync',
    notify_id: randomBytes(8).toString('hex'),
    charset: 'utf-8',
    version: '1.0',
    app_id: APP_ID,
    subject: '专家门诊 挂号费+诊查费',
    ...fields,
  };
  params.sign = sign('RSA-SHA256', Buffer.from(signContent(params, ['sign', 'sign_type'])), key).toString(
    'base64',
  );
  params.sign_type = 'RSA2';
  return new URLSearchParams(params).toString();
}

/** A local Alipay gateway: checks each request's RSA2 signature with the app's public key and signs its answers. */
class FakeAlipayGateway {
  url = '';
  server?: Server;
  readonly requests: { method: string; params: Record<string, string>; signOk: boolean }[] = [];
  readonly trades = new Map<
    string,
    { status: string; tradeNo: string; total: string; refunds: Map<string, string> }
  >();
  loseNextRefundAnswer = false;

  async start() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const params: Record<string, string> = {
          ...Object.fromEntries(new URL(req.url!, 'http://x').searchParams),
          ...Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
        };
        const signOk = verify(
          'RSA-SHA256',
          Buffer.from(signContent(params, ['sign'])),
          app.publicKey,
          Buffer.from(params.sign ?? '', 'base64'),
        );
        this.requests.push({ method: params.method, params, signOk });
        const key = `${params.method.replaceAll('.', '_')}_response`;
        const answer = (body: object, status = 200) => {
          const json = JSON.stringify(body);
          const s = sign('RSA-SHA256', Buffer.from(json), alipay.privateKey).toString('base64');
          res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
          res.end(`{"${key}":${json},"sign":"${s}"}`);
        };
        if (!signOk)
          return answer({ code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-signature' });
        const biz = JSON.parse(params.biz_content ?? '{}');
        const trade = this.trades.get(biz.out_trade_no);
        const notExist = {
          code: '40004',
          msg: 'Business Failed',
          sub_code: 'ACQ.TRADE_NOT_EXIST',
          sub_msg: '交易不存在',
        };
        switch (params.method) {
          case 'alipay.trade.create': {
            const tradeNo = `2026${randomBytes(8).toString('hex')}`;
            this.trades.set(biz.out_trade_no, {
              status: 'WAIT_BUYER_PAY',
              tradeNo,
              total: biz.total_amount,
              refunds: new Map(),
            });
            return answer({
              code: '10000',
              msg: 'Success',
              out_trade_no: biz.out_trade_no,
              trade_no: tradeNo,
            });
          }
          case 'alipay.trade.query':
            if (!trade) return answer(notExist);
            return answer({
              code: '10000',
              msg: 'Success',
              out_trade_no: biz.out_trade_no,
              trade_no: trade.tradeNo,
              trade_status: trade.status,
              total_amount: trade.total,
              send_pay_date: '2026-11-23 09:01:00',
            });
          case 'alipay.trade.close':
            if (!trade) return answer(notExist);
            if (trade.status !== 'WAIT_BUYER_PAY')
              return answer({ code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_STATUS_ERROR' });
            trade.status = 'TRADE_CLOSED';
            return answer({ code: '10000', msg: 'Success', out_trade_no: biz.out_trade_no });
          case 'alipay.trade.refund': {
            if (!trade || trade.status !== 'TRADE_SUCCESS') return answer(notExist);
            const fresh = !trade.refunds.has(biz.out_request_no);
            if (fresh) trade.refunds.set(biz.out_request_no, biz.refund_amount);
            if (this.loseNextRefundAnswer) {
              this.loseNextRefundAnswer = false;
              res.writeHead(504);
              return res.end();
            }
            return answer({
              code: '10000',
              msg: 'Success',
              trade_no: trade.tradeNo,
              refund_fee: biz.refund_amount,
              fund_change: fresh ? 'Y' : 'N',
            });
          }
          case 'alipay.trade.fastpay.refund.query': {
            const amount = trade?.refunds.get(biz.out_request_no);
            return answer(
              amount
                ? {
                    code: '10000',
                    msg: 'Success',
                    out_request_no: biz.out_request_no,
                    refund_amount: amount,
                    refund_status: 'REFUND_SUCCESS',
                  }
                : { code: '10000', msg: 'Success' },
            );
          }
        }
        return answer({ code: '40004', sub_code: 'UNKNOWN_METHOD' });
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/gateway.do`;
  }

  refundedYuan(orderNo: string) {
    return [...(this.trades.get(orderNo)?.refunds.values() ?? [])].reduce((a, v) => a + Number(v), 0);
  }
}

describe('Alipay adapter (RSA2)', () => {
  let t: TestApp;
  const gw = new FakeAlipayGateway();

  beforeAll(async () => {
    await gw.start();
    t = await createTestApp({
      config: {
        PAYMENT_CHANNELS: 'sandbox,alipay',
        ALIPAY_APP_ID: APP_ID,
        ALIPAY_PRIVATE_KEY: pem(app.privateKey, 'pkcs8'),
        ALIPAY_PUBLIC_KEY: pem(alipay.publicKey, 'spki'),
        ALIPAY_GATEWAY: gw.url,
        PUBLIC_BASE_URL: 'https://hospital.example.com',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((r) => gw.server?.close(r));
  });

  const ctx = () => t.app.ctx;
  const token = async () => (await startSession(ctx(), 'patient', 'acct-ali')).accessToken;
  const order = (amountFen = 5000) =>
    createPaymentOrder(ctx(), {
      businessType: 'ali-visit',
      businessId: newId(),
      accountId: 'acct-ali',
      amountFen,
      subject: '专家门诊挂号费',
      expiresAt: new Date(t.clock.now().getTime() + 15 * 60_000),
      idempotencyKey: newId(),
    });
  const row = async (id: string) =>
    (await ctx().db.select().from(paymentOrders).where(eq(paymentOrders.id, id)))[0];
  const notify = (body: string) =>
    t.api.post('/api/v1/payments/notify/alipay', {
      rawBody: body,
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    });
  const pay = async (id: string, body: object = { channel: 'alipay' }) =>
    t.api.post(`/api/v1/payments/orders/${id}/pay`, { token: await token(), body });

  it('wap pay gives a gateway URL signed with the app key', async () => {
    const o = await order();
    const res = await pay(o.id);
    expect(res.status).toBe(200);
    expect(res.body.pay.kind).toBe('redirect');
    const url = new URL(res.body.pay.url);
    expect(`${url.origin}${url.pathname}`).toBe(gw.url);
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({ method: 'alipay.trade.wap.pay', app_id: APP_ID, sign_type: 'RSA2' });
    expect(params.notify_url).toBe('https://hospital.example.com/api/v1/payments/notify/alipay');
    expect(JSON.parse(params.biz_content)).toMatchObject({
      out_trade_no: o.orderNo,
      total_amount: '50.00',
      product_code: 'QUICK_WAP_WAY',
    });
    expect(
      verify(
        'RSA-SHA256',
        Buffer.from(signContent(params, ['sign'])),
        app.publicKey,
        Buffer.from(params.sign, 'base64'),
      ),
    ).toBe(true);
  });

  it('a verified notification pays the order, a duplicate gets the same "success", a tampered or foreign one is refused', async () => {
    const o = await order(1234);
    await pay(o.id);
    const good = notification({
      out_trade_no: o.orderNo,
      trade_no: '2026112322001400001',
      trade_status: 'TRADE_SUCCESS',
      total_amount: '12.34',
      gmt_payment: '2026-11-23 09:04:59',
    });
    const tampered = good.replace('total_amount=12.34', 'total_amount=0.01');
    const foreign = notification(
      { out_trade_no: o.orderNo, trade_no: '2026', trade_status: 'TRADE_SUCCESS', total_amount: '12.34' },
      stranger.privateKey,
    );
    const otherApp = notification({
      app_id: '2021999999999999',
      out_trade_no: o.orderNo,
      trade_no: '2026',
      trade_status: 'TRADE_SUCCESS',
      total_amount: '12.34',
    });
    for (const bad of [tampered, foreign, otherApp]) {
      const res = await notify(bad);
      expect(res.status).toBe(401);
      expect(res.body).toBe('failure');
    }
    expect((await row(o.id)).state).toBe('paying');

    const first = await notify(good);
    const second = await notify(good);
    expect(first).toMatchObject({ status: 200, body: 'success' });
    expect(second).toMatchObject({ status: 200, body: 'success' });
    expect(await row(o.id)).toMatchObject({
      state: 'paid',
      channel: 'alipay',
      channelTradeNo: '2026112322001400001',
    });
  });

  it('JSAPI pay creates the trade; a lost notification is recovered by alipay.trade.query; a refund whose answer was lost refunds once', async () => {
    const o = await order(8800);
    const res = await pay(o.id, { channel: 'alipay', tradeType: 'jsapi', openid: '2088102146225135' });
    expect(res.body.pay).toEqual({ kind: 'jsapi', params: { tradeNO: expect.any(String) } });
    const created = gw.requests.find((r) => r.method === 'alipay.trade.create')!;
    expect(JSON.parse(created.params.biz_content)).toMatchObject({
      buyer_id: '2088102146225135',
      total_amount: '88.00',
    });

    gw.trades.get(o.orderNo)!.status = 'TRADE_SUCCESS';
    t.clock.advance(61_000);
    await ctx().jobs.runNow(RECONCILE_JOB);
    expect((await row(o.id)).state).toBe('paid');

    gw.loseNextRefundAnswer = true;
    const r = await requestRefund(ctx(), {
      orderId: o.id,
      amountFen: 8800,
      reason: '退号',
      refundKey: `ali-${o.id}`,
      requestedBy: 'patient',
    });
    expect(r.state).toBe('processing');
    t.clock.advance(61_000);
    await ctx().jobs.runNow(RETRY_REFUNDS_JOB);
    const [after] = await ctx().db.select().from(refunds).where(eq(refunds.id, r.id));
    expect(after.state).toBe('succeeded');
    expect(gw.refundedYuan(o.orderNo)).toBe(88);
    const refundCalls = gw.requests.filter((q) => q.method === 'alipay.trade.refund');
    expect(refundCalls.map((q) => JSON.parse(q.params.biz_content).out_request_no)).toEqual([
      r.refundNo,
      r.refundNo,
    ]);
    expect(await row(o.id)).toMatchObject({ state: 'refunded', refundedFen: 8800 });
  });

  it('an expired order is closed at Alipay by the job', async () => {
    const o = await order(500);
    await pay(o.id, { channel: 'alipay', tradeType: 'jsapi', openid: 'buyer-open-id-1' });
    t.clock.advance(16 * 60_000);
    await ctx().jobs.runNow(RECONCILE_JOB);
    expect((await row(o.id)).state).toBe('closed');
    expect(gw.trades.get(o.orderNo)!.status).toBe('TRADE_CLOSED');
  });

  it('every request reached the gateway correctly signed', () => {
    expect(gw.requests.length).toBeGreaterThan(4);
    expect(gw.requests.every((r) => r.signOk)).toBe(true);
  });

  it('converts yuan strings to fen without floating point', () => {
    expect(yuanToFen('0.07')).toBe(7);
    expect(yuanToFen('12.3')).toBe(1230);
    expect(yuanToFen('100')).toBe(10000);
    expect(() => yuanToFen('1.234')).toThrow();
  });
});
