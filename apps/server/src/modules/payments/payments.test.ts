import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestApp, isPostgres, type TestApp } from '../../testing/harness.js';
import { startSession } from '../../platform/auth.js';
import { newId } from '../../platform/ids.js';
import { conflict } from '../../platform/errors.js';
import type { AppContext } from '../../platform/context.js';
import { SANDBOX_DELIVER_JOB, SandboxChannel } from '../../integrations/payments/sandbox/index.js';
import type { PaymentOrderView, RefundView } from './contract.js';
import {
  RECONCILE_JOB,
  RETRY_REFUNDS_JOB,
  closePaymentOrder,
  createPaymentOrder,
  getPaymentOrder,
  registerBusinessHandler,
  requestRefund,
} from './service.js';
import { abnormalOrders, paymentNotifications, paymentOrders, refunds } from './schema.js';
import { sandboxNotifications } from '../../integrations/payments/sandbox/schema.js';

let t: TestApp;
let ctx: AppContext;
let sandbox: SandboxChannel;
const alice = 'acct-alice';
const bob = 'acct-bob';

/** A business module's handler as registration would register it; it records what it was told. */
const calls = { paid: [] as string[], closed: [] as string[], refunds: [] as RefundView[] };
let refusePaymentFor = new Set<string>();
registerBusinessHandler('test-visit', {
  async onPaid(_ctx, order: PaymentOrderView) {
    calls.paid.push(order.id);
    if (refusePaymentFor.has(order.businessId))
      throw conflict('SLOT_LOCK_EXPIRED', '号源锁定已过期', 'The slot lock had expired');
  },
  async onClosed(_ctx, order) {
    calls.closed.push(order.id);
  },
  async onRefundFinished(_ctx, _order, refund) {
    calls.refunds.push(refund);
  },
});

/** A free local port, so the sandbox's notification job can post to this app over HTTP. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

beforeAll(async () => {
  const port = await freePort();
  t = await createTestApp({
    poolSize: 20,
    config: { SANDBOX_NOTIFY_URL: `http://127.0.0.1:${port}/api/v1/payments/notify/sandbox` },
  });
  await t.app.listen({ port, host: '127.0.0.1' });
  ctx = t.app.ctx;
  sandbox = ctx.adapters.paymentChannels.sandbox as SandboxChannel;
});
afterAll(async () => t?.close());
beforeEach(() => {
  calls.paid = [];
  calls.closed = [];
  calls.refunds = [];
  refusePaymentFor = new Set();
  sandbox.faults.refundResponseLost = 0;
  sandbox.faults.refundUnavailable = 0;
  sandbox.faults.refundRejected = 0;
});

const token = async (accountId: string) => (await startSession(ctx, 'patient', accountId)).accessToken;

async function newOrder(opts: { amountFen?: number; accountId?: string; businessId?: string } = {}) {
  return createPaymentOrder(ctx, {
    businessType: 'test-visit',
    businessId: opts.businessId ?? newId(),
    accountId: opts.accountId ?? alice,
    amountFen: opts.amountFen ?? 5000,
    subject: '专家门诊挂号费',
    expiresAt: new Date(ctx.clock.now().getTime() + 15 * 60_000),
    idempotencyKey: newId(),
  });
}

async function startSandboxPay(orderId: string, accountId = alice) {
  return t.api.post(`/api/v1/payments/orders/${orderId}/pay`, {
    token: await token(accountId),
    body: { channel: 'sandbox' },
  });
}

async function payAtCashier(order: PaymentOrderView, outcome: 'success' | 'failure' | 'cancel' = 'success') {
  const started = await startSandboxPay(order.id);
  expect(started.status).toBe(200);
  const done = await t.api.post(`/api/v1/payments/sandbox/${order.orderNo}/complete`, {
    token: await token(alice),
    body: { outcome },
  });
  expect(done.status).toBe(200);
  return done.body;
}

async function deliver(n: { headers: Record<string, string>; rawBody: string }) {
  return t.api.post('/api/v1/payments/notify/sandbox', { headers: n.headers, rawBody: n.rawBody });
}

/** other tests' orders share the database and the sweeps; count only this order's calls */
const timesCalled = (ids: string[], id: string) => ids.filter((x) => x === id).length;

