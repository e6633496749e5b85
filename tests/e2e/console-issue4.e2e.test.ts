import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { baseUrl, desktop, launch, snap } from './support/browser.js';
import {
  addSelf,
  api,
  bookAndPay,
  findBookableSchedule,
  hisBill,
  hospitalDay,
  integrationChannel,
  patientSession,
  patientWithSelf,
  pushVisit,
} from './support/api.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser?.close());

/** Logs a demo staff account into the console and waits for its side menu. */
async function consoleLogin(page: Page, username: string, password: string) {
  await page.goto('/console/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('side-menu').waitFor({ timeout: 30_000 });
}

/** An Input.Search by its test id (antd puts the id on the input or on its wrapper). */
const searchBox = (page: Page, id: string) =>
  page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first();

async function staffToken(username: string, password: string): Promise<string> {
  const r = await api('POST', '/api/v1/staff/auth/login', { body: { username, password } });
  return r.accessToken;
}

describe('staff console: reports knowledge base and finance lists (issue 4)', () => {
  it('an operator rewrites an indicator interpretation and finds it again by searching', async () => {
    const { page, context } = await desktop(browser);
    await consoleLogin(page, 'operator', 'Oper@2026');
    await page.getByTestId('menu-indicators').click();
    const search = searchBox(page, 'indicator-search');
    await search.fill('谷丙');
    await search.press('Enter');
    const edit = page.getByTestId('indicator-edit-ALT');
    await edit.waitFor();
    await expect.poll(() => page.locator('[data-testid^="indicator-edit-"]').count()).toBe(1);
    await edit.click();
    const meaning = `丙氨酸氨基转移酶（ALT）主要存在于肝细胞内，肝细胞受损时会释放入血。（浏览器测试 ${Date.now()}）`;
    await page.getByTestId('indicator-meaning').fill(meaning);
    await page.getByTestId('indicator-advice').fill('轻度升高可在戒酒、避免熬夜 2-4 周后复查。');
    await snap(page, 'console-indicator-edit');
    await page.getByTestId('indicator-save').click();

    // Saved on the server, as patients will read it.
    const token = await staffToken('operator', 'Oper@2026');
    await expect
      .poll(
        async () =>
          (await api<any>('GET', '/api/v1/admin/indicators?q=ALT', { token })).items.find(
            (i: any) => i.code === 'ALT',
          )?.meaning,
        { timeout: 15_000 },
      )
      .toBe(meaning);

    // After a reload a search by its name finds it, with the new text in the list.
    await page.reload();
    await page.getByTestId('menu-indicators').waitFor();
    const again = searchBox(page, 'indicator-search');
    await again.fill('丙氨酸氨基转移酶');
    await again.press('Enter');
    await expect
      .poll(() => page.getByTestId('indicator-meaning-ALT').innerText(), { timeout: 15_000 })
      .toContain('肝细胞受损时会释放入血');
    await snap(page, 'console-indicator-found');

    // Empty required interpretation: refused by the form, nothing sent, the text stays.
    await page.getByTestId('indicator-edit-ALT').click();
    await page.getByTestId('indicator-meaning').fill('   ');
    await page.getByTestId('indicator-save').click();
    await page.locator('.ant-form-item-explain-error').first().waitFor();
    const after = await api<any>('GET', '/api/v1/admin/indicators?q=ALT', { token });
    expect(after.items.find((i: any) => i.code === 'ALT').meaning).toBe(meaning);
    await page.keyboard.press('Escape');

    // A lab report with a high ALT arrives from the LIS: staff opening it read the new text.
    const lis = await integrationChannel(['lis.reports.push']);
    const me = await patientWithSelf('孙晓雯');
    const reportNo = `LC${Date.now().toString(36)}`;
    const pushed = await lis.push('/api/integration/v1/his/lis/reports', {
      reportNo,
      kind: 'lab',
      patient: { name: me.name, idNumber: me.idNumber },
      title: '肝功能',
      department: '检验科',
      status: 'final',
      reportedAt: new Date().toISOString(),
      observations: [
        { code: 'ALT', name: '丙氨酸氨基转移酶', value: 96, unit: 'U/L', refLow: 9, refHigh: 50 },
        { code: 'ALB', name: '白蛋白', value: 45, unit: 'g/L', refLow: 40, refHigh: 55 },
      ],
    });
    await page.getByTestId('menu-reports').click();
    await page.getByTestId('reports-no').fill(reportNo);
    await page.getByTestId('reports-search').click();
    await page.getByTestId(`report-${reportNo}`).click();
    const altRow = page.locator('.ant-drawer tr.ant-table-row', { hasText: 'ALT' });
    await altRow.waitFor({ timeout: 15_000 });
    expect(await altRow.innerText()).toContain('偏高');
    await altRow.locator('.ant-table-row-expand-icon').click();
    await expect
      .poll(() => page.locator('.ant-drawer .ant-table-expanded-row').first().innerText())
      .toContain('肝细胞受损时会释放入血');
    await snap(page, 'console-report-interpretation');
    // the opening is audited
    const adminToken = await staffToken('admin', 'Admin@2026');
    const audit = await api<any>('GET', '/api/v1/admin/audit-logs?action=report.read', { token: adminToken });
    expect(audit.items.some((a: any) => a.objectId === pushed.reportId)).toBe(true);
    await context.close();
  });

  it('finance finds a paid order, refunds it by hand and sees it among refunds; write-back failures and abnormal orders are listed', async () => {
    const patient = await patientSession();
    const self = await addSelf(patient.token);
    const { schedule, segment } = await findBookableSchedule();
    const reg = await bookAndPay(patient.token, self.id, schedule, segment);
    const orderNo: string = reg.payment.orderNo;

    const { page, context } = await desktop(browser);
    await consoleLogin(page, 'finance', 'Finance@2026');
    await page.getByTestId('menu-payment-orders').click();
    await page.getByTestId('payment-orders-q').fill(orderNo);
    await page.getByTestId('payment-orders-search').click();
    await page.getByTestId(`order-refund-${orderNo}`).click();
    await page.getByTestId('refund-reason').fill('患者当面申请退费，经财务核实');
    await snap(page, 'console-finance-refund');
    await page.getByTestId('refund-confirm').click();
    const notice = page.locator('.ant-message-notice').first();
    await notice.waitFor();
    expect(await notice.innerText()).toMatch(/已提交退款/);
    await page.getByTestId('refund-confirm').waitFor({ state: 'hidden' });

    await page.getByTestId('menu-refunds').click();
    const q = searchBox(page, 'refunds-q');
    await q.fill(orderNo);
    await q.press('Enter');
    await page.getByTestId(`refund-order-${orderNo}`).waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('[data-testid^="refund-order-"]').count()).toBe(1);

    const token = await staffToken('finance', 'Finance@2026');
    const refunds = await api<any>('GET', `/api/v1/admin/refunds?q=${orderNo}`, { token });
    expect(refunds.items).toHaveLength(1);
    expect(refunds.items[0]).toMatchObject({
      amountFen: schedule.feeFen,
      reason: '患者当面申请退费，经财务核实',
    });

    // The HIS write-back failures list and the abnormal-order list open for finance.
    await page.getByTestId('menu-writeback-failures').click();
    await page.getByTestId('writeback-failures-table').waitFor();
    const failures = await api<any>('GET', '/api/v1/admin/bill-writeback-failures', { token });
    await expect
      .poll(() => page.getByTestId('writeback-failures-table').locator('tbody tr.ant-table-row').count())
      .toBe(Math.min(failures.items.length, 20));
    await snap(page, 'console-writeback-failures');
    await page.getByTestId('menu-abnormal-orders').click();
    await page.getByTestId('abnormal-orders-table').waitFor();
    const open = await api<any>('GET', '/api/v1/admin/abnormal-orders?status=open', { token });
    await expect
      .poll(() => page.getByTestId('abnormal-orders-table').locator('tbody tr.ant-table-row').count())
      .toBe(Math.min(open.items.length, 20));
    await snap(page, 'console-abnormal-orders');

    // An operator has neither page: no menu, and the address answers 403.
    const op = await desktop(browser);
    await consoleLogin(op.page, 'operator', 'Oper@2026');
    expect(await op.page.getByTestId('menu-writeback-failures').count()).toBe(0);
    await op.page.goto('/console/payments/writeback-failures');
    await op.page.getByText('403').first().waitFor();
    await op.context.close();
    await context.close();
  }, 240_000);

  it('an operator creates an exam package and sets its capacity for a date; an empty change or one below the places taken is refused; the booking is found at the desk', async () => {
    const { page, context } = await desktop(browser);
    await consoleLogin(page, 'operator', 'Oper@2026');
    await page.getByTestId('menu-exam-packages').click();
    await page.getByTestId('exam-package-new').click();
    const code = `E2E${Date.now().toString(36).toUpperCase()}`;
    await page.getByTestId('exam-package-code').fill(code);
    await page.getByTestId('exam-package-name').fill('入职体检（浏览器测试）');
    await page.getByTestId('exam-package-price').fill('188');
    await page.getByTestId('exam-item-name-0').fill('血常规');
    await page.getByTestId('exam-item-category-0').fill('检验');
    await page.getByTestId('exam-item-add').click();
    await page.getByTestId('exam-item-name-1').fill('胸部正位片');
    await page.getByTestId('exam-item-category-1').fill('影像');
    await page.getByTestId('exam-package-save').click();
    await page.getByTestId(`exam-capacity-${code}`).waitFor({ timeout: 15_000 });

    const token = await staffToken('operator', 'Oper@2026');
    const pkg = (await api<any>('GET', '/api/v1/admin/exam-packages', { token })).items.find(
      (p: any) => p.code === code,
    );
    expect(pkg).toMatchObject({
      name: '入职体检（浏览器测试）',
      priceFen: 18800,
      itemCount: 2,
      state: 'active',
    });

    await page.getByTestId(`exam-capacity-${code}`).click();
    const day = hospitalDay(3);
    await page.getByTestId(`capacity-edit-${day}`).click();
    await expect.poll(() => page.getByTestId(`capacity-cell-${day}`).innerText()).toBe('未设置');
    await page.getByTestId('capacity-count').fill('25');
    await page.getByTestId('capacity-save').click();
    await expect
      .poll(() => page.getByTestId(`capacity-cell-${day}`).innerText(), { timeout: 15_000 })
      .toBe('25');
    await snap(page, 'console-exam-capacity');
    const cap = await api<any>(
      'GET',
      `/api/v1/admin/exam-packages/${pkg.id}/capacity?from=${day}&to=${day}`,
      {
        token,
      },
    );
    expect(cap.items).toEqual([{ date: day, capacity: 25, taken: 0, remaining: 25, closed: false }]);
    // Only that date was set.
    const around = await api<any>(
      'GET',
      `/api/v1/admin/exam-packages/${pkg.id}/capacity?from=${hospitalDay(0)}&to=${hospitalDay(13)}`,
      { token },
    );
    expect(around.items.map((d: any) => d.date)).toEqual([day]);
    // The patient side offers the date now.
    const dates = await api<any>('GET', `/api/v1/exam-packages/${pkg.id}/dates`);
    expect(dates.items.find((d: any) => d.date === day)).toMatchObject({ bookable: true, remaining: 25 });

    // Neither a capacity nor open/close: the form refuses and nothing changes.
    await page.getByTestId(`capacity-edit-${hospitalDay(4)}`).click();
    await page.getByTestId('capacity-save').click();
    await page.locator('.ant-form-item-explain-error').first().waitFor();
    const still = await api<any>(
      'GET',
      `/api/v1/admin/exam-packages/${pkg.id}/capacity?from=${hospitalDay(0)}&to=${hospitalDay(13)}`,
      { token },
    );
    expect(still.items).toEqual(around.items);

    // A patient takes a place on that date; lowering the capacity below it is refused as a whole.
    const me = await patientWithSelf('冯丽华');
    await api('PUT', '/api/v1/exams/authorisation', {
      token: me.token,
      body: { patientId: me.patientId, authorised: true },
    });
    const booking = await api<any>('POST', '/api/v1/exam-bookings', {
      token: me.token,
      body: { patientId: me.patientId, packageId: pkg.id, examDate: day, idempotencyKey: `e2e-exam-${code}` },
    });
    await page.getByTestId(`capacity-edit-${day}`).click();
    await page.getByTestId('capacity-count').fill('0');
    await page.getByTestId('capacity-save').click();
    await expect
      .poll(() => page.getByTestId('capacity-below-taken').innerText(), { timeout: 15_000 })
      .toContain(day);
    const kept = await api<any>(
      'GET',
      `/api/v1/admin/exam-packages/${pkg.id}/capacity?from=${day}&to=${day}`,
      {
        token,
      },
    );
    expect(kept.items).toEqual([{ date: day, capacity: 25, taken: 1, remaining: 24, closed: false }]);
    // and the table now shows the place taken
    await expect
      .poll(() =>
        page.locator('tr.ant-table-row', { has: page.getByTestId(`capacity-cell-${day}`) }).innerText(),
      )
      .toMatch(/25\s+1\s+24/);
    await snap(page, 'console-exam-capacity-refused');
    await page.locator('.ant-drawer-close').click();

    // The booking is found at the desk by its number, the patient's name masked.
    await page.getByTestId('menu-exam-bookings').click();
    await page.getByTestId('exam-bookings-no').fill(booking.bookingNo);
    await page.getByTestId('exam-bookings-search').click();
    const rows = page.getByTestId('exam-bookings-table').locator('tbody tr.ant-table-row');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    const text = await rows.first().innerText();
    expect(text).toContain(booking.bookingNo);
    expect(text).toContain(day);
    expect(text).toContain('冯*华');
    expect(text).not.toContain('冯丽华');
    await context.close();
  });

  it('a deposit paid after the stay was settled is refunded and listed as an abnormal order, which finance resolves with a note', async () => {
    const his = await integrationChannel(['his.admissions.push', 'his.discharge.push']);
    const me = await patientWithSelf('吴桂兰');
    const admissionNo = `ZY${Date.now()}`;
    await his.push('/api/integration/v1/his/admissions', {
      admissionNo,
      name: me.name,
      idNumber: me.idNumber,
      ward: '骨科二病区',
      bed: '7',
      admittedAt: new Date(Date.now() - 3 * 86400_000).toISOString(),
    });
    const adm = await api<any>('POST', '/api/v1/admissions/bind', {
      token: me.token,
      body: { patientId: me.patientId, admissionNo, name: me.name },
    });
    const deposit = async (amountFen: number, key: string) =>
      (
        await api<any>('POST', `/api/v1/admissions/${adm.id}/deposits`, {
          token: me.token,
          body: { amountFen, idempotencyKey: `${key}-${admissionNo}` },
        })
      ).paymentOrder;
    const payAtCashier = async (order: any) =>
      api('POST', `/api/v1/payments/orders/${order.id}/pay`, {
        token: me.token,
        body: { channel: 'sandbox' },
      });
    const complete = async (order: any) =>
      api('POST', `/api/v1/payments/sandbox/${order.orderNo}/complete`, {
        token: me.token,
        body: { outcome: 'success' },
      });
    // 500 yuan paid; a second top-up of 100 opened at the cashier but not finished yet
    const first = await deposit(50_000, 'dep-first');
    await payAtCashier(first);
    await complete(first);
    await expect
      .poll(
        async () => (await api<any>('GET', `/api/v1/admissions/${adm.id}`, { token: me.token })).depositsFen,
        {
          timeout: 30_000,
          interval: 500,
        },
      )
      .toBe(50_000);
    const late = await deposit(10_000, 'dep-late');
    await payAtCashier(late);
    // discharged with 200 yuan of costs; the surplus goes back, the stay is settled
    await his.push(`/api/integration/v1/his/admissions/${admissionNo}/discharge`, {
      dischargedAt: new Date().toISOString(),
      totalCostFen: 20_000,
    });
    await api('POST', `/api/v1/admissions/${adm.id}/settlement/refund`, { token: me.token, body: {} });
    // the late top-up is paid now: the platform cannot keep it
    await complete(late);
    // the channel's notification arrives asynchronously: wait until the platform has listed it
    const financeToken = await staffToken('finance', 'Finance@2026');
    await expect
      .poll(
        async () =>
          (
            await api<any>('GET', '/api/v1/admin/abnormal-orders?status=open', { token: financeToken })
          ).items.some((o: any) => o.orderNo === late.orderNo),
        { timeout: 60_000, interval: 500 },
      )
      .toBe(true);

    const { page, context } = await desktop(browser);
    await consoleLogin(page, 'finance', 'Finance@2026');
    await page.getByTestId('menu-abnormal-orders').click();
    const abnormal = page.getByTestId(`abnormal-order-${late.orderNo}`);
    await abnormal.waitFor({ timeout: 30_000 });
    const abnormalRow = page.locator('tr.ant-table-row', { has: abnormal });
    expect(await abnormalRow.innerText()).toContain('业务处理失败');
    expect(await abnormalRow.innerText()).toContain('100.00');
    await snap(page, 'console-abnormal-order');
    // the order drawer shows the automatic full refund
    await abnormal.click();
    await expect
      .poll(() => page.locator('.ant-drawer-body').innerText(), { timeout: 30_000 })
      .toMatch(/退款成功/);
    await page.locator('.ant-drawer-close').click();
    await page.locator('.ant-drawer-content').waitFor({ state: 'hidden' });

    // Resolving needs a note; then it leaves the open list.
    await page.getByTestId(`abnormal-resolve-${late.orderNo}`).click();
    await page.getByTestId('abnormal-resolve-note').waitFor();
    await page.getByTestId('abnormal-resolve-confirm').click();
    await page.locator('.ant-form-item-explain-error').first().waitFor();
    expect(await abnormal.count()).toBe(1);
    await page.getByTestId('abnormal-resolve-note').fill('已核对：出院结算后到账的预交金已原路退回');
    await page.getByTestId('abnormal-resolve-confirm').click();
    await expect.poll(() => abnormal.count(), { timeout: 15_000 }).toBe(0);
    const token = await staffToken('finance', 'Finance@2026');
    const resolved = await api<any>('GET', '/api/v1/admin/abnormal-orders?status=resolved', { token });
    expect(resolved.items.find((o: any) => o.orderNo === late.orderNo)).toMatchObject({
      abnormalReason: 'BUSINESS_FAILED',
      abnormalStatus: 'resolved',
      resolutionNote: '已核对：出院结算后到账的预交金已原路退回',
      refundedFen: 10_000,
    });
    // the same order cannot be resolved twice
    const again = await fetch(
      `${baseUrl()}/api/v1/admin/abnormal-orders/${
        resolved.items.find((o: any) => o.orderNo === late.orderNo).abnormalId
      }/resolve`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ note: '重复处理' }),
      },
    );
    expect(again.status).toBe(409);
    await context.close();
  }, 300_000);

  it('finance follows a paid outpatient bill: its order among payment orders and its e-invoice once issued', async () => {
    const his = await integrationChannel(['his.visits.push', 'his.bills.push']);
    const me = await patientWithSelf('钱多多');
    const visitNo = `V${Date.now()}`;
    const billNo = `RX${visitNo}`;
    await pushVisit(his, me, visitNo, {
      doctorName: '李医生',
      bills: [
        hisBill('prescription', billNo, [
          { code: 'Y001', name: '阿莫西林胶囊', unit: '盒', quantity: 2, unitPriceFen: 1850 },
        ]),
      ],
    });
    const bills = await api<any>('GET', `/api/v1/bills?patientId=${me.patientId}`, { token: me.token });
    const bill = bills.items.find((b: any) => b.billNo === billNo);
    const payment = await api<any>('POST', '/api/v1/bill-payments', {
      token: me.token,
      body: { patientId: me.patientId, billIds: [bill.id], idempotencyKey: `e2e-console-${visitNo}` },
    });
    await api('POST', `/api/v1/payments/orders/${payment.orderId}/pay`, {
      token: me.token,
      body: { channel: 'sandbox' },
    });
    await api('POST', `/api/v1/payments/sandbox/${payment.orderNo}/complete`, {
      token: me.token,
      body: { outcome: 'success' },
    });

    // Paid once the channel's notification arrived; the HIS takes the write-back.
    await expect
      .poll(
        async () => (await api<any>('GET', `/api/v1/bill-payments/${payment.id}`, { token: me.token })).state,
        { timeout: 60_000, interval: 1000 },
      )
      .toBe('paid');

    const { page, context } = await desktop(browser);
    await consoleLogin(page, 'finance', 'Finance@2026');
    await page.getByTestId('menu-payment-orders').click();
    await page.getByTestId('payment-orders-q').fill(payment.orderNo);
    await page.getByTestId('payment-orders-search').click();
    const row = page.getByTestId('payment-orders-table').locator('tbody tr.ant-table-row');
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    expect(await row.first().innerText()).toMatch(/门诊缴费[\s\S]*37\.00[\s\S]*已支付/);

    // The e-invoice is issued by a job after the HIS confirmed the payment.
    const token = await staffToken('finance', 'Finance@2026');
    await expect
      .poll(
        async () =>
          (await api<any>('GET', '/api/v1/admin/einvoices', { token })).items.find(
            (i: any) => i.orderNo === payment.orderNo,
          )?.state,
        { timeout: 180_000, interval: 2000 },
      )
      .toBe('issued');
    await page.getByTestId('menu-einvoices').click();
    const cell = page.getByTestId(`einvoice-order-${payment.orderNo}`);
    await cell.waitFor({ timeout: 15_000 });
    const invoiceRow = page.locator('tr.ant-table-row', { has: cell });
    expect(await invoiceRow.innerText()).toContain('已开具');
    expect(await invoiceRow.innerText()).toContain('37.00');
    expect(await invoiceRow.locator('[data-testid^="einvoice-reissue-"]').count()).toBe(0);
    // not among the write-back failures
    await page.getByTestId('menu-writeback-failures').click();
    await page.getByTestId('writeback-failures-table').waitFor();
    expect(await page.getByTestId(`writeback-failure-${payment.orderNo}`).count()).toBe(0);
    await snap(page, 'console-einvoices');
    await context.close();
  }, 300_000);

  it('finance finds an insurance settlement with its fund, account and cash split and refunds it at the window', async () => {
    const his = await integrationChannel(['his.visits.push', 'his.bills.push']);
    const me = await patientWithSelf('郑秀英');
    const visitNo = `V${Date.now()}`;
    const billNo = `LB${visitNo}`;
    await pushVisit(his, me, visitNo, {
      departmentName: '内分泌科',
      doctorName: '陈医生',
      bills: [
        hisBill('lab', billNo, [
          { code: 'J010', name: '糖化血红蛋白', unit: '次', quantity: 1, unitPriceFen: 6000 },
        ]),
      ],
    });
    const { authCode } = await api<any>('POST', '/api/v1/insurance/sandbox/auth-code', {
      token: me.token,
      body: { patientId: me.patientId },
    });
    await api('POST', '/api/v1/insurance/credentials', {
      token: me.token,
      body: { patientId: me.patientId, authCode },
    });
    const bills = await api<any>('GET', `/api/v1/insurance/bills?patientId=${me.patientId}`, {
      token: me.token,
    });
    const bill = bills.items.find((b: any) => b.billNo === billNo);
    const s = await api<any>('POST', '/api/v1/insurance/settlements', {
      token: me.token,
      body: { patientId: me.patientId, billIds: [bill.id], useAccount: true },
    });
    expect(s.fundFen + s.accountFen + s.cashFen).toBe(6000);
    if (s.cashFen > 0) {
      await api('POST', `/api/v1/payments/orders/${s.cashOrderId}/pay`, {
        token: me.token,
        body: { channel: 'sandbox' },
      });
      await api('POST', `/api/v1/payments/sandbox/${s.cashOrderNo}/complete`, {
        token: me.token,
        body: { outcome: 'success' },
      });
    }
    await expect
      .poll(
        async () =>
          (await api<any>('GET', `/api/v1/insurance/settlements/${s.id}`, { token: me.token })).state,
        {
          timeout: 60_000,
          interval: 1000,
        },
      )
      .toBe('settled');

    const { page, context } = await desktop(browser);
    await consoleLogin(page, 'finance', 'Finance@2026');
    await page.getByTestId('menu-insurance-settlements').click();
    await page.getByTestId('insurance-settlements-no').fill(s.settlementNo);
    await page.getByTestId('insurance-settlements-search').click();
    const link = page.getByTestId(`insurance-settlement-${s.settlementNo}`);
    await link.waitFor({ timeout: 15_000 });
    const row = page.locator('tr.ant-table-row', { has: link });
    const yuanOf = (f: number) => `${Math.floor(f / 100)}.${String(f % 100).padStart(2, '0')}`;
    const text = await row.innerText();
    for (const f of [6000, s.fundFen, s.accountFen, s.cashFen]) expect(text).toContain(yuanOf(f));
    expect(text).toContain('已结算');
    // the detail shows the platform's own record
    await link.click();
    await expect
      .poll(() => page.locator('.ant-drawer-body').innerText(), { timeout: 15_000 })
      .toContain(billNo);
    expect(await page.getByTestId('insurance-platform-record').innerText()).toContain('与本平台一致');
    await snap(page, 'console-insurance-settlement');
    await page.locator('.ant-drawer-close').click();

    // window refund: a reason is required, then fund and account go back to insurance, cash to its channel
    await page.getByTestId(`insurance-cancel-${s.settlementNo}`).click();
    await page.getByTestId('insurance-cancel-confirm').click();
    await page.locator('.ant-form-item-explain-error').first().waitFor();
    await page.getByTestId('insurance-cancel-reason').fill('患者到窗口申请退费，检验未做');
    await page.getByTestId('insurance-cancel-confirm').click();
    await expect
      .poll(
        async () =>
          (await api<any>('GET', `/api/v1/insurance/settlements/${s.id}`, { token: me.token })).state,
        {
          timeout: 60_000,
          interval: 1000,
        },
      )
      .toBe('refunded');
    const after = await api<any>('GET', `/api/v1/insurance/settlements/${s.id}`, { token: me.token });
    expect(after.insuranceState).toBe('refunded');
    await expect.poll(() => row.innerText(), { timeout: 30_000 }).toMatch(/已退款|退款中/);
    expect(await page.getByTestId(`insurance-cancel-${s.settlementNo}`).count()).toBe(0);
    await context.close();
  }, 300_000);
});
