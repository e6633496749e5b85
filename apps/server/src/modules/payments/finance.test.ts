import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { startSession } from '../../platform/auth.js';
import { newId } from '../../platform/ids.js';
import { auditLog, staffUserRoles, staffUsers } from '../../platform/schema.js';
import type { AppContext } from '../../platform/context.js';
import { SandboxChannel } from '../../integrations/payments/sandbox/index.js';
import { closePaymentOrder, createPaymentOrder, startPayment } from './service.js';
import { paymentOrders } from './schema.js';

let t: TestApp;
let ctx: AppContext;
let sandbox: SandboxChannel;
let financeToken: string;
let operatorToken: string;
let financeId: string;

async function staff(role: string) {
  const id = newId();
  const now = ctx.clock.now();
  await ctx.db.insert(staffUsers).values({
    id,
    username: `u-${id.slice(0, 8)}`,
    displayName: role,
    passwordHash: 'x',
    mustChangePassword: false,
    createdAt: now,
    updatedAt: now,
  });
  await ctx.db.insert(staffUserRoles).values({ staffId: id, roleCode: role });
  return { id, token: (await startSession(ctx, 'staff', id)).accessToken };
}

/** A patient's order paid through the sandbox cashier and its notification. */
async function paidOrder(amountFen: number) {
  const o = await createPaymentOrder(ctx, {
    businessType: 'finance-test',
    businessId: newId(),
    accountId: 'acct-fin',
    amountFen,
    subject: '门诊缴费',
    expiresAt: new Date(ctx.clock.now().getTime() + 15 * 60_000),
    idempotencyKey: newId(),
  });
  await startPayment(ctx, 'acct-fin', o.id, { channel: 'sandbox' });
  await sandbox.completeCashier(ctx, o.orderNo, 'success');
  const [n] = await sandbox.notifications(ctx, o.orderNo);
  await t.api.post('/api/v1/payments/notify/sandbox', { headers: n.headers, rawBody: n.rawBody });
  return o;
}

beforeAll(async () => {
  t = await createTestApp();
  ctx = t.app.ctx;
  sandbox = ctx.adapters.paymentChannels.sandbox as SandboxChannel;
  const f = await staff('finance');
  financeId = f.id;
  financeToken = f.token;
  operatorToken = (await staff('operator')).token;
});
afterAll(async () => t?.close());