async function orderRow(id: string) {
  const [o] = await ctx.db.select().from(paymentOrders).where(eq(paymentOrders.id, id));
  return o;
}

async function paidOrder(amountFen = 5000) {
  const order = await newOrder({ amountFen });
  await payAtCashier(order);
  const [n] = await sandbox.notifications(ctx, order.orderNo);
  expect((await deliver(n)).status).toBe(200);
  return order;
}

describe('paying through the sandbox channel', () => {
  it('a repeated create with the same idempotency key returns the same order', async () => {
    const input = {
      businessType: 'test-visit',
      businessId: 'reg-1',
      accountId: alice,
      amountFen: 1200,
      subject: '普通门诊',
      expiresAt: new Date(ctx.clock.now().getTime() + 60_000),
      idempotencyKey: 'reg-1-pay',
    };
    const a = await createPaymentOrder(ctx, input);
    const b = await createPaymentOrder(ctx, input);
    expect(b.id).toBe(a.id);
    // prefix, the hospital's date, then the running number from the database sequence
    expect(a.orderNo).toMatch(/^P20261123\d{10}$/);
    expect(a.state).toBe('created');
    await expect(createPaymentOrder(ctx, { ...input, amountFen: 1300 })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    await expect(
      createPaymentOrder(ctx, { ...input, idempotencyKey: 'x', amountFen: 0 }),
    ).rejects.toMatchObject({
      code: 'PAYMENT_AMOUNT_INVALID',
    });
  });

  it('the patient pays at the cashier, the notification confirms the order and the business is told once, even when delivered twice', async () => {
    const order = await newOrder();
    const started = await startSandboxPay(order.id);
    expect(started.status).toBe(200);
    expect(started.body.pay).toEqual({ kind: 'redirect', url: `/cashier/${order.orderNo}` });

    const cashier = await t.api.get(`/api/v1/payments/sandbox/${order.orderNo}`, {
      token: await token(alice),
    });
    expect(cashier.body).toMatchObject({ amountFen: 5000, state: 'NOTPAY', subject: '专家门诊挂号费' });

    await payAtCashier(order);
    // nothing is paid until the channel's asynchronous notification arrives
    expect((await orderRow(order.id)).state).toBe('paying');

    const [n] = await sandbox.notifications(ctx, order.orderNo);
    const first = await deliver(n);
    const second = await deliver(n);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);

    const row = await orderRow(order.id);
    expect(row.state).toBe('paid');
    expect(row.channel).toBe('sandbox');
    expect(row.channelTradeNo).toMatch(/^SBX/);
    expect(row.businessState).toBe('done');
    expect(calls.paid).toEqual([order.id]);
    const log = await ctx.db
      .select()
      .from(paymentNotifications)
      .where(eq(paymentNotifications.orderNo, order.orderNo));
    expect(log.map((l) => l.outcome).sort()).toEqual(['duplicate', 'paid']);

    const view = await t.api.get(`/api/v1/payments/orders/${order.id}`, { token: await token(alice) });
    expect(view.body).toMatchObject({ state: 'paid', amountFen: 5000, refundedFen: 0 });
    // paying again is refused
    expect((await startSandboxPay(order.id)).body.code).toBe('PAYMENT_ORDER_ALREADY_PAID');
  });

  it("the sandbox's delivery job posts the signed notification over HTTP and marks it delivered", async () => {
    const order = await newOrder();
    await payAtCashier(order);
    const [n] = await sandbox.notifications(ctx, order.orderNo);
    await ctx.jobs.runNow(SANDBOX_DELIVER_JOB, { id: n.id });
    expect((await orderRow(order.id)).state).toBe('paid');
    const [row] = await ctx.db.select().from(sandboxNotifications).where(eq(sandboxNotifications.id, n.id));
    expect(row).toMatchObject({ attempts: 1, deliveredAt: expect.any(Date) });
    await ctx.jobs.runNow(SANDBOX_DELIVER_JOB, { id: n.id }); // delivered: nothing more is sent
    const [again] = await ctx.db.select().from(sandboxNotifications).where(eq(sandboxNotifications.id, n.id));
    expect(again.attempts).toBe(1);
    expect(timesCalled(calls.paid, order.id)).toBe(1);
  });

  it('the same notification delivered five times at once pays the order once', async () => {
    const order = await newOrder();
    await payAtCashier(order);
    const [n] = await sandbox.notifications(ctx, order.orderNo);
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliver(n)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(timesCalled(calls.paid, order.id)).toBe(1);
    const log = await ctx.db
      .select()
      .from(paymentNotifications)
      .where(eq(paymentNotifications.orderNo, order.orderNo));
    expect(log.filter((l) => l.outcome === 'paid')).toHaveLength(1);
    expect(log.filter((l) => l.outcome === 'duplicate')).toHaveLength(4);
  });

  it('another account sees the same 404 as for a missing order and cannot pay it', async () => {
    const order = await newOrder();
    const other = await t.api.get(`/api/v1/payments/orders/${order.id}`, { token: await token(bob) });
    const missing = await t.api.get(`/api/v1/payments/orders/${newId()}`, { token: await token(bob) });
    expect(other.status).toBe(404);
    expect(other.body.code).toBe(missing.body.code);
    expect((await startSandboxPay(order.id, bob)).status).toBe(404);
    expect((await t.api.get(`/api/v1/payments/orders/${order.id}`)).status).toBe(401);
    const badChannel = await t.api.post(`/api/v1/payments/orders/${order.id}/pay`, {
      token: await token(alice),
      body: { channel: 'wechat' },
    });
    expect(badChannel.status).toBe(400);
    expect(badChannel.body.code).toBe('PAYMENT_CHANNEL_UNAVAILABLE');
    expect((await orderRow(order.id)).state).toBe('created');
  });

  it('notifications delivered out of order each confirm their own order', async () => {
    const a = await newOrder();
    const b = await newOrder({ amountFen: 800 });
    await payAtCashier(a);
    await payAtCashier(b);
    const [na] = await sandbox.notifications(ctx, a.orderNo);
    const [nb] = await sandbox.notifications(ctx, b.orderNo);
    expect((await deliver(nb)).status).toBe(200);
    expect((await deliver(na)).status).toBe(200);
    expect((await deliver(nb)).status).toBe(200);
    expect((await orderRow(a.id)).state).toBe('paid');
    expect((await orderRow(b.id)).state).toBe('paid');
    expect(calls.paid.sort()).toEqual([a.id, b.id].sort());
  });

  it('a signed notification with a wrong amount is acknowledged, listed as abnormal and leaves the order unchanged', async () => {
    const order = await newOrder();
    await payAtCashier(order);
    const [n] = await sandbox.notifications(ctx, order.orderNo);
    const forged = { ...JSON.parse(n.rawBody), amount_fen: 1 };
    const signed = await sandbox.signedNotification(ctx, {
      id: n.id,
      outTradeNo: order.orderNo,
      body: JSON.stringify(forged),
    });
    // repeating it would not change the amount: the channel is told to stop
    const res = await deliver(signed);
    expect(res.status).toBe(200);
    expect(res.body.code).toBe('SUCCESS');
    expect((await orderRow(order.id)).state).toBe('paying');
    expect(calls.paid).toEqual([]);
    const abnormal = await ctx.db.select().from(abnormalOrders).where(eq(abnormalOrders.orderId, order.id));
    expect(abnormal.map((a) => a.reason)).toEqual(['AMOUNT_MISMATCH']);
  });

  it('a failure on the platform side answers the channel with its failure body, never a 5xx, and the repeat pays the order', async () => {
    const order = await newOrder();
    await payAtCashier(order);
    const [n] = await sandbox.notifications(ctx, order.orderNo);
    const broken = vi
      .spyOn(sandbox, 'verifyNotification')
      .mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));
    try {
      const res = await deliver(n);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ code: 'FAIL', message: 'SYSTEM_ERROR' });
      expect((await orderRow(order.id)).state).toBe('paying');
    } finally {
      broken.mockRestore();
    }
    // the channel repeats the notification, as it does after a failure answer
    expect((await deliver(n)).status).toBe(200);
    expect((await orderRow(order.id)).state).toBe('paid');
    expect(timesCalled(calls.paid, order.id)).toBe(1);
  });

  it('a notification with a bad signature is refused and logged as unverified', async () => {
    const order = await newOrder();
    await payAtCashier(order);
    const [n] = await sandbox.notifications(ctx, order.orderNo);
    const tampered = { ...n, headers: { ...n.headers, 'x-sandbox-signature': 'ab'.repeat(32) } };
    const res = await deliver(tampered);
    expect(res.status).toBe(401);
    const unsigned = await deliver({ rawBody: n.rawBody, headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(401);
    expect((await orderRow(order.id)).state).toBe('paying');
    const unverified = await ctx.db
      .select()
      .from(paymentNotifications)
      .where(eq(paymentNotifications.verified, false));
    expect(unverified.map((u) => u.outcome)).toEqual(
      expect.arrayContaining(['SIGNATURE_INVALID', 'SIGNATURE_MISSING']),
    );
  });

  it('a failed attempt at the cashier leaves the order payable, and the payer can try again', async () => {
    const order = await newOrder();
    expect((await payAtCashier(order, 'failure')).state).toBe('PAYERROR');
    expect((await payAtCashier(order, 'cancel')).state).toBe('NOTPAY');
    expect((await payAtCashier(order, 'success')).state).toBe('SUCCESS');
    expect(await sandbox.notifications(ctx, order.orderNo)).toHaveLength(1);
  });
});

