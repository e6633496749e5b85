import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
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
const paidOrder = (amountFen: number) => paidOrderOn(t, amountFen);

async function paidOrderOn(app: TestApp, amountFen: number) {
  const c = app.app.ctx;
  const channel = c.adapters.paymentChannels.sandbox as SandboxChannel;
  const o = await createPaymentOrder(c, {
    businessType: 'finance-test',
    businessId: newId(),
    accountId: 'acct-fin',
    amountFen,
    subject: '门诊缴费',
    expiresAt: new Date(c.clock.now().getTime() + 15 * 60_000),
    idempotencyKey: newId(),
  });
  await startPayment(c, 'acct-fin', o.id, { channel: 'sandbox' });
  await channel.completeCashier(c, o.orderNo, 'success');
  const [n] = await channel.notifications(c, o.orderNo);
  await app.api.post('/api/v1/payments/notify/sandbox', { headers: n.headers, rawBody: n.rawBody });
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

  it('finance exports the orders the list filters find to Excel, and the export is audited', async () => {
    const a = await paidOrder(1234);
    const b = await paidOrder(5000);
    const url = (query: string) => `/api/v1/admin/payment-orders/export?${query}`;
    const file = await t.api.get(url(`q=${a.orderNo}&state=paid&channel=sandbox`), { token: financeToken });
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toContain('spreadsheetml');
    expect(file.headers['content-disposition']).toMatch(
      /^attachment; filename="payment-orders-\d{8}-\d{6}\.xlsx"$/,
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.raw.rawPayload as never);
    const sheet = book.worksheets[0];
    expect(sheet.name).toBe('支付订单');
    expect(sheet.rowCount).toBe(2);
    const headings = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(headings).toEqual([
      '订单号',
      '业务',
      '业务单号',
      '摘要',
      '金额(元)',
      '已退(元)',
      '状态',
      '支付渠道',
      '渠道交易号',
      '异常',
      '创建时间',
      '支付时间',
      '关闭时间',
    ]);
    const [paidRow] = await ctx.db.select().from(paymentOrders).where(eq(paymentOrders.id, a.id));
    expect((sheet.getRow(2).values as unknown[]).slice(1, 10)).toEqual([
      a.orderNo,
      'finance-test',
      a.businessId,
      '门诊缴费',
      '12.34',
      '0.00',
      '已支付',
      '沙箱',
      paidRow.channelTradeNo,
    ]);
    // times in the hospital's zone (the test clock stands at 01:00 UTC)
    expect(sheet.getRow(2).getCell(11).value).toBe('2026-11-23 09:00:00');

    // the same filters as the list: both orders of this test in the window, nothing in another
    const now = t.clock.now().toISOString();
    const both = await t.api.get(
      url(
        `state=paid&from=${encodeURIComponent(now)}&to=${encodeURIComponent(now)}&businessType=finance-test`,
      ),
      { token: financeToken },
    );
    const book2 = new ExcelJS.Workbook();
    await book2.xlsx.load(both.raw.rawPayload as never);
    const exported = book2.worksheets[0].getColumn(1).values.slice(2);
    expect(exported).toEqual(expect.arrayContaining([a.orderNo, b.orderNo]));
    const list = await t.api.get(
      `/api/v1/admin/payment-orders?state=paid&from=${encodeURIComponent(now)}&to=${encodeURIComponent(now)}&businessType=finance-test&pageSize=200`,
      { token: financeToken },
    );
    expect(exported).toEqual(list.body.items.map((o: { orderNo: string }) => o.orderNo));

    const audits = await ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'payments.orders.export'), eq(auditLog.actorId, financeId)));
    expect(audits).toHaveLength(2);
    expect(audits[0].detail).toMatchObject({ q: a.orderNo, state: 'paid', channel: 'sandbox', count: 1 });

    // without the permission, or with a filter the list would refuse, nothing is exported
    const refused = await t.api.get(url(`q=${a.orderNo}`), { token: operatorToken });
    expect(refused.status).toBe(403);
    const badFilter = await t.api.get(url('state=lost'), { token: financeToken });
    expect(badFilter.status).toBe(400);
    expect(
      await ctx.db.select().from(auditLog).where(eq(auditLog.action, 'payments.orders.export')),
    ).toHaveLength(2);
  });

  it('an export larger than one spreadsheet holds is refused with the way out', async () => {
    // a hospital that holds exports to two orders (PAYMENT_EXPORT_MAX_ROWS)
    const small = await createTestApp({ config: { PAYMENT_EXPORT_MAX_ROWS: '2' } });
    try {
      const orders = [];
      for (let i = 0; i < 3; i++) orders.push(await paidOrderOn(small, 300 + i));
      const { token } = await loginStaff(small, 'finance');
      const url = '/api/v1/admin/payment-orders/export?businessType=finance-test';
      const res = await small.api.get(url, { token });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 'EXPORT_TOO_LARGE',
        message: {
          zh: '符合条件的订单有 3 笔，单次最多导出 2 笔，请缩小时间范围或增加筛选条件',
          en: '3 orders match; at most 2 can be exported at once: narrow the filters',
        },
        details: { total: 3, max: 2 },
      });
      // narrowed by the filters to what fits, the export goes through
      const narrowed = await small.api.get(`${url}&q=${orders[0].orderNo}`, { token });
      expect(narrowed.status).toBe(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(narrowed.raw.rawPayload as never);
      expect(book.worksheets[0].rowCount).toBe(2);
    } finally {
      await small.close();
    }
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