describe('finance console', () => {
  it('finance finds orders by state and number and sees one with its notifications and refunds', async () => {
    const o = await paidOrder(6000);
    const list = await t.api.get(`/api/v1/admin/payment-orders?state=paid&channel=sandbox&q=${o.orderNo}`, {
      token: financeToken,
    });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toMatchObject({
      id: o.id,
      state: 'paid',
      amountFen: 6000,
      refundableFen: 6000,
    });
    const none = await t.api.get(
      '/api/v1/admin/payment-orders?state=closed&from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z',
      {
        token: financeToken,
      },
    );
    expect(none.body).toMatchObject({ items: [], total: 0 });

    const detail = await t.api.get(`/api/v1/admin/payment-orders/${o.id}`, { token: financeToken });
    expect(detail.status).toBe(200);
    expect(detail.body.notifications).toEqual([
      expect.objectContaining({ channel: 'sandbox', verified: true, outcome: 'paid', amountFen: 6000 }),
    ]);
    expect(detail.body.refunds).toEqual([]);
    const audited = await ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorId, financeId), eq(auditLog.action, 'payments.orders.read')));
    expect(audited.map((a) => a.objectId)).toContain(o.id);
  });

  it('a manual refund needs a reason, never exceeds what is refundable, and is audited; a double submit refunds once', async () => {
    const o = await paidOrder(5000);
    const url = `/api/v1/admin/payment-orders/${o.id}/refunds`;
    const noReason = await t.api.post(url, { token: financeToken, body: { amountFen: 1000 } });
    expect(noReason.status).toBe(400);
    const tooMuch = await t.api.post(url, {
      token: financeToken,
      body: { amountFen: 5001, reason: '多收费用退还' },
    });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.code).toBe('REFUND_EXCEEDS_PAID');

    const headers = { 'idempotency-key': 'manual-refund-0001' };
    const first = await t.api.post(url, {
      token: financeToken,
      headers,
      body: { amountFen: 2000, reason: '多收费用退还' },
    });
    const again = await t.api.post(url, {
      token: financeToken,
      headers,
      body: { amountFen: 2000, reason: '多收费用退还' },
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      state: 'succeeded',
      amountFen: 2000,
      requestedBy: `staff:${financeId}`,
      orderNo: o.orderNo,
    });
    expect(again.body.id).toBe(first.body.id);
    expect(await sandbox.refundedOnChannel(ctx, o.orderNo)).toBe(2000);
    const [row] = await ctx.db.select().from(paymentOrders).where(eq(paymentOrders.id, o.id));
    expect(row).toMatchObject({ state: 'partially_refunded', refundedFen: 2000 });

    const audited = await ctx.db.select().from(auditLog).where(eq(auditLog.action, 'payments.refund.manual'));
    expect(
      audited
        .filter((a) => a.objectId === o.id)
        .map((a) => a.outcome)
        .sort(),
    ).toEqual(['failed', 'success', 'success']);

    const refunds = await t.api.get(`/api/v1/admin/refunds?q=${o.orderNo}&state=succeeded`, {
      token: financeToken,
    });
    expect(refunds.body.items).toEqual([expect.objectContaining({ id: first.body.id, orderNo: o.orderNo })]);
  });

  it("finance downloads the sandbox channel's bill of the day: payments and refunds", async () => {
    const o = await paidOrder(4200);
    await t.api.post(`/api/v1/admin/payment-orders/${o.id}/refunds`, {
      token: financeToken,
      body: { amountFen: 200, reason: '多收费用退还' },
    });
    const day = '2026-11-23'; // the test clock's hospital day
    const res = await t.api.get(`/api/v1/admin/payment-bills?channel=sandbox&date=${day}`, {
      token: financeToken,
    });
    expect(res.status).toBe(200);
    const lines = String(res.body).trim().split('\n');
    expect(lines[0]).toBe('time,type,transaction_id,out_trade_no,out_refund_no,amount_fen');
    expect(lines.filter((l) => l.includes(o.orderNo)).map((l) => l.split(',')[1])).toEqual(['PAY', 'REFUND']);
    const other = await t.api.get('/api/v1/admin/payment-bills?channel=sandbox&date=2026-11-20', {
      token: financeToken,
    });
    expect(String(other.body).trim().split('\n')).toHaveLength(1);
    expect(
      (await t.api.get('/api/v1/admin/payment-bills?channel=sandbox&date=yesterday', { token: financeToken }))
        .status,
    ).toBe(400);
  });

  it('staff without the permission and patients are refused', async () => {
    const o = await paidOrder(100);
    expect((await t.api.get('/api/v1/admin/payment-orders', { token: operatorToken })).status).toBe(403);
    const refused = await t.api.post(`/api/v1/admin/payment-orders/${o.id}/refunds`, {
      token: operatorToken,
      body: { amountFen: 100, reason: '测试退款' },
    });
    expect(refused.status).toBe(403);
    const patient = (await startSession(ctx, 'patient', 'acct-fin')).accessToken;
    expect((await t.api.get('/api/v1/admin/refunds', { token: patient })).status).toBe(403);
    expect((await t.api.get('/api/v1/admin/abnormal-orders')).status).toBe(401);
    expect(await sandbox.refundedOnChannel(ctx, o.orderNo)).toBe(0);
  });

  it('abnormal orders are listed for finance and resolved once with a note', async () => {
    const o = await createPaymentOrder(ctx, {
      businessType: 'finance-test',
      businessId: newId(),
      accountId: 'acct-fin',
      amountFen: 3300,
      subject: '挂号费',
      expiresAt: new Date(ctx.clock.now().getTime() + 15 * 60_000),
      idempotencyKey: newId(),
    });
    await startPayment(ctx, 'acct-fin', o.id, { channel: 'sandbox' });
    await closePaymentOrder(ctx, o.id, 'slot released');
    await sandbox.forcePaid(ctx, o.orderNo);
    const [n] = await sandbox.notifications(ctx, o.orderNo);
    await t.api.post('/api/v1/payments/notify/sandbox', { headers: n.headers, rawBody: n.rawBody });

    const list = await t.api.get('/api/v1/admin/abnormal-orders?status=open', { token: financeToken });
    expect(list.status).toBe(200);
    const item = list.body.items.find((i: { id: string }) => i.id === o.id);
    expect(item).toMatchObject({
      abnormalReason: 'PAID_AFTER_CLOSE',
      state: 'refunded',
      refundedFen: 3300,
      abnormalStatus: 'open',
    });

    const url = `/api/v1/admin/abnormal-orders/${item.abnormalId}/resolve`;
    expect((await t.api.post(url, { token: financeToken, body: {} })).status).toBe(400);
    const resolved = await t.api.post(url, {
      token: financeToken,
      body: { note: '已自动原路退款，核对无误' },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolvedBy: financeId });
    const twice = await t.api.post(url, { token: financeToken, body: { note: '再次处理' } });
    expect(twice.status).toBe(409);
    const open = await t.api.get('/api/v1/admin/abnormal-orders?status=open', { token: financeToken });
    expect(open.body.items.map((i: { id: string }) => i.id)).not.toContain(o.id);
  });

  it('a refund stuck in processing can be retried by finance with the same refund number', async () => {
    const o = await paidOrder(900);
    sandbox.faults.refundUnavailable = 1;
    const created = await t.api.post(`/api/v1/admin/payment-orders/${o.id}/refunds`, {
      token: financeToken,
      body: { amountFen: 900, reason: '患者申请退费' },
    });
    expect(created.body.state).toBe('processing');
    const retried = await t.api.post(`/api/v1/admin/refunds/${created.body.id}/retry`, {
      token: financeToken,
    });
    expect(retried.body).toMatchObject({ state: 'succeeded', refundNo: created.body.refundNo, attempts: 2 });
    const again = await t.api.post(`/api/v1/admin/refunds/${created.body.id}/retry`, { token: financeToken });
    expect(again.status).toBe(409);
    expect(await sandbox.refundedOnChannel(ctx, o.orderNo)).toBe(900);
  });
});