describe('recovery jobs', () => {
  it('a lost notification is recovered by the query job, and the late notification is a duplicate', async () => {
    const order = await newOrder();
    await payAtCashier(order);
    await t.app.ctx.jobs.runNow(RECONCILE_JOB);
    expect((await orderRow(order.id)).state).toBe('paying'); // not yet: the short delay has not passed
    t.clock.advance(61_000);
    await t.app.ctx.jobs.runNow(RECONCILE_JOB);
    expect((await orderRow(order.id)).state).toBe('paid');
    expect(timesCalled(calls.paid, order.id)).toBe(1);
    const [n] = await sandbox.notifications(ctx, order.orderNo);
    expect((await deliver(n)).status).toBe(200);
    expect(timesCalled(calls.paid, order.id)).toBe(1);
  });

  it('an expired order is closed by the job, with the channel, and can no longer be paid', async () => {
    const order = await newOrder();
    await startSandboxPay(order.id);
    t.clock.advance(16 * 60_000);
    await t.app.ctx.jobs.runNow(RECONCILE_JOB);
    const row = await orderRow(order.id);
    expect(row.state).toBe('closed');
    expect(row.closeReason).toBe('expired');
    expect(timesCalled(calls.closed, order.id)).toBe(1);
    expect((await sandbox.query(ctx, order.orderNo)).state).toBe('closed');
    const late = await t.api.post(`/api/v1/payments/sandbox/${order.orderNo}/complete`, {
      token: await token(alice),
      body: { outcome: 'success' },
    });
    expect(late.body.state).toBe('CLOSED');
    expect((await startSandboxPay(order.id)).body.code).toBe('PAYMENT_ORDER_CLOSED');
    // closing again is a no-op
    await closePaymentOrder(ctx, order.id, 'cancelled');
    expect((await orderRow(order.id)).closeReason).toBe('expired');
  });

  it('a payment that arrives after the order was closed is refunded automatically and listed as abnormal', async () => {
    const order = await newOrder();
    await startSandboxPay(order.id);
    await closePaymentOrder(ctx, order.id, 'slot lock expired');
    expect(calls.closed).toEqual([]); // the business asked for it: no callback
    await sandbox.forcePaid(ctx, order.orderNo);
    const [n] = await sandbox.notifications(ctx, order.orderNo);
    expect((await deliver(n)).status).toBe(200);
    expect((await deliver(n)).status).toBe(200);

    const row = await orderRow(order.id);
    expect(row.state).toBe('refunded');
    expect(row.refundedFen).toBe(5000);
    expect(row.abnormal).toBe(true);
    expect(calls.paid).toEqual([]);
    expect(await sandbox.refundedOnChannel(ctx, order.orderNo)).toBe(5000);
    const abnormal = await ctx.db.select().from(abnormalOrders).where(eq(abnormalOrders.orderId, order.id));
    expect(abnormal.map((a) => a.reason)).toEqual(['PAID_AFTER_CLOSE']);
    const rs = await ctx.db.select().from(refunds).where(eq(refunds.orderId, order.id));
    expect(rs).toHaveLength(1);
    expect(rs[0]).toMatchObject({ state: 'succeeded', requestedBy: 'system', amountFen: 5000 });
  });

  it('when the business step fails after payment, the order is refunded in full and listed as abnormal', async () => {
    const order = await newOrder({ businessId: 'reg-expired' });
    refusePaymentFor.add('reg-expired');
    await payAtCashier(order);
    const [n] = await sandbox.notifications(ctx, order.orderNo);
    expect((await deliver(n)).status).toBe(200);
    const row = await orderRow(order.id);
    expect(row.state).toBe('refunded');
    expect(row.businessState).toBe('failed');
    expect(row.abnormalReason).toBe('SLOT_LOCK_EXPIRED');
    expect(calls.paid).toEqual([order.id]);
    expect(await sandbox.refundedOnChannel(ctx, order.orderNo)).toBe(5000);
    const [abnormal] = await ctx.db.select().from(abnormalOrders).where(eq(abnormalOrders.orderId, order.id));
    expect(abnormal).toMatchObject({ reason: 'BUSINESS_FAILED', status: 'open' });
    // a duplicate notification does not run the business step again
    expect((await deliver(n)).status).toBe(200);
    expect(calls.paid).toEqual([order.id]);
  });
});

describe('refunds', () => {
  it('a refund whose answer was lost is retried with the same number and moves the money once', async () => {
    const order = await paidOrder(5000);
    sandbox.faults.refundResponseLost = 1;
    const r = await requestRefund(ctx, {
      orderId: order.id,
      amountFen: 5000,
      reason: '患者退号',
      refundKey: 'cancel-1',
      requestedBy: 'patient',
    });
    expect(r.state).toBe('processing');
    expect(await sandbox.refundedOnChannel(ctx, order.orderNo)).toBe(5000);
    expect((await orderRow(order.id)).state).toBe('refunding');

    await t.app.ctx.jobs.runNow(RETRY_REFUNDS_JOB); // too early: waits for the retry interval
    t.clock.advance(61_000);
    await t.app.ctx.jobs.runNow(RETRY_REFUNDS_JOB);
    const [after] = await ctx.db.select().from(refunds).where(eq(refunds.id, r.id));
    expect(after).toMatchObject({ state: 'succeeded', refundNo: r.refundNo, attempts: 2 });
    expect(await sandbox.refundedOnChannel(ctx, order.orderNo)).toBe(5000);
    const row = await orderRow(order.id);
    expect(row).toMatchObject({ state: 'refunded', refundedFen: 5000 });
    expect(calls.refunds.map((x) => x.refundNo)).toEqual([r.refundNo]);

    // the same key again returns the same refund and moves nothing
    const again = await requestRefund(ctx, {
      orderId: order.id,
      amountFen: 5000,
      reason: '患者退号',
      refundKey: 'cancel-1',
      requestedBy: 'patient',
    });
    expect(again.id).toBe(r.id);
    expect(await sandbox.refundedOnChannel(ctx, order.orderNo)).toBe(5000);
  });

  it('a channel outage leaves the refund processing until the retry job completes it', async () => {
    const order = await paidOrder(3000);
    sandbox.faults.refundUnavailable = 2;
    const r = await requestRefund(ctx, {
      orderId: order.id,
      amountFen: 1000,
      reason: '部分退费',
      refundKey: 'partial-outage',
      requestedBy: 'staff:1',
    });
    expect(r.state).toBe('processing');
    t.clock.advance(61_000);
    await t.app.ctx.jobs.runNow(RETRY_REFUNDS_JOB);
    t.clock.advance(61_000);
    await t.app.ctx.jobs.runNow(RETRY_REFUNDS_JOB);
    const [after] = await ctx.db.select().from(refunds).where(eq(refunds.id, r.id));
    expect(after.state).toBe('succeeded');
    expect(after.attempts).toBe(3);
    expect(await orderRow(order.id)).toMatchObject({ state: 'partially_refunded', refundedFen: 1000 });
  });

  it('a refund the channel refuses for good fails, frees the amount again and is listed as abnormal', async () => {
    const order = await paidOrder(2500);
    sandbox.faults.refundRejected = 1;
    const r = await requestRefund(ctx, {
      orderId: order.id,
      amountFen: 2500,
      reason: '患者退号',
      refundKey: 'rejected-1',
      requestedBy: 'patient',
    });
    expect(r.state).toBe('failed');
    expect(await orderRow(order.id)).toMatchObject({ state: 'paid', refundedFen: 0, refundReservedFen: 0 });
    expect(calls.refunds).toEqual([expect.objectContaining({ id: r.id, state: 'failed' })]);
    const [abnormal] = await ctx.db.select().from(abnormalOrders).where(eq(abnormalOrders.orderId, order.id));
    expect(abnormal.reason).toBe('REFUND_FAILED');
    // a new refund (new key, new number) can then go through
    const again = await requestRefund(ctx, {
      orderId: order.id,
      amountFen: 2500,
      reason: '人工重新退款',
      refundKey: 'rejected-1-retry',
      requestedBy: 'staff:1',
    });
    expect(again.state).toBe('succeeded');
    expect(again.refundNo).not.toBe(r.refundNo);
    expect(await orderRow(order.id)).toMatchObject({ state: 'refunded', refundedFen: 2500 });
  });

  it('partial refunds add up to the paid amount and no further', async () => {
    const order = await paidOrder(1000);
    const refund = (key: string, amountFen: number) =>
      requestRefund(ctx, {
        orderId: order.id,
        amountFen,
        reason: '部分退费',
        refundKey: key,
        requestedBy: 'system',
      });
    expect((await refund('p1', 400)).state).toBe('succeeded');
    expect((await orderRow(order.id)).state).toBe('partially_refunded');
    await expect(refund('p2', 601)).rejects.toMatchObject({ code: 'REFUND_EXCEEDS_PAID', status: 409 });
    expect((await refund('p3', 600)).state).toBe('succeeded');
    expect(await orderRow(order.id)).toMatchObject({ state: 'refunded', refundedFen: 1000 });
    await expect(refund('p4', 1)).rejects.toMatchObject({ code: 'PAYMENT_ORDER_NOT_REFUNDABLE' });
    await expect(refund('p5', 0)).rejects.toMatchObject({ code: 'REFUND_AMOUNT_INVALID' });
    await expect(refund('p3', 500)).rejects.toMatchObject({ code: 'REFUND_KEY_REUSED' });
  });

  it('an unpaid order cannot be refunded', async () => {
    const order = await newOrder();
    await expect(
      requestRefund(ctx, {
        orderId: order.id,
        amountFen: 1,
        reason: 'x',
        refundKey: newId(),
        requestedBy: 'system',
      }),
    ).rejects.toMatchObject({ code: 'PAYMENT_ORDER_NOT_REFUNDABLE' });
  });

  it.runIf(isPostgres())(
    'ten concurrent partial refunds of 30% each: at most three succeed, never more than paid',
    async () => {
      const order = await paidOrder(1000);
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          requestRefund(ctx, {
            orderId: order.id,
            amountFen: 300,
            reason: '并发退款',
            refundKey: `race-${i}`,
            requestedBy: 'system',
          }),
        ),
      );
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r) => r.status === 'rejected');
      expect(ok).toHaveLength(3);
      for (const r of refused) expect((r as PromiseRejectedResult).reason.code).toBe('REFUND_EXCEEDS_PAID');
      const row = await orderRow(order.id);
      expect(row.refundedFen).toBe(900);
      expect(await sandbox.refundedOnChannel(ctx, order.orderNo)).toBe(900);
      expect((await getPaymentOrder(ctx, order.id))?.state).toBe('partially_refunded');
    },
  );
});
